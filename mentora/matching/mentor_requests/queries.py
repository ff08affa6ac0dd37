"""Reads for mentor requests: the requests lists and one request, the rules that
refuse a request before it is written, and the weekly times a mentor can offer
on accepting.

Who may see which request is decided in `mentora.matching.access`; the reads
here take that decision (a staff scope, which lists to show) as arguments.

The refusal rules live here once: the request page (and its template tag)
shows them before a mentee writes a word, and `request_create` checks them
again under a lock. They are rules about the request (self-requests on, one
live mentor at a time, under the cap, the mentor has room) more than about
who is asking, so they stay with the request reads, not in access.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Case, ExpressionWrapper, Q, QuerySet, Value, When
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from mentora.matching.errors import MatchingCode, MatchingError
from mentora.matching.lifecycle.services import mentor_has_room
from mentora.matching.models import MentorRequest, RequestStatus
from mentora.programs import access as program_access
from mentora.programs.memo import per_request
from mentora.programs.models import LIVE_MENTORSHIP_STATUSES, Mentorship, Program, Role
from mentora.scheduling import timelabels
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


def request_lists(
    program: Program,
    viewer: User,
    now: datetime,
    *,
    sent: bool,
    received: bool,
    staff_scope: Q | None,
) -> RequestLists:
    """The requests page: the viewer's own sent and received requests (when `sent`
    / `received`) and the requests `staff_scope` covers (none when None).
    A fixed number of queries, whatever the number of requests."""
    mine = MentorRequest.objects.filter(program=program)
    staff = None
    if staff_scope is not None:
        staff = list(_waiting_first(_with_overdue(mine.filter(staff_scope), now), now)[:STAFF_LIST])
    return RequestLists(
        sent=_listed(mine.filter(mentee=viewer), now) if sent else None,
        received=_listed(mine.filter(mentor=viewer), now) if received else None,
        staff=staff,
    )


def request_in(program: Program, request_id: int, now: datetime) -> MentorRequest | None:
    """One request of the program, with its people and the `overdue` annotation."""
    return (
        _with_overdue(MentorRequest.objects.filter(program=program, pk=request_id), now)
        .select_related("mentor__mentor_profile", "mentee__mentee_profile")
        .first()
    )


def requests_in(program: Program, covered: Q, now: datetime) -> QuerySet[MentorRequest]:
    """The program's requests a filter covers, with their people and the `overdue`
    annotation (the API's list pages through them; who is covered is access's)."""
    return _with_overdue(MentorRequest.objects.filter(program=program).filter(covered), now)


def in_scope(request: MentorRequest, scope: Q) -> bool:
    """Whether a staff scope (a filter on the request's mentee) covers this request."""
    return MentorRequest.objects.filter(scope, pk=request.pk).exists()


def is_waiting(request: MentorRequest) -> bool:
    """Open and not past its expiry (needs the `overdue` annotation of these queries)."""
    return request.is_open and not request.overdue  # type: ignore[attr-defined]


def closed_reason(status: str) -> str:
    """Why a request can't be answered any more, from its status."""
    reasons: dict[str, str] = {
        RequestStatus.ACCEPTED: _("This request has already been accepted."),
        RequestStatus.DECLINED: _("This request has already been declined."),
        RequestStatus.WITHDRAWN: _("This request was withdrawn."),
    }
    return reasons.get(status, _("This request has expired: it went unanswered too long."))


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
            MatchingCode.SELF_REQUESTS_OFF,
            _(
                "In this program, staff match mentees with mentors: your success manager "
                "will find you a mentor."
            ),
        )
    if mentee.pk == mentor.pk:
        return MatchingError(MatchingCode.SELF, _("You can't request yourself as a mentor."))
    if not program_access.has_role(mentee, program, Role.MENTEE):
        return MatchingError(
            MatchingCode.NOT_A_MENTEE, _("Only mentees of this program can request a mentor.")
        )
    if not program_access.has_role(mentor, program, Role.MENTOR):
        return MatchingError(
            MatchingCode.NOT_A_MENTOR,
            _("%(mentor)s isn't a mentor in this program.") % {"mentor": mentor},
        )
    if Mentorship.objects.live().filter(program=program, mentee=mentee).exists():
        return MatchingError(
            MatchingCode.HAS_MENTOR,
            _(
                "You already have a mentor in this program. One mentor at a time: if it "
                "isn't working out, tell your success manager."
            ),
        )
    waiting = list(pending(program, now).filter(mentee=mentee).values_list("mentor_id", flat=True))
    if mentor.pk in waiting:
        return MatchingError(
            MatchingCode.ALREADY_REQUESTED,
            _("You have already asked %(mentor)s; wait for their answer.") % {"mentor": mentor},
        )
    if len(waiting) >= program.max_open_requests:
        return MatchingError(
            MatchingCode.TOO_MANY_OPEN,
            _(
                "You have %(count)d open requests, the most this program allows. "
                "Withdraw one or wait for an answer."
            )
            % {"count": len(waiting)},
        )
    if not mentor_has_room(program, mentor):
        return MatchingError(
            MatchingCode.MENTOR_FULL,
            _("%(mentor)s is full and isn't taking new mentees.") % {"mentor": mentor},
        )
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
        # Zones as the reader knows them ("18:00 CET", "UTC−3"), not IANA names.
        theirs = self.mentee_local
        their_clock = f"{theirs:%H:%M} {timelabels.zone_label(theirs)}"
        return _("%(day)s %(at)s · for them %(theirs)s") % {
            "day": Weekday(self.weekday).label,
            "at": timelabels.clock(theirs, self.mentor_zone),
            "theirs": f"{WEEKDAYS[theirs.weekday()]} {their_clock}",
        }


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


# --- request sections on other apps' pages (the home app composes them) ------------

# Refusals the mentor page doesn't repeat: its own "Full" badge says it, and a
# mentee with a mentor isn't looking for one.
QUIET_REFUSALS = {MatchingCode.HAS_MENTOR, MatchingCode.NOT_A_MENTEE, MatchingCode.SELF}


@dataclass(frozen=True)
class RequestEntry:
    """On a mentor's page, for a mentee: their open request, or why they can't ask."""

    asked: MentorRequest | None
    refusal: MatchingError | None

    @property
    def show(self) -> bool:
        return not (self.refusal and self.refusal.code in QUIET_REFUSALS)


def request_entry(program: Program, mentee: User, mentor: User, now: datetime) -> RequestEntry:
    asked = pending(program, now).filter(mentee=mentee, mentor=mentor).first()
    refusal = (
        None if asked else request_refusal(program=program, mentee=mentee, mentor=mentor, now=now)
    )
    return RequestEntry(asked=asked, refusal=refusal)


def waiting_for_mentee(program: Program, mentee: User, now: datetime) -> list[MentorRequest]:
    """A mentee's requests still waiting for an answer, for their home."""
    return list(pending(program, now).filter(mentee=mentee).select_related("mentor"))


def waiting_for_mentor(program: Program, mentor: User, now: datetime) -> list[MentorRequest]:
    """The requests waiting for a mentor's answer, soonest expiry first, for their home
    (its "Needs you now" and the header's count ask too: one query a request)."""
    waiting = pending(program, now).filter(mentor=mentor).select_related("mentee")
    return per_request(
        mentor, ("waiting_for_mentor", program.pk), lambda: list(waiting.order_by("expires_at"))
    )
