"""The insights figures about a period's sessions, in one grouped query (#18).

What happened to each session comes from the session row; whether its agenda
has a goal, the mentee's "was the goal met?" and the feedback's rating come from
three other tables, each at most one row per session. There are two ways to read
them, chosen by the length of the period:

- probed (up to PROBED_WEEKS weeks, the page's default 12 among them): a
  correlated subquery per table, keyed on the session and answered from the
  indexes of mentoring 0003. Only the period's sessions are looked up, on
  either database, so the work is bounded by the period and does not grow with
  the tables. A join does not give that on PostgreSQL: its planner hashes each
  table whole, even for two weeks.
- joined (longer periods): the same tables joined to the period's sessions.
  Looking up costs about a microsecond a session and table on PostgreSQL,
  hashing a tenth of that a stored row, so once a period holds a large share of
  what is stored, reading the tables whole is the cheaper way. With 100,000
  sessions (a year): a year about 140 ms joined, 300 ms probed; 12 weeks 40 ms
  joined, 65 ms probed, but joined 78 ms once the tables hold three years,
  probed still 65 (docs/performance.md).

Both give the same numbers: rows of a week's number ("week", None outside the
period) and counts named as the fields of figures.Week.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Count,
    Expression,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from mentora.mentoring.models import Agenda, Feedback, GoalMet, Reflection
from mentora.scheduling.models import CancellationKind, Session, SessionStatus

PROBED_WEEKS = 13  # a quarter

GOAL_COUNTS = {GoalMet.YES: "goal_yes", GoalMet.PARTLY: "goal_partly", GoalMet.NO: "goal_no"}


def session_rows(
    sessions: QuerySet[Session], week: Expression, weeks: int
) -> Iterable[dict[str, Any]]:
    """The counts of `sessions` (the period's) by `week`, their number in a period
    of `weeks` weeks."""
    if weeks > PROBED_WEEKS:
        return joined(sessions, week)
    with _plainly():
        return [_as_counts(row) for row in probed(sessions, week)]


def _attendance() -> dict[str, Count]:
    cancelled = Q(status=SessionStatus.CANCELLED)
    return {
        "scheduled": Count("pk"),
        "held": Count("pk", filter=Q(status=SessionStatus.HELD)),
        "cancelled_on_time": Count(
            "pk", filter=cancelled & Q(cancellation_kind=CancellationKind.ON_TIME)
        ),
        "cancelled_late": Count(
            "pk", filter=cancelled & Q(cancellation_kind=CancellationKind.LATE)
        ),
        "mentee_no_shows": Count("pk", filter=Q(status=SessionStatus.MENTEE_NO_SHOW)),
        "mentor_no_shows": Count("pk", filter=Q(status=SessionStatus.MENTOR_NO_SHOW)),
        "not_marked": Count("pk", filter=Q(status=SessionStatus.SCHEDULED)),
    }


# --- probed --------------------------------------------------------------------


def _mentee_answer() -> Subquery:
    """The mentee's "was the goal met?" on the outer session (the goal is the
    mentee's), NULL without one: one row at most, a reflection being once per person."""
    answer = Reflection.objects.filter(session=OuterRef("pk"), author=OuterRef("mentee"))
    # Unordered: the model's ordering would sort, and read the rows, not the index.
    return Subquery(answer.order_by().values("goal_met"))


def _rating() -> Subquery:
    """The outer session's feedback rating (1 to 5), NULL without feedback."""
    return Subquery(Feedback.objects.filter(session=OuterRef("pk")).values("rating"))


def _agenda_with_goal() -> Subquery:
    """The outer session's agenda if it has a goal written, NULL otherwise. A value,
    not EXISTS: PostgreSQL may answer an EXISTS by hashing every agenda there is."""
    agenda = Agenda.objects.filter(session=OuterRef("pk")).exclude(goal="")
    return Subquery(agenda.values("session_id"))


def probed(sessions: QuerySet[Session], week: Expression) -> QuerySet[Any]:
    """Grouped by week, answer and rating (a few groups a week), so each subquery is
    written, and run, once a session: the answer and the rating as grouping keys,
    the agenda in the one count that needs it."""
    return (
        sessions.annotate(week=week, goal_met=_mentee_answer(), rating=_rating())
        .values("week", "goal_met", "rating")
        .annotate(
            **_attendance(),
            # The filter is tested first: only held sessions' agendas are looked up.
            prepared=Count(_agenda_with_goal(), filter=Q(status=SessionStatus.HELD)),
        )
        .order_by()
    )


def _as_counts(row: dict[str, Any]) -> dict[str, Any]:
    """One group's sessions, all with the same answer and rating, as a week's counts."""
    goal_met, rating = row.pop("goal_met"), row.pop("rating")
    n = row["scheduled"]
    if goal_met in GOAL_COUNTS:
        row[GOAL_COUNTS[goal_met]] = n
    if rating is not None:
        row.update(feedback_count=n, feedback_sum=n * rating)
        row[_rating_band(rating)] = n
    return row


def _rating_band(rating: int) -> str:
    if rating >= 4:
        return "feedback_high"
    return "feedback_mid" if rating == 3 else "feedback_low"


# For the lookups, on PostgreSQL, for their transaction only (is_local):
# - no compiling: the planner estimates each lookup as a read from disk, and
#   above a cost it compiles the query to machine code first: 12 weeks of 100,000
#   sessions were compiled for 170 ms to run for 60;
# - no parallel workers: a correlated subquery runs in the leading process only,
#   so workers scanning the sessions add a sort and a merge, and no speed.
_PLAIN = (
    "SELECT set_config('jit', 'off', true),"
    " set_config('max_parallel_workers_per_gather', '0', true)"
)


@contextmanager
def _plainly() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(_PLAIN)
        yield


# --- joined ----------------------------------------------------------------------


def joined(sessions: QuerySet[Session], week: Expression) -> QuerySet[Any]:
    """Grouped by week, the other tables joined: one row at most from each per
    session, so the joins never double-count."""
    reflection = "mentee_reflection__goal_met"
    return (
        sessions.annotate(
            week=week,
            mentee_reflection=FilteredRelation(
                "reflections", condition=Q(reflections__author=F("mentee"))
            ),
            # In the join's condition, so SQLite probes the index of agendas with a goal.
            agenda_with_goal=FilteredRelation("agenda", condition=~Q(agenda__goal="")),
        )
        .values("week")
        .annotate(
            **_attendance(),
            prepared=Count(
                "pk", filter=Q(status=SessionStatus.HELD, agenda_with_goal__isnull=False)
            ),
            goal_yes=Count("pk", filter=Q(**{reflection: GoalMet.YES})),
            goal_partly=Count("pk", filter=Q(**{reflection: GoalMet.PARTLY})),
            goal_no=Count("pk", filter=Q(**{reflection: GoalMet.NO})),
            feedback_count=Count("feedback"),
            feedback_sum=Sum("feedback__rating"),
            feedback_high=Count("feedback", filter=Q(feedback__rating__gte=4)),
            feedback_mid=Count("feedback", filter=Q(feedback__rating=3)),
            feedback_low=Count("feedback", filter=Q(feedback__rating__lte=2)),
        )
        .order_by()
    )
