"""What mentoring asks of a person now, for their home's "Needs you now":
preparing, reflecting, feedback, action items, a mentor's notes and report.

Each function runs a fixed number of queries (Exists subqueries, no query per
row) and returns at most NEEDS_SHOWN items of each kind.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When, Window
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
_PREPARE, _AFTER, _HELD, _UNPREPARED_KIND = 1, 2, 3, 4
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
    # Both kinds in one query (one ahead, one behind: never the same session).
    first = _first_of_each(
        _sessions(program, mentee=user).annotate(
            windows_from=windows_from_expression(),
            reflected=_reflected_by(user),
            gave_feedback=Exists(Feedback.objects.filter(session=OuterRef("pk"))),
        ),
        {_PREPARE: (prepare, "starts_at"), _AFTER: (after, "ends_at")},
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
            needs.append(
                Need(
                    title=_("Reflect on your session with %(name)s") % {"name": s.mentor.name},
                    url=reverse("session_reflect", args=[slug, s.pk]),
                    due=s.windows_from + window,  # type: ignore[attr-defined]
                )
            )
        if not s.gave_feedback:  # type: ignore[attr-defined]
            needs.append(
                Need(
                    title=_("Give %(name)s feedback on your session") % {"name": s.mentor.name},
                    url=reverse("session_workspace", args=[slug, s.pk]),
                    due=s.windows_from + window,  # type: ignore[attr-defined]
                )
            )
    return needs + _reopened(user, program, now) + _items_due(user, program, now)


def _reopened(user: User, program: Program, now: datetime) -> list[Need]:
    """Reflections staff reopened for this person and not written yet (one
    query), with the same title as the normal window's item, due when the
    reopening ends."""
    reopenings = (
        ReflectionReopening.objects.filter(party=user, session__program=program, until__gte=now)
        .exclude(
            session__status__in=[
                SessionStatus.CANCELLED,
                SessionStatus.MENTEE_NO_SHOW,
                SessionStatus.MENTOR_NO_SHOW,
            ]
        )
        .annotate(
            reflected=Exists(Reflection.objects.filter(session=OuterRef("session_id"), author=user))
        )
        .filter(reflected=False)
        .select_related("session__mentor", "session__mentee")
        .order_by("until")
    )
    needs = []
    for r in reopenings[:NEEDS_SHOWN]:
        s = r.session
        if user.pk == s.mentee_id:
            title = _("Reflect on your session with %(name)s") % {"name": s.mentor.name}
        else:
            title = _("Write your report on the session with %(name)s") % {"name": s.mentee.name}
        needs.append(
            Need(
                title=title, url=reverse("session_reflect", args=[program.slug, s.pk]), due=r.until
            )
        )
    return needs


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
    # Both kinds in one query (held and scheduled: never the same session).
    first = _first_of_each(
        _sessions(program, mentor=user).annotate(
            windows_from=windows_from_expression(),
            reported=_reflected_by(user),
            noted=Exists(Note.objects.filter(session=OuterRef("pk"), author=user)),
        ),
        {_HELD: (held, "ends_at"), _UNPREPARED_KIND: (unprepared, "starts_at")},
    )
    needs = []
    for s in first[_HELD]:
        if not s.reported:  # type: ignore[attr-defined]
            needs.append(
                Need(
                    title=_("Write your report on the session with %(name)s")
                    % {"name": s.mentee.name},
                    url=reverse("session_reflect", args=[slug, s.pk]),
                    due=s.windows_from + window,  # type: ignore[attr-defined]
                )
            )
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
        + _reopened(user, program, now)
        + [
            Need(
                title=_("%(name)s hasn't prepared your session yet") % {"name": s.mentee.name},
                url=reverse("agenda", args=[slug, s.pk]),
                due=s.starts_at,
            )
            for s in first[_UNPREPARED_KIND]
        ]
    )
