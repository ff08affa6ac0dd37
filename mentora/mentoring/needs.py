"""What mentoring asks of a person now, for their home's "Needs you now":
preparing, reflecting, feedback, action items, a mentor's notes and report.

Each function runs a fixed number of queries (Exists subqueries, no query per
row) and returns at most NEEDS_SHOWN items of each kind.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext as _

from mentora.mentoring.access import NOTES_OPEN_DAYS, windows_from_expression
from mentora.mentoring.models import Feedback, Note, Reflection, ReflectionReopening
from mentora.mentoring.workspace.queries import FIRST_OPEN_ITEMS, first_open_items
from mentora.mentoring.workspace.services import local_today
from mentora.programs.models import Program
from mentora.programs.needs import NEEDS_SHOWN, Need
from mentora.scheduling.models import Session, SessionStatus

if TYPE_CHECKING:
    from mentora.accounts.models import User

# A mentee is asked to prepare a session this long before it.
PREPARE_AHEAD = timedelta(days=7)
# A mentor hears of an unprepared session this long before it.
UNPREPARED_AHEAD = timedelta(hours=48)
# Action items due this soon (or overdue) are listed.
ITEMS_AHEAD_DAYS = 2

_UNPREPARED = Q(agenda__isnull=True) | Q(agenda__goal="")
# The kinds of session a "Needs you now" query sorts out (_first_of_each).
_PREPARE, _AFTER, _HELD, _UNPREPARED_KIND, _REOPENED = 1, 2, 3, 4, 5
# A reopened reflection is asked for unless the session didn't take place.
_NOT_HELD = [SessionStatus.CANCELLED, SessionStatus.MENTEE_NO_SHOW, SessionStatus.MENTOR_NO_SHOW]
assert NEEDS_SHOWN <= FIRST_OPEN_ITEMS  # _items_due reads its items from first_open_items


def _sessions(program: Program, **parties: User) -> QuerySet[Session]:
    return Session.objects.filter(program=program, **parties).select_related("mentor", "mentee")


def _reflection_due_q(program: Program, now: datetime) -> Q:
    """Sessions that ended inside the reflection window and weren't missed. The
    window counts from the later of the end and the recording of attendance
    (`windows_from`, annotated): attendance recorded late opens a full window."""
    window = timedelta(days=program.reflection_window_days)
    return Q(
        status__in=[SessionStatus.HELD, SessionStatus.SCHEDULED],
        ends_at__lte=now,
        windows_from__gte=now - window,
    )


def _first_of_each(
    sessions: QuerySet[Session], kinds: dict[int, tuple[Q, str]]
) -> dict[int, list[Session]]:
    """The first NEEDS_SHOWN sessions of each kind, in one query: `kinds` maps a kind
    to its condition (the kinds exclusive) and the field it is ordered by; each kind is
    numbered by a window function and kept to its first NEEDS_SHOWN."""
    kind = Case(*(When(q, then=Value(k)) for k, (q, _) in kinds.items()), default=None)
    order = Case(*(When(q, then=F(field)) for _, (q, field) in kinds.items()), default=None)
    rows = (
        sessions.annotate(need_kind=kind, need_order=order)
        .filter(need_kind__isnull=False)
        .annotate(
            need_rank=Window(
                RowNumber(),
                partition_by=[F("need_kind")],
                order_by=[F("need_order").asc(), F("pk").asc()],
            )
        )
        .filter(need_rank__lte=NEEDS_SHOWN)
        .order_by("need_kind", "need_order", "pk")
    )
    found: dict[int, list[Session]] = {k: [] for k in kinds}
    for session in rows:
        found[session.need_kind].append(session)  # type: ignore[attr-defined]
    return found


def _reflected_by(user: User) -> Exists:
    return Exists(Reflection.objects.filter(session=OuterRef("pk"), author=user))


def needs_you_now_for_mentee(user: User, program: Program, now: datetime) -> list[Need]:
    slug, window = program.slug, timedelta(days=program.reflection_window_days)
    prepare = Q(
        _UNPREPARED,
        status=SessionStatus.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + PREPARE_AHEAD,
    )
    after = _reflection_due_q(program, now) & (Q(reflected=False) | Q(gave_feedback=False))
    # The kinds in one query (one ahead, the others behind). A session both in its
    # window and reopened is of the first kind, due when the later of the two ends.
    first = _first_of_each(
        _sessions(program, mentee=user).annotate(
            windows_from=windows_from_expression(),
            reflected=_reflected_by(user),
            gave_feedback=Exists(Feedback.objects.filter(session=OuterRef("pk"))),
            reopened_until=_reopened_until(user, now),
        ),
        {
            _PREPARE: (prepare, "starts_at"),
            _AFTER: (after, "ends_at"),
            _REOPENED: (_reopened_q("reflected"), "reopened_until"),
        },
    )
    needs = [
        Need(
            title=_("Prepare your session with %(name)s") % {"name": s.mentor.name},
            url=reverse("agenda", args=[slug, s.pk]),
            due=s.starts_at,
        )
        for s in first[_PREPARE]
    ]
    for s in first[_AFTER]:
        if not s.reflected:  # type: ignore[attr-defined]
            needs.append(_reflect_need(s, slug, _due(s, s.windows_from + window)))  # type: ignore[attr-defined]
        if not s.gave_feedback:  # type: ignore[attr-defined]
            needs.append(
                Need(
                    title=_("Give %(name)s feedback on your session") % {"name": s.mentor.name},
                    url=reverse("session_workspace", args=[slug, s.pk]),
                    due=s.windows_from + window,  # type: ignore[attr-defined]
                )
            )
    needs += [_reflect_need(s, slug, s.reopened_until) for s in first[_REOPENED]]  # type: ignore[attr-defined]
    return needs + _items_due(user, program, now)


def _reopened_until(user: User, now: datetime) -> Subquery:
    """Until when staff reopened the session's reflection for `user` (None: not open)."""
    open_for_user = ReflectionReopening.objects.filter(
        session=OuterRef("pk"), party=user, until__gte=now
    )
    return Subquery(open_for_user.order_by("-until").values("until")[:1])


