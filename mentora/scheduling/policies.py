"""The program's rules for cancelling and making up sessions, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from mentora.scheduling import queries, timelabels
from mentora.scheduling.calendars import busy as calendar_busy
from mentora.scheduling.models import (
    CancellationKind,
    MakeupRequestStatus,
    Session,
    SessionStatus,
)

# Attendance recorded more than this long after the end is late (it is still
# accepted, however old the session: there is no window for recording it).
ATTENDANCE_LATE_AFTER = timedelta(days=7)


def attendance_recorded_late(session: Session) -> bool:
    marked = session.attendance_marked_at
    return marked is not None and marked > session.ends_at + ATTENDANCE_LATE_AFTER


def cancellation_kind(*, starts_at: datetime, now: datetime, notice_hours: int) -> CancellationKind:
    """On time when at least `notice_hours` remain before the start, else late."""
    if starts_at - now >= timedelta(hours=notice_hours):
        return CancellationKind.ON_TIME
    return CancellationKind.LATE


def format_moment(moment: datetime) -> str:
    """A time in the reader's active zone with its zone label ('Tuesday 3 March
    at 18:00 CET'); timelabels.py is the one place that words times."""
    return timelabels.format_moment(moment)


@dataclass(frozen=True)
class MakeupEligibility:
    allowed: bool
    needs_mentor_approval: bool
    message: str
    latest_start: datetime | None = None
    next_regular: Session | None = None


def _no_time_before(next_regular: Session) -> str:
    return _("Your next session is %(when)s; there is no time for a makeup before it.") % {
        "when": format_moment(next_regular.starts_at)
    }


def _missed_by_mentor(session: Session) -> bool:
    if session.status == SessionStatus.MENTOR_NO_SHOW:
        return True
    return (
        session.status == SessionStatus.CANCELLED and session.cancelled_by_id == session.mentor_id
    )


def _missed_by_mentee_on_time(session: Session) -> bool:
    return (
        session.status == SessionStatus.CANCELLED
        and session.cancelled_by_id == session.mentee_id
        and session.cancellation_kind == CancellationKind.ON_TIME
    )


def _mentor_agreed(session: Session) -> bool:
    request = getattr(session, "makeup_request", None)
    return request is not None and request.status == MakeupRequestStatus.APPROVED


def makeup_eligibility(session: Session, *, now: datetime) -> MakeupEligibility:
    """Whether `session` may be made up now, and until when.

    Mentor-caused misses always may; a mentee's on-time cancellation may; a
    mentee's late cancellation or no-show only once the mentor agrees. The
    makeup must start before the next regular session, at least the program's
    gap before it.
    """
    if session.status not in (
        SessionStatus.CANCELLED,
        SessionStatus.MENTEE_NO_SHOW,
        SessionStatus.MENTOR_NO_SHOW,
    ):
        return MakeupEligibility(
            False, False, _("Only a missed or cancelled session can be made up.")
        )
    if session.status == SessionStatus.CANCELLED and session.cancelled_by_id is None:
        return MakeupEligibility(
            False,
            False,
            _("This session was cancelled when the schedule changed; no makeup is due."),
        )
    if session.moved_to_id is not None:
        # A late move: counted as a late cancellation, but the moved session is held.
        return MakeupEligibility(
            False, False, _("This session was moved to another time; no makeup is due.")
        )
    if session.makeups.exclude(status=SessionStatus.CANCELLED).exists():
        return MakeupEligibility(False, False, _("This session already has a makeup."))
    needs_approval = not (
        _missed_by_mentor(session) or _missed_by_mentee_on_time(session) or _mentor_agreed(session)
    )
    program = session.program
    next_regular = queries.next_regular_session(
        session.mentorship, after=max(now, session.starts_at)
    )
    if next_regular is not None:
        latest = next_regular.starts_at - timedelta(hours=program.makeup_gap_hours)
        earliest = now + timedelta(hours=program.min_booking_notice_hours)
        if latest < earliest:
            return MakeupEligibility(
                False,
                needs_approval,
                _no_time_before(next_regular),
                None,
                next_regular,
            )
    else:
        latest = now + timedelta(weeks=program.booking_window_weeks)
    if needs_approval:
        return MakeupEligibility(
            False,
            True,
            _("This session was cancelled late or missed, so a makeup needs your mentor's OK."),
            latest,
            next_regular,
        )
    return MakeupEligibility(True, False, _("You can book a makeup."), latest, next_regular)


def makeup_options(session: Session, *, now: datetime) -> tuple[MakeupEligibility, list[datetime]]:
    """Eligibility plus the open times a makeup could take; where none is left,
    the eligibility says so plainly and names the next session."""
    eligibility = makeup_eligibility(session, now=now)
    if not eligibility.allowed or eligibility.latest_start is None:
        return eligibility, []
    window = (now, eligibility.latest_start + session.length)
    # Only the times a makeup booking would accept (weekly limit, mentee free).
    bookable = queries.bookable_slots(
        session.mentorship,
        window=window,
        now=now,
        length=session.length,
        not_after=eligibility.latest_start,
    )
    open_slots = bookable.starts
    if open_slots:
        return eligibility, open_slots
    if bookable.mentor_calendar_stale_since is not None:
        message = calendar_busy.unavailable_notice()
    elif eligibility.next_regular is not None:
        message = _no_time_before(eligibility.next_regular)
    else:
        message = _("Your mentor has no open time for a makeup in the booking window.")
    return MakeupEligibility(False, False, message, None, eligibility.next_regular), []
