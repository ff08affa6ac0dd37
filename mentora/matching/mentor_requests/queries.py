"""Reads for mentor requests: who may see which request, the rules that refuse
one before it is written, and the weekly times a mentor can offer on accepting.

The refusal rules live here once: the request page shows them before a mentee
writes a word, and `requests.request_create` checks them again under a lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Case, ExpressionWrapper, Q, QuerySet, Value, When
from django.http import Http404

from mentora.matching.errors import MatchingError
from mentora.matching.lifecycle.services import mentor_has_room
from mentora.matching.models import MentorRequest, RequestStatus
from mentora.programs import access as program_access
from mentora.programs.models import (
    LIVE_MENTORSHIP_STATUSES,
    Membership,
    Mentorship,
    Program,
    Role,
)
from mentora.scheduling.models import Cadence, Weekday, WeeklyHours
from mentora.scheduling.slots import local_to_utc

if TYPE_CHECKING:
    from mentora.accounts.models import User

RECENT_CLOSED = 20  # decided requests shown under the open ones
STAFF_LIST = 100


def pending(program: Program, now: datetime) -> QuerySet[MentorRequest]:
    """Open requests that have not run past their expiry (the job may not have run yet)."""
    return MentorRequest.objects.open().filter(program=program, expires_at__gt=now)


def _with_overdue(requests: QuerySet[MentorRequest], now: datetime) -> QuerySet[MentorRequest]:
    # Open but past expiry reads as expired until requests_expire writes it.
    overdue = Q(status=RequestStatus.OPEN, expires_at__lte=now)
    return requests.annotate(
        overdue=ExpressionWrapper(overdue, output_field=BooleanField())
    ).select_related("mentee", "mentor", "mentorship")


def _waiting_first(requests: QuerySet[MentorRequest], now: datetime) -> QuerySet[MentorRequest]:
    waiting = When(status=RequestStatus.OPEN, expires_at__gt=now, then=Value(0))
    return requests.order_by(Case(waiting, default=Value(1)), "-created_at")


def _listed(requests: QuerySet[MentorRequest], now: datetime) -> list[MentorRequest]:
    """Waiting requests first, then the most recent decided ones."""
    annotated = _with_overdue(requests, now).order_by("-created_at")
    waiting = Q(status=RequestStatus.OPEN, expires_at__gt=now)
    return list(annotated.filter(waiting)) + list(annotated.exclude(waiting)[:RECENT_CLOSED])


@dataclass(frozen=True)
class RequestLists:
    sent: list[MentorRequest] | None  # the viewer's own, as a mentee
    received: list[MentorRequest] | None  # to the viewer, as a mentor
    staff: list[MentorRequest] | None  # a caseload's, or the whole program's for admins


def _staff_scope(program: Program, viewer: User) -> Q | None:
    """What a staff member may read: admins everything, a success manager their caseload."""
    roles = program_access.roles_in(viewer, program)
    if viewer.is_staff or Role.ADMIN in roles:
        return Q()
    if Role.SUCCESS_MANAGER in roles:
        caseload = Membership.objects.active().filter(
            program=program, role=Role.MENTEE, success_manager=viewer
        )
        return Q(mentee_id__in=caseload.values("user_id"))
    return None


def request_lists(program: Program, viewer: User, now: datetime) -> RequestLists:
    """The requests page: a fixed number of queries, whatever the number of requests."""
    roles = program_access.roles_in(viewer, program)
    mine = MentorRequest.objects.filter(program=program)
    scope = _staff_scope(program, viewer)
    staff = None
    if scope is not None:
        staff = list(_waiting_first(_with_overdue(mine.filter(scope), now), now)[:STAFF_LIST])
    return RequestLists(
        sent=_listed(mine.filter(mentee=viewer), now) if Role.MENTEE in roles else None,
        received=_listed(mine.filter(mentor=viewer), now) if Role.MENTOR in roles else None,
        staff=staff,
    )


def request_for_viewer(
    program: Program, viewer: User, request_id: int, now: datetime
) -> MentorRequest:
    """One request, for its mentee, its mentor, or staff who may see that mentee. Else 404."""
    found = (
        _with_overdue(MentorRequest.objects.filter(program=program, pk=request_id), now)
        .select_related("mentor__mentor_profile", "mentee__mentee_profile")
        .first()
    )
    if found is None:
        raise Http404("No such request.")
    if viewer.pk in (found.mentee_id, found.mentor_id):
        return found
    scope = _staff_scope(program, viewer)
    if scope is not None and MentorRequest.objects.filter(scope, pk=found.pk).exists():
        return found
    raise Http404("No such request.")


def request_for_party(
    program: Program, viewer: User, request_id: int, now: datetime, *, as_role: Role
) -> MentorRequest:
    """A request the viewer is the mentor (or mentee) of: who may accept, decline, withdraw."""
    found = request_for_viewer(program, viewer, request_id, now)
    party = found.mentor_id if as_role == Role.MENTOR else found.mentee_id
    if party != viewer.pk:
        raise Http404("Not your request.")
    return found


def is_waiting(request: MentorRequest) -> bool:
    """Open and not past its expiry (needs the `overdue` annotation of these queries)."""
    return request.is_open and not request.overdue  # type: ignore[attr-defined]


def closed_reason(status: str) -> str:
    """Why a request can't be answered any more, from its status."""
    reasons: dict[str, str] = {
        RequestStatus.ACCEPTED: "This request has already been accepted.",
        RequestStatus.DECLINED: "This request has already been declined.",
        RequestStatus.WITHDRAWN: "This request was withdrawn.",
    }
    return reasons.get(status, "This request has expired: it went unanswered too long.")