def _reopened_q(written: str) -> Q:
    """Sessions whose reflection staff reopened and the person hasn't written
    (`written` names the annotation saying they have)."""
    return Q(reopened_until__isnull=False, **{written: False}) & ~Q(status__in=_NOT_HELD)


def _due(session: Session, window_ends: datetime) -> datetime:
    reopened_until = getattr(session, "reopened_until", None)
    return max(window_ends, reopened_until) if reopened_until else window_ends


def _reflect_need(session: Session, slug: str, due: datetime) -> Need:
    return Need(
        title=_("Reflect on your session with %(name)s") % {"name": session.mentor.name},
        url=reverse("session_reflect", args=[slug, session.pk]),
        due=due,
    )


def _report_need(session: Session, slug: str, due: datetime) -> Need:
    return Need(
        title=_("Write your report on the session with %(name)s") % {"name": session.mentee.name},
        url=reverse("session_reflect", args=[slug, session.pk]),
        due=due,
    )


def _items_due(user: User, program: Program, now: datetime) -> list[Need]:
    today = local_today(user, now)
    zone = ZoneInfo(user.time_zone)
    # The open items are read soonest due first, so those due soon lead the list.
    due_by = today + timedelta(days=ITEMS_AHEAD_DAYS)
    items = [i for i in first_open_items(program, user) if i.due_on <= due_by]
    return [
        Need(
            title=_("Action item: %(title)s") % {"title": item.title},
            url=reverse("action_items", args=[program.slug]),
            due=datetime.combine(item.due_on, time(23, 59), tzinfo=zone),
            late=item.due_on < today,
        )
        for item in items[:NEEDS_SHOWN]
    ]


def needs_you_now_for_mentor(user: User, program: Program, now: datetime) -> list[Need]:
    slug, window = program.slug, timedelta(days=program.reflection_window_days)
    notes_days = timedelta(days=NOTES_OPEN_DAYS)
    held = (
        _reflection_due_q(program, now)
        & Q(status=SessionStatus.HELD)
        & (Q(reported=False) | Q(noted=False, windows_from__gte=now - notes_days))
    )
    unprepared = Q(
        _UNPREPARED,
        status=SessionStatus.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + UNPREPARED_AHEAD,
    )
    # The kinds in one query (held, scheduled, reopened). A held session both in its
    # window and reopened is of the first kind, due when the later of the two ends.
    first = _first_of_each(
        _sessions(program, mentor=user).annotate(
            windows_from=windows_from_expression(),
            reported=_reflected_by(user),
            noted=Exists(Note.objects.filter(session=OuterRef("pk"), author=user)),
            reopened_until=_reopened_until(user, now),
        ),
        {
            _HELD: (held, "ends_at"),
            _UNPREPARED_KIND: (unprepared, "starts_at"),
            _REOPENED: (_reopened_q("reported"), "reopened_until"),
        },
    )
    needs = []
    for s in first[_HELD]:
        if not s.reported:  # type: ignore[attr-defined]
            needs.append(_report_need(s, slug, _due(s, s.windows_from + window)))  # type: ignore[attr-defined]
        if not s.noted and s.windows_from >= now - notes_days:  # type: ignore[attr-defined]
            needs.append(
                Need(
                    title=_("Write notes on the session with %(name)s") % {"name": s.mentee.name},
                    url=reverse("session_workspace", args=[slug, s.pk]),
                    due=s.windows_from + notes_days,  # type: ignore[attr-defined]
                )
            )
    return (
        needs
        + [_report_need(s, slug, s.reopened_until) for s in first[_REOPENED]]  # type: ignore[attr-defined]
        + [
            Need(
                title=_("%(name)s hasn't prepared your session yet") % {"name": s.mentee.name},
                url=reverse("agenda", args=[slug, s.pk]),
                due=s.starts_at,
            )
            for s in first[_UNPREPARED_KIND]
        ]
    )
