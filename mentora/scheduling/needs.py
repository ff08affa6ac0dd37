"""What scheduling asks of a person now, for their home's "Needs you now".

Each function runs a fixed number of queries (no query per row) and returns at
most NEEDS_SHOWN items of each kind, each linking to the page where it is done.
A mentor's unrecorded attendance is listed however old (there is no window for
recording it); past NEEDS_SHOWN one more item counts the rest and links to the
schedule, which lists them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora.programs.memo import per_request, remember
from mentora.programs.models import Mentorship, Program
from mentora.programs.needs import NEEDS_SHOWN, Need
from mentora.scheduling import policies
from mentora.scheduling.models import Cadence, CancellationKind, Session, SessionStatus

if TYPE_CHECKING:
    from mentora.accounts.models import User

# Attendance is late once the notes window (a week) has passed; it still needs doing.
ATTENDANCE_LATE_AFTER = policies.ATTENDANCE_LATE_AFTER
# How far back a success manager hears of late cancellations.
LATE_CANCELLATIONS_DAYS = 14


def attendance_to_record(program: Program, mentor: User, now: datetime) -> QuerySet[Session]:
    """Every ended session of the mentor still marked as scheduled, however old."""
    return (
        Session.objects.filter(
            program=program, mentor=mentor, status=SessionStatus.SCHEDULED, ends_at__lte=now
        )
        .select_related("mentee")
        .order_by("ends_at")
    )


def has_rhythm() -> Exists:
    """Annotate live mentorships with this (as `has_rhythm`) to hand them to
    remember_rhythms: whether the mentorship has its regular time."""
    return Exists(Cadence.objects.filter(mentorship=OuterRef("pk")))


def remember_rhythms(program: Program, user: User, field: str, live: Sequence[Mentorship]) -> None:
    """A page that read all of `user`'s live mentorships as `field` ("mentee" or
    "mentor"), annotated with has_rhythm(), spares "Needs you now" reading them again."""
    without = [m for m in live if not m.has_rhythm]  # type: ignore[attr-defined]
    remember(user, ("without_rhythm", program.pk, field), sorted(without, key=_started))


def _started(mentorship: Mentorship) -> tuple[object, int]:
    return (mentorship.started_at, mentorship.pk)


def _without_rhythm(program: Program, user: User, field: str) -> list[Mentorship]:
    def read() -> list[Mentorship]:
        return list(
            Mentorship.objects.live()
            .filter(program=program, cadence__isnull=True, **{field: user})
            .select_related("mentor", "mentee")
            .order_by("started_at", "pk")
        )

    return per_request(user, ("without_rhythm", program.pk, field), read)


def _rhythm_needs(program: Program, mentorships: list[Mentorship], other: str) -> list[Need]:
    return [
        Need(
            title=_("Choose a regular time with %(name)s") % {"name": getattr(m, other).name},
            url=reverse("cadence_edit", args=[program.slug, m.pk]),
        )
        for m in mentorships[:NEEDS_SHOWN]
    ]


def needs_you_now_for_mentee(user: User, program: Program, now: datetime) -> list[Need]:
    return _rhythm_needs(program, _without_rhythm(program, user, "mentee"), "mentor")


def _attendance_needs(program: Program, mentor: User, now: datetime) -> list[Need]:
    """The oldest NEEDS_SHOWN sessions awaiting attendance, each linking to the
    form on its page, and one item counting the rest (one more query)."""
    sessions = attendance_to_record(program, mentor, now)
    shown = list(sessions[: NEEDS_SHOWN + 1])
    needs = [
        Need(
            title=_("Record attendance for your session with %(name)s") % {"name": s.mentee.name},
            url=reverse("session_detail", args=[program.slug, s.pk]) + "#attendance",
            due=s.ends_at,
            late=s.ends_at < now - ATTENDANCE_LATE_AFTER,
        )
        for s in shown[:NEEDS_SHOWN]
    ]
    if len(shown) > NEEDS_SHOWN:
        rest = sessions.count() - NEEDS_SHOWN
        needs.append(
            Need(
                title=ngettext(
                    "%(count)d more session needs its attendance recorded",
                    "%(count)d more sessions need their attendance recorded",
                    rest,
                )
                % {"count": rest},
                url=reverse("schedule", args=[program.slug]),
                late=any(n.late for n in needs),
            )
        )
    return needs


def needs_you_now_for_mentor(user: User, program: Program, now: datetime) -> list[Need]:
    needs = _attendance_needs(program, user, now)
    return needs + _rhythm_needs(program, _without_rhythm(program, user, "mentor"), "mentee")


def _caseload_sessions(program: Program, success_manager: User) -> QuerySet[Session]:
    return Session.objects.filter(
        program=program,
        mentee__memberships__program=program,
        mentee__memberships__success_manager=success_manager,
    ).select_related("mentor", "mentee")


def needs_you_now_for_success_manager(user: User, program: Program, now: datetime) -> list[Need]:
    """Unmarked attendance past the program's grace time, and recent late cancellations."""
    cutoff = now - timedelta(hours=program.unmarked_flag_hours)
    unmarked = (
        _caseload_sessions(program, user)
        .filter(status=SessionStatus.SCHEDULED, ends_at__lte=cutoff)
        .order_by("ends_at")
    )
    late = (
        _caseload_sessions(program, user)
        .filter(
            status=SessionStatus.CANCELLED,
            cancellation_kind=CancellationKind.LATE,
            cancelled_at__gte=now - timedelta(days=LATE_CANCELLATIONS_DAYS),
        )
        .order_by("-cancelled_at")
    )
    return [
        Need(
            title=_("Attendance not recorded: %(mentee)s with %(mentor)s")
            % {"mentee": s.mentee.name, "mentor": s.mentor.name},
            url=reverse("session_detail", args=[program.slug, s.pk]),
            due=s.ends_at,
            late=True,
        )
        for s in unmarked[:NEEDS_SHOWN]
    ] + [
        Need(
            title=_("Late cancellation: %(mentee)s with %(mentor)s")
            % {"mentee": s.mentee.name, "mentor": s.mentor.name},
            url=reverse("session_detail", args=[program.slug, s.pk]),
            due=s.starts_at,
        )
        for s in late[:NEEDS_SHOWN]
    ]