# --- the rules that refuse a request ------------------------------------------------


def request_refusal(
    *, program: Program, mentee: User, mentor: User, now: datetime
) -> MatchingError | None:
    """Why `mentee` may not request `mentor` now, or None if they may.

    One live mentor at a time: a mentee with a live (active or paused)
    mentorship in the program is refused, since a program expects one mentor
    per mentee and a change of mentor goes through the success manager.
    """
    if not program.self_requests_enabled:
        return MatchingError(
            "self_requests_off",
            "In this program, staff match mentees with mentors: your success manager "
            "will find you a mentor.",
        )
    if mentee.pk == mentor.pk:
        return MatchingError("self", "You can't request yourself as a mentor.")
    if not program_access.has_role(mentee, program, Role.MENTEE):
        return MatchingError("not_a_mentee", "Only mentees of this program can request a mentor.")
    if not program_access.has_role(mentor, program, Role.MENTOR):
        return MatchingError("not_a_mentor", f"{mentor} isn't a mentor in this program.")
    if Mentorship.objects.live().filter(program=program, mentee=mentee).exists():
        return MatchingError(
            "has_mentor",
            "You already have a mentor in this program. One mentor at a time: if it "
            "isn't working out, tell your success manager.",
        )
    waiting = list(pending(program, now).filter(mentee=mentee).values_list("mentor_id", flat=True))
    if mentor.pk in waiting:
        return MatchingError(
            "already_requested", f"You have already asked {mentor}; wait for their answer."
        )
    if len(waiting) >= program.max_open_requests:
        return MatchingError(
            "too_many_open",
            f"You have {len(waiting)} open requests, the most this program allows. "
            "Withdraw one or wait for an answer.",
        )
    if not mentor_has_room(program, mentor):
        return MatchingError("mentor_full", f"{mentor} is full and isn't taking new mentees.")
    return None


# --- weekly times a mentor offers when accepting -----------------------------------------


@dataclass(frozen=True)
class WeeklyTime:
    """A weekly start time in the mentor's zone, and how it falls for the mentee."""

    weekday: int
    at: time
    mentor_zone: str
    mentee_local: datetime  # the first occurrence, in the mentee's zone

    @property
    def value(self) -> str:
        return f"{self.weekday}-{self.at:%H:%M}"

    @property
    def label(self) -> str:
        theirs = self.mentee_local
        return (
            f"{Weekday(self.weekday).label} {self.at:%H:%M} ({self.mentor_zone}) · "
            f"for them {theirs:%A %H:%M} ({theirs.tzinfo})"
        )


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _taken_ranges(program: Program, mentor: User) -> dict[int, list[tuple[int, int]]]:
    """Weekly ranges (minutes of the day, mentor's zone) other live cadences already use."""
    taken: dict[int, list[tuple[int, int]]] = {}
    cadences = Cadence.objects.filter(
        mentorship__program=program,
        mentorship__mentor=mentor,
        mentorship__status__in=LIVE_MENTORSHIP_STATUSES,
    )
    for c in cadences:
        start = _minutes(c.time_of_day)
        taken.setdefault(c.weekday, []).append((start, start + c.length_minutes))
    return taken


def first_week_day(program: Program, mentor: User, now: datetime) -> date:
    """The date regular sessions start from: after the program's minimum notice."""
    earliest = now + timedelta(hours=program.min_booking_notice_hours)
    return earliest.astimezone(ZoneInfo(mentor.time_zone)).date() + timedelta(days=1)


def weekly_times(
    *, program: Program, mentor: User, mentee_zone: str, now: datetime
) -> list[WeeklyTime]:
    """Start times on the program's grid inside the mentor's weekly hours where a
    whole session fits and no other live cadence of theirs sits."""
    length = program.default_session_minutes
    grid = max(program.slot_grid_minutes, 15)
    taken = _taken_ranges(program, mentor)
    tz, their_tz = ZoneInfo(mentor.time_zone), ZoneInfo(mentee_zone)
    first = first_week_day(program, mentor, now)
    found: dict[tuple[int, int], WeeklyTime] = {}
    for hours in WeeklyHours.objects.filter(mentor=mentor).order_by("weekday", "start_time"):
        day = first + timedelta(days=(hours.weekday - first.weekday()) % 7)
        start, end = _minutes(hours.start_time), _minutes(hours.end_time)
        for minute in range(start, end - length + 1, grid):
            clash = any(
                minute < t_end and t_start < minute + length
                for t_start, t_end in taken.get(hours.weekday, [])
            )
            if clash or (hours.weekday, minute) in found:
                continue
            at = time(minute // 60, minute % 60)
            found[(hours.weekday, minute)] = WeeklyTime(
                weekday=hours.weekday,
                at=at,
                mentor_zone=mentor.time_zone,
                mentee_local=local_to_utc(day, at, tz).astimezone(their_tz),
            )
    return [found[k] for k in sorted(found)]
