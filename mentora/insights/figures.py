"""A program's numbers by week, aggregated in the database.

Weeks run Monday to Sunday in the program's time zone; the database numbers
each row's week by comparing its time with the weeks' boundaries (weeks.py), the
same SQL on SQLite and PostgreSQL. A session counts in the week it starts; an
action item in the week it was created and, separately, the week it was done; a
mentorship is active in a week if it had started and not ended by that week's end.

The page costs a fixed number of queries whatever the range or the data: one
grouped query for sessions (with their agendas, the mentee's reflections and the
feedback, read for the period's sessions only: session_rows.py), one for action
items, one each for endings and their reasons, one with a filtered count per
week for active mentorships, and two for capacity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, Expression, OuterRef, Q, QuerySet, Sum

from mentora.accounts.models import MentorProfile
from mentora.insights.access import Scope
from mentora.insights.session_rows import session_rows
from mentora.insights.weeks import week_number
from mentora.mentoring.models import ActionItem
from mentora.programs.models import Cohort, EndReason, Membership, Mentorship, Role
from mentora.scheduling.models import Session

MAX_WEEKS = 104


@dataclass(frozen=True)
class Period:
    """Whole weeks from the Monday on or before `first` to the Sunday on or after `last`."""

    first: date
    last: date
    zone: ZoneInfo

    @classmethod
    def covering(cls, first: date, last: date, zone: ZoneInfo) -> Period:
        monday = first - timedelta(days=first.weekday())
        sunday = last + timedelta(days=6 - last.weekday())
        return cls(monday, sunday, zone)

    @property
    def weeks(self) -> list[date]:
        n = (self.last - self.first).days // 7 + 1
        return [self.first + timedelta(weeks=i) for i in range(n)]

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), self.zone)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), self.zone)

    def week_end(self, monday: date) -> datetime:
        return datetime.combine(monday + timedelta(days=7), time(), self.zone)


@dataclass
class Week:
    """The numbers of one week (or, summed, of the whole period)."""

    starts_on: date | None
    scheduled: int = 0
    held: int = 0
    cancelled_on_time: int = 0
    cancelled_late: int = 0
    mentee_no_shows: int = 0
    mentor_no_shows: int = 0
    not_marked: int = 0  # still "scheduled": upcoming, or attendance not recorded
    prepared: int = 0  # held with a written goal
    goal_yes: int = 0
    goal_partly: int = 0
    goal_no: int = 0
    feedback_count: int = 0
    feedback_sum: int = 0
    feedback_high: int = 0  # 4 or 5
    feedback_mid: int = 0  # 3
    feedback_low: int = 0  # 1 or 2
    actions_created: int = 0
    actions_done: int = 0
    active_mentorships: int = 0
    ended: int = 0
    rematches: int = 0

    @property
    def no_shows(self) -> int:
        return self.mentee_no_shows + self.mentor_no_shows

    @property
    def prepared_share(self) -> float | None:
        return self.prepared / self.held if self.held else None

    @property
    def reflections(self) -> int:
        return self.goal_yes + self.goal_partly + self.goal_no

    @property
    def goal_met_share(self) -> float | None:
        return self.goal_yes / self.reflections if self.reflections else None

    @property
    def attendance_share(self) -> float | None:
        marked = self.held + self.no_shows
        return self.held / marked if marked else None

    @property
    def feedback_average(self) -> float | None:
        return self.feedback_sum / self.feedback_count if self.feedback_count else None


COUNTED = [f.name for f in fields(Week) if f.name not in ("starts_on", "active_mentorships")]
TREND_WEEKS = 4


def summed(weeks: list[Week]) -> Week:
    total = Week(None)
    for week in weeks:
        for name in COUNTED:
            setattr(total, name, getattr(total, name) + getattr(week, name))
    if weeks:
        total.active_mentorships = weeks[-1].active_mentorships
    return total


@dataclass(frozen=True)
class Trend:
    """A share or average over the last few weeks of the range, against the weeks before."""

    recent: float
    before: float
    step: float  # the smallest change worth a word

    @property
    def direction(self) -> str:
        if abs(self.recent - self.before) < self.step:
            return "steady"
        return "up" if self.recent > self.before else "down"


@dataclass
class Figures:
    scope: Scope
    period: Period
    cohort: Cohort | None
    weeks: list[Week]
    total: Week
    end_reasons: list[tuple[str, int, int]]  # (label, ended, of which re-matched)
    capacity: int | None = None  # whole program only
    live_now: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def utilisation(self) -> float | None:
        if not self.capacity or self.live_now is None:
            return None
        return self.live_now / self.capacity

    def week_utilisation(self, week: Week) -> float | None:
        if not self.capacity or self.cohort is not None:
            return None
        return week.active_mentorships / self.capacity

    def trends(self) -> dict[str, Trend]:
        """The last TREND_WEEKS weeks against the earlier ones, for the headline
        figures (none when the range is too short to compare)."""
        if len(self.weeks) < 2 * TREND_WEEKS:
            return {}
        recent, before = summed(self.weeks[-TREND_WEEKS:]), summed(self.weeks[:-TREND_WEEKS])
        found = {}
        for name, step in (
            ("attendance_share", 0.03),
            ("prepared_share", 0.03),
            ("goal_met_share", 0.03),
            ("feedback_average", 0.2),
        ):
            now, then = getattr(recent, name), getattr(before, name)
            if now is not None and then is not None:
                found[name] = Trend(now, then, step)
        return found


def mentee_ids(scope: Scope, cohort: Cohort | None) -> QuerySet[Any] | None:
    """A subquery of the mentees in scope, or None when every session of the program counts."""
    if scope.whole_program and cohort is None:
        return None
    members = Membership.objects.filter(program=scope.program, role=Role.MENTEE)
    if scope.success_manager is not None:
        members = members.filter(success_manager=scope.success_manager, is_active=True)
    if cohort is not None:
        members = members.filter(cohort=cohort)
    return members.values("user_id")


def _scoped(qs: QuerySet[Any], path: str, mentees: QuerySet[Any] | None) -> QuerySet[Any]:
    return qs if mentees is None else qs.filter(**{f"{path}__in": mentees})


def _merge(weeks: list[Week], rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        number = row.pop("week")
        if number is None:  # outside the period
            continue
        week = weeks[number]
        for key, value in row.items():
            setattr(week, key, getattr(week, key) + (value or 0))


def figures(scope: Scope, period: Period, cohort: Cohort | None = None) -> Figures:
    program = scope.program
    mentees = mentee_ids(scope, cohort)
    weeks = [Week(monday) for monday in period.weeks]

    sessions = _scoped(
        Session.objects.filter(
            program=program, starts_at__gte=period.start, starts_at__lt=period.end
        ),
        "mentee",
        mentees,
    )
    _merge(weeks, session_rows(sessions, _week("starts_at", period), len(weeks)))
    _merge(weeks, _action_rows(scope, period, mentees))
    mentorships = _scoped(Mentorship.objects.filter(program=program), "mentee", mentees)
    _merge(weeks, _ending_rows(mentorships, period))
    _active_by_week(weeks, mentorships, period)

    total = summed(weeks)

    result = Figures(
        scope=scope,
        period=period,
        cohort=cohort,
        weeks=weeks,
        total=total,
        end_reasons=_end_reasons(mentorships, period),
    )
    if scope.whole_program:
        result.capacity, result.live_now = _capacity(scope)
    return result


def _week(field_name: str, period: Period) -> Expression:
    return week_number(field_name, period.weeks, period.zone)


def _action_rows(
    scope: Scope, period: Period, mentees: QuerySet[Any] | None
) -> list[dict[str, Any]]:
    """Action items created, and done, in each week: one scan, grouped by both weeks."""
    items = _scoped(
        ActionItem.objects.filter(mentorship__program=scope.program), "mentorship__mentee", mentees
    )
    pairs = (
        items.filter(
            Q(created_at__gte=period.start, created_at__lt=period.end)
            | Q(done_at__gte=period.start, done_at__lt=period.end)
        )
        .annotate(created=_week("created_at", period), done=_week("done_at", period))
        .values("created", "done")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows: list[dict[str, Any]] = []
    for pair in pairs:
        # A week outside the period is dropped by _merge.
        rows.append({"week": pair["created"], "actions_created": pair["n"]})
        if pair["done"] is not None:
            rows.append({"week": pair["done"], "actions_done": pair["n"]})
    return rows


def _rematched() -> Exists:
    """Ended, and the same mentee started another mentorship in the program after it began."""
    return Exists(
        Mentorship.objects.filter(
            program=OuterRef("program"),
            mentee=OuterRef("mentee"),
            started_at__gt=OuterRef("started_at"),
        ).exclude(pk=OuterRef("pk"))
    )


def _ended_in(mentorships: QuerySet[Mentorship], period: Period) -> QuerySet[Mentorship]:
    return mentorships.filter(ended_at__gte=period.start, ended_at__lt=period.end)


def _ending_rows(mentorships: QuerySet[Mentorship], period: Period) -> QuerySet[Any]:
    return (
        _ended_in(mentorships, period)
        .annotate(week=_week("ended_at", period))
        .values("week")
        .annotate(ended=Count("pk"), rematches=Count("pk", filter=Q(_rematched())))
        .order_by()
    )


def _end_reasons(mentorships: QuerySet[Mentorship], period: Period) -> list[tuple[str, int, int]]:
    labels = dict(EndReason.choices)
    rows = (
        _ended_in(mentorships, period)
        .values("end_reason")
        .annotate(ended=Count("pk"), rematches=Count("pk", filter=Q(_rematched())))
        .order_by("-ended", "end_reason")
    )
    return [
        (str(labels.get(r["end_reason"], r["end_reason"])), r["ended"], r["rematches"])
        for r in rows
    ]


def _active_by_week(weeks: list[Week], mentorships: QuerySet[Mentorship], period: Period) -> None:
    """Mentorships active at the end of each week, in one query of filtered counts."""
    if not weeks:
        return
    counts = {}
    for i, monday in enumerate(period.weeks):
        end = period.week_end(monday)
        counts[f"w{i}"] = Count(
            "pk", filter=Q(started_at__lt=end) & (Q(ended_at__isnull=True) | Q(ended_at__gte=end))
        )
    row = mentorships.filter(started_at__lt=period.end).aggregate(**counts)
    for i, week in enumerate(weeks):
        week.active_mentorships = row[f"w{i}"] or 0


def _capacity(scope: Scope) -> tuple[int, int]:
    """Total capacity of the program's active mentors, and their live mentorships now."""
    capacity = MentorProfile.objects.filter(
        user__memberships__program=scope.program,
        user__memberships__role=Role.MENTOR,
        user__memberships__is_active=True,
    ).aggregate(total=Sum("capacity"))["total"]
    live = Mentorship.objects.live().filter(program=scope.program).count()
    return capacity or 0, live


