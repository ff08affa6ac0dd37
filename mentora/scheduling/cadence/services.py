"""Writes for a mentorship's regular rhythm: set its cadence, and keep its regular
sessions placed a booking window ahead (the worker runs the sync every six
hours; see scheduling/jobs.py). Held and cancelled sessions are never touched.

Placing a session uses booking's locking and overlap rules (booking/services.py),
so a regular session can never double-book a mentor either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction

from mentora.clock import now_or_current
from mentora.programs.models import Mentorship, MentorshipStatus
from mentora.scheduling import hooks, queries
from mentora.scheduling.booking.services import (
    SlotTaken,
    blocked_range,
    insert_or_taken,
    log_change,
    require_party,
    session_cancel,
)
from mentora.scheduling.locking import lock_people
from mentora.scheduling.models import (
    Cadence,
    CancelReason,
    ChangeKind,
    Frequency,
    Session,
    SessionKind,
    SessionStatus,
)
from mentora.scheduling.rooms.links import new_room_name
from mentora.scheduling.slots import local_to_utc

if TYPE_CHECKING:
    from mentora.accounts.models import User


@dataclass
class SyncResult:
    created: list[Session] = field(default_factory=list)
    moved: list[Session] = field(default_factory=list)
    cancelled: list[Session] = field(default_factory=list)
    conflicts: list[datetime] = field(default_factory=list)


def cadence_occurrences(cadence: Cadence, *, now: datetime, until: datetime) -> list[datetime]:
    """Regular start times (UTC) after `now` and up to `until`, at the mentor's wall-clock time."""
    tz = ZoneInfo(cadence.time_zone)
    first: date = cadence.starts_on + timedelta(
        days=(cadence.weekday - cadence.starts_on.weekday()) % 7
    )
    result: list[datetime] = []
    day = first
    while True:
        start = local_to_utc(day, cadence.time_of_day, tz)
        if start > until:
            return result
        if start > now:
            result.append(start)
        day += timedelta(days=cadence.step_days)


def cadence_set(
    *,
    mentorship: Mentorship,
    by: User,
    frequency: Frequency | str,
    weekday: int,
    time_of_day: time,
    length_minutes: int,
    starts_on: date,
    now: datetime | None = None,
) -> SyncResult:
    """Agree the regular rhythm of a mentorship and bring its future sessions in step."""
    now = now_or_current(now)
    require_party(mentorship, by)
    with transaction.atomic():
        cadence, _created = Cadence.objects.get_or_create(
            mentorship=mentorship,
            defaults={
                "weekday": weekday,
                "time_of_day": time_of_day,
                "starts_on": starts_on,
                "time_zone": mentorship.mentor.time_zone,
            },
        )
        cadence.frequency = Frequency(frequency)
        cadence.weekday, cadence.time_of_day = weekday, time_of_day
        cadence.length_minutes, cadence.starts_on = length_minutes, starts_on
        cadence.time_zone = mentorship.mentor.time_zone
        cadence.full_clean()
        cadence.save()
        hooks.cadence_changed(cadence, by=by)
        return regular_sessions_sync(mentorship=mentorship, by=by, now=now)


def all_regular_sessions_sync(*, now: datetime | None = None) -> SyncResult:
    """Keep every active cadence's sessions a full booking window ahead.

    Run by the worker's periodic job and by `manage.py sync_regular_sessions`.
    """
    total = SyncResult()
    mentorships = Mentorship.objects.filter(
        status=MentorshipStatus.ACTIVE, cadence__isnull=False
    ).select_related("program", "mentor")
    for mentorship in mentorships.iterator():
        result = regular_sessions_sync(mentorship=mentorship, now=now)
        total.created += result.created
        total.moved += result.moved
        total.cancelled += result.cancelled
        total.conflicts += result.conflicts
    return total


def regular_sessions_sync(
    *, mentorship: Mentorship, by: User | None = None, now: datetime | None = None
) -> SyncResult:
    """Generate regular sessions for the booking window and keep them in step.

    Sessions already held, missed or cancelled are never touched, and a time
    that already has a regular session in any state is not generated again (a
    cancelled Tuesday stays cancelled). Future scheduled sessions that no longer
    match the cadence are moved to the new times (keeping their agenda and
    history); any left over are cancelled on time.
    """
    now = now_or_current(now)
    result = SyncResult()
    with transaction.atomic():
        lock_people(mentorship.mentor_id, mentorship.mentee_id)
        cadence = Cadence.objects.filter(mentorship=mentorship).first()
        if cadence is None or mentorship.status != MentorshipStatus.ACTIVE:
            return result
        until = now + timedelta(weeks=mentorship.program.booking_window_weeks)
        wanted = cadence_occurrences(cadence, now=now, until=until)
        existing = list(
            Session.objects.filter(
                mentorship=mentorship, kind=SessionKind.REGULAR, starts_at__gt=now
            )
        )
        taken_times = {s.starts_at for s in existing}
        missing = [t for t in wanted if t not in taken_times]
        strays = [
            s for s in existing if s.status == SessionStatus.SCHEDULED and s.starts_at not in wanted
        ]
        length = timedelta(minutes=cadence.length_minutes)
        for starts_at in missing:
            session = strays.pop(0) if strays else None
            placed = _place_regular(mentorship, session, starts_at, length, by, now)
            if placed is None:
                result.conflicts.append(starts_at)
                if session is not None:
                    strays.insert(0, session)
            elif session is None:
                result.created.append(placed)
            else:
                result.moved.append(placed)
        for stray in strays:
            result.cancelled.append(
                session_cancel(session=stray, by=None, reason=CancelReason.CADENCE_CHANGED, now=now)
            )
    return result


def _place_regular(
    mentorship: Mentorship,
    session: Session | None,
    starts_at: datetime,
    length: timedelta,
    by: User | None,
    now: datetime,
) -> Session | None:
    """Create or move one regular session; None when the mentor is busy then."""
    blocked_from, blocked_until = blocked_range(mentorship, starts_at, length)
    exclude = session.pk if session else None
    if queries.busy_blocks(mentorship.mentor_id, (blocked_from, blocked_until), exclude):
        return None
    old = session.starts_at if session else None
    if session is None:
        session = Session(
            program=mentorship.program,
            mentorship=mentorship,
            mentor_id=mentorship.mentor_id,
            mentee_id=mentorship.mentee_id,
            kind=SessionKind.REGULAR,
            created_by=by,
            room_name=new_room_name(),
        )
    else:
        session.sequence += 1
    session.starts_at, session.ends_at = starts_at, starts_at + length
    session.blocked_from, session.blocked_until = blocked_from, blocked_until
    try:
        insert_or_taken(session)
    except SlotTaken:
        return None
    if old is None:
        log_change(session, ChangeKind.BOOKED, by, now, new_starts_at=starts_at)
    else:
        log_change(session, ChangeKind.MOVED, by, now, old_starts_at=old, new_starts_at=starts_at)
    return session