CSV_COLUMNS: list[tuple[str, str]] = [
    ("week_starting", "Week starting (Monday)"),
    ("scheduled", "Sessions scheduled"),
    ("held", "Held"),
    ("cancelled_on_time", "Cancelled on time"),
    ("cancelled_late", "Cancelled late"),
    ("mentee_no_shows", "Mentee no-shows"),
    ("mentor_no_shows", "Mentor no-shows"),
    ("not_marked", "Not marked yet"),
    ("prepared", "Held with a goal written"),
    ("prepared_share", "Share prepared"),
    ("goal_yes", "Goal met: yes"),
    ("goal_partly", "Goal met: partly"),
    ("goal_no", "Goal met: no"),
    ("feedback_count", "Feedback given"),
    ("feedback_average", "Average rating"),
    ("feedback_low", "Rated 1–2"),
    ("actions_created", "Action items created"),
    ("actions_done", "Action items completed"),
    ("active_mentorships", "Active mentorships (week end)"),
    ("utilisation", "Mentor utilisation"),
    ("ended", "Mentorships ended"),
    ("rematches", "Re-matches"),
]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def csv_rows(fig: Figures) -> list[list[str]]:
    """The weekly table as CSV rows: a header, one row per week, and a total."""
    rows = [[label for _, label in CSV_COLUMNS]]
    for week in [*fig.weeks, fig.total]:
        values = {
            "week_starting": week.starts_on.isoformat() if week.starts_on else "Total",
            "utilisation": fig.week_utilisation(week) if week.starts_on else fig.utilisation,
        }
        rows.append(
            [_cell(values[key] if key in values else getattr(week, key)) for key, _ in CSV_COLUMNS]
        )
    return rows
