"""Writes for scheduling: booking, moving, cancelling, attendance, makeups, cadences.

Every function owns its transaction. Bookings lock the mentor and mentee rows
first (mentora.scheduling.locking), then check limits and overlaps, then write;
on PostgreSQL an exclusion constraint refuses any overlap that slipped through.
See docs/locking.md.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora.clock import now_or_current
from mentora.programs.access import is_party, manages_mentee
from mentora.programs.models import Mentorship, MentorshipStatus, Program
from mentora.scheduling import hooks, policies, queries
from mentora.scheduling.calendars import busy as calendar_busy
from mentora.scheduling.errors import SchedulingCode, SchedulingError
from mentora.scheduling.locking import lock_people
from mentora.scheduling.models import (
    AgendaSwitch,
    CancellationKind,
    CancelReason,
    ChangeKind,
    MakeupRequest,
    MakeupRequestStatus,
    Session,
    SessionChange,
    SessionKind,
    SessionStatus,
)
from mentora.scheduling.rooms.links import new_room_name
from mentora.scheduling.slots import nearest

if TYPE_CHECKING:
    from mentora.accounts.models import User


class SlotTaken(Exception):
    pass


class MenteeBusy(SlotTaken):
    """The mentee already has a session (with anyone) that overlaps."""


class CalendarBusy(SlotTaken):
    """The mentor's connected calendar is busy then (or became busy since the
    page was shown)."""


def _alternatives(
    mentorship: Mentorship,
    wanted: datetime,
    length: timedelta,
    now: datetime,
    exclude_session_id: int | None = None,
    not_after: datetime | None = None,
) -> list[datetime]:
    window = (wanted - timedelta(days=3), wanted + timedelta(days=4))
    bookable = queries.bookable_slots(
        mentorship,
        window=window,
        now=now,
        length=length,
        exclude_session_id=exclude_session_id,
        not_after=not_after,
    )
    return nearest(bookable.starts, wanted)


def _check_time_rules(
    *,
    mentorship: Mentorship,
    starts_at: datetime,
    length: timedelta,
    by: User,
    now: datetime,
    exclude_session_id: int | None = None,
    not_after: datetime | None = None,
) -> None:
    """Refuse a start time that breaks a program rule, with a specific message."""
    program = mentorship.program
    grid = timedelta(minutes=program.slot_grid_minutes)
    if starts_at <= now:
        raise SchedulingError(
            SchedulingCode.IN_PAST, _("That time has already passed. Pick a time in the future.")
        )
    if starts_at - now < timedelta(hours=program.min_booking_notice_hours):
        raise SchedulingError(
            SchedulingCode.TOO_SOON,
            _("Sessions need to be booked at least %(hours)d hours ahead.")
            % {"hours": program.min_booking_notice_hours},
        )
    if starts_at - now > timedelta(weeks=program.booking_window_weeks):
        raise SchedulingError(
            SchedulingCode.TOO_FAR,
            _("You can book up to %(weeks)d weeks ahead.")
            % {"weeks": program.booking_window_weeks},
        )
    if not_after is not None and starts_at > not_after:
        raise SchedulingError(
            SchedulingCode.AFTER_MAKEUP_DEADLINE,
            _("A makeup must start by %(moment)s, before the next session.")
            % {"moment": policies.format_moment(not_after)},
        )
    if int(starts_at.timestamp()) % int(grid.total_seconds()) or starts_at.microsecond:
        raise SchedulingError(
            SchedulingCode.OFF_GRID,
            _("Pick a start time on the %(minutes)d-minute grid.")
            % {"minutes": program.slot_grid_minutes},
        )
    booked = queries.mentee_sessions_in_week(
        program, mentorship.mentee_id, starts_at, exclude_session_id
    )
    if booked >= program.max_sessions_per_mentee_per_week:
        raise SchedulingError(SchedulingCode.WEEKLY_LIMIT, _weekly_limit_message(booked, program))
    window = (starts_at - timedelta(days=1), starts_at + length + timedelta(days=1))
    # Read here, under the booking's lock: a calendar that became busy or stale
    # since the page was shown refuses the time.
    calendar = _require_calendar_readable(mentorship, by, now)
    if by.pk == mentorship.mentee_id:
        # Mentees book inside the mentor's availability; a mentor may pick any free time.
        free = queries.mentor_open_slots(
            mentor=mentorship.mentor,
            program=program,
            window=window,
            now=now,
            length=length,
            exclude_session_id=exclude_session_id,
            calendar=calendar,
        )
        if starts_at in free:
            _require_mentee_free(mentorship, starts_at, length, exclude_session_id)
            return
    before, after = queries.buffers(program)
    blocks = queries.busy_blocks(mentorship.mentor_id, window, exclude_session_id)
    if any(b0 < starts_at + length + after and starts_at - before < b1 for b0, b1 in blocks):
        raise SlotTaken()
    if calendar.connected:
        # Buffers around calendar events, as around sessions (slots.open_slots).
        events = calendar_busy.state_busy_intervals(calendar, window)
        if any(b0 < starts_at + length + after and starts_at - before < b1 for b0, b1 in events):
            raise CalendarBusy()
    _require_mentee_free(mentorship, starts_at, length, exclude_session_id)
    if by.pk == mentorship.mentee_id:
        raise SchedulingError(
            SchedulingCode.OUTSIDE_AVAILABILITY,
            _("%(name)s isn't available at that time.") % {"name": mentorship.mentor.name},
        )


def _require_calendar_readable(
    mentorship: Mentorship, by: User, now: datetime
) -> calendar_busy.CalendarState:
    """Refuse every time while the mentor's calendar is too stale to trust
    (fail closed), whoever books; the mentor is told why, anyone else isn't."""
    calendar = calendar_busy.calendar_state(mentorship.mentor_id, mentorship.program, now)
    if calendar.stale_since is not None:
        if by.pk == mentorship.mentor_id:
            message = calendar_busy.stale_notice(calendar.stale_since, by.time_zone, now)
        else:
            message = calendar_busy.unavailable_notice()
        raise SchedulingError(SchedulingCode.CALENDAR_UNAVAILABLE, message)
    return calendar


def _weekly_limit_message(booked: int, program: Program) -> str:
    return ngettext(
        "That week already has %(booked)d session; the program allows %(limit)d per week.",
        "That week already has %(booked)d sessions; the program allows %(limit)d per week.",
        booked,
    ) % {"booked": booked, "limit": program.max_sessions_per_mentee_per_week}


def _require_mentee_free(
    mentorship: Mentorship,
    starts_at: datetime,
    length: timedelta,
    exclude_session_id: int | None = None,
) -> None:
    """Refuse a time when the mentee has another live session (any mentor) in it."""
    block = blocked_range(mentorship, starts_at, length)
    if queries.mentee_busy_blocks(mentorship.mentee_id, block, exclude_session_id):
        raise MenteeBusy()


def _mentee_busy(
    mentorship: Mentorship, by: User | None, alternatives: list[datetime]
) -> SchedulingError:
    if by is not None and by.pk == mentorship.mentee_id:
        message = _("You already have a session at that time.")
    else:
        message = _("%(name)s already has a session at that time.") % {
            "name": mentorship.mentee.name
        }
    return SchedulingError(SchedulingCode.MENTEE_BUSY, message, alternatives=alternatives)


def _slot_taken(
    alternatives: list[datetime], exc: SlotTaken, mentorship: Mentorship, by: User | None
) -> SchedulingError:
    if isinstance(exc, CalendarBusy) and by is not None and by.pk == mentorship.mentor_id:
        # The mentor's own calendar: they may say so; the mentee only sees "taken".
        message = _("Your calendar shows you busy at that time.")
    else:
        message = _("That time was just taken.")
    return SchedulingError(SchedulingCode.SLOT_TAKEN, message, alternatives=alternatives)


def _not_a_party() -> SchedulingError:
    return SchedulingError(SchedulingCode.NOT_A_PARTY, _("Only the mentor and mentee can do this."))


def require_party(mentorship: Mentorship, by: User) -> None:
    # The views admit only the parties (scheduling.access); this guards other callers.
    if not is_party(by, mentorship):
        raise _not_a_party()


def booking_party(mentorship: Mentorship, by: User) -> User:
    """Whose rules a booking by `by` follows: their own as a party; the mentee's when
    the mentee's staff book for them (an integration of a learning platform booking
    on a mentee's behalf), so they get the mentee's open times and nothing more."""
    if is_party(by, mentorship):
        return by
    if manages_mentee(by, mentorship.program, mentorship.mentee):
        return mentorship.mentee
    raise _not_a_party()


def blocked_range(
    mentorship: Mentorship, starts_at: datetime, length: timedelta
) -> tuple[datetime, datetime]:
    before, after = queries.buffers(mentorship.program)
    return starts_at - before, starts_at + length + after


def log_change(
    session: Session, kind: ChangeKind, by: User | None, now: datetime, **fields: object
) -> None:
    SessionChange.objects.create(session=session, kind=kind, by=by, at=now, **fields)


def insert_or_taken(session: Session) -> None:
    """Save a live session, or raise SlotTaken (MenteeBusy when it is the mentee
    who is busy). The callers hold the people's locks: on SQLite the mentee check
    here is the guard, on PostgreSQL the exclusion constraints back it up."""
    if queries.mentee_busy_blocks(
        session.mentee_id, (session.blocked_from, session.blocked_until), session.pk
    ):
        raise MenteeBusy()
    try:
        _save_through_deadlocks(session)
    except IntegrityError as exc:
        if "session_no_overlap_per_mentee" in str(exc):
            raise MenteeBusy() from exc
        if "session_no_overlap_per_mentor" in str(exc):
            raise SlotTaken() from exc
        raise


DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE


def _save_through_deadlocks(session: Session, attempts: int = 3) -> None:
    """Save in a savepoint. Two inserts that overlap can each wait for the other
    while PostgreSQL checks an exclusion constraint, and one is then cancelled as
    a deadlock. Its savepoint is rolled back (its row gone), so trying again waits
    for the other booking and ends in the constraint's own refusal, or succeeds."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                session.save()
            return
        except OperationalError as exc:
            deadlock = getattr(exc.__cause__, "sqlstate", None) == DEADLOCK_DETECTED
            if not deadlock or attempt == attempts - 1:
                raise


def session_book(
    *,
    mentorship: Mentorship,
    starts_at: datetime,
    by: User,
    kind: SessionKind = SessionKind.EXTRA,
    makeup_for: Session | None = None,
    now: datetime | None = None,
) -> Session:
    """Book an extra session or a makeup in an open time.

    Steps: lock mentor and mentee; check the mentorship, the makeup rules and
    every time rule; insert (the database refuses overlaps on PostgreSQL);
    log the booking. A time that's taken raises SchedulingError(SLOT_TAKEN)
    with the nearest open times. `by` is a party, or the mentee's staff booking
    for them under the mentee's rules (booking_party); `by` is recorded either way.
    """
    now = now_or_current(now)
    party = booking_party(mentorship, by)
    length = timedelta(minutes=mentorship.program.default_session_minutes)
    not_after = None
    try:
        with transaction.atomic():
            lock_people(mentorship.mentor_id, mentorship.mentee_id)
            not_after = _check_booking(mentorship, starts_at, length, party, kind, makeup_for, now)
            blocked_from, blocked_until = blocked_range(mentorship, starts_at, length)
            session = Session(
                program=mentorship.program,
                mentorship=mentorship,
                mentor_id=mentorship.mentor_id,
                mentee_id=mentorship.mentee_id,
                kind=kind,
                starts_at=starts_at,
                ends_at=starts_at + length,
                blocked_from=blocked_from,
                blocked_until=blocked_until,
                makeup_for=makeup_for,
                created_by=by,
                room_name=new_room_name(),
            )
            insert_or_taken(session)
            log_change(session, ChangeKind.BOOKED, by, now, new_starts_at=starts_at)
            hooks.session_booked(session, by=by)
            return session
    except MenteeBusy:
        alternatives = _alternatives(mentorship, starts_at, length, now, not_after=not_after)
        raise _mentee_busy(mentorship, party, alternatives) from None
    except SlotTaken as exc:
        raise _slot_taken(
            _alternatives(mentorship, starts_at, length, now, not_after=not_after),
            exc,
            mentorship,
            party,
        ) from None


def _check_booking(
    mentorship: Mentorship,
    starts_at: datetime,
    length: timedelta,
    by: User,
    kind: SessionKind,
    makeup_for: Session | None,
    now: datetime,
) -> datetime | None:
    """Every rule a booking must pass; returns a makeup's latest start."""
    mentorship.refresh_from_db(fields=["status"])
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise SchedulingError(
            SchedulingCode.NOT_ACTIVE,
            _("Sessions can only be booked in an active mentorship."),
        )
    not_after = None
    if kind == SessionKind.MAKEUP:
        not_after = _check_makeup(makeup_for, mentorship, now)
    elif kind != SessionKind.EXTRA:
        raise SchedulingError(
            SchedulingCode.BAD_KIND, _("Only extra sessions and makeups can be booked.")
        )
    _check_time_rules(
        mentorship=mentorship,
        starts_at=starts_at,
        length=length,
        by=by,
        now=now,
        not_after=not_after,
    )
    return not_after


def _check_movable(session: Session, now: datetime) -> None:
    if session.status != SessionStatus.SCHEDULED or session.starts_at <= now:
        raise SchedulingError(
            SchedulingCode.NOT_MOVABLE,
            _("Only a session that is still ahead can be moved."),
        )


def booking_check(
    *,
    mentorship: Mentorship,
    starts_at: datetime,
    by: User,
    kind: SessionKind = SessionKind.EXTRA,
    makeup_for: Session | None = None,
    moving: Session | None = None,
    now: datetime | None = None,
) -> None:
    """The confirmation step's question: would this booking (or this move of
    `moving`) go through now? Raises the SchedulingError the write would raise,
    with the same alternatives; writes nothing and takes no lock, so the confirm
    itself checks again."""
    now = now_or_current(now)
    require_party(mentorship, by)
    not_after = None
    exclude = moving.pk if moving is not None else None
    length = (
        moving.length
        if moving is not None
        else timedelta(minutes=mentorship.program.default_session_minutes)
    )
    try:
        if moving is not None:
            _check_movable(moving, now)
            _check_time_rules(
                mentorship=mentorship,
                starts_at=starts_at,
                length=length,
                by=by,
                now=now,
                exclude_session_id=exclude,
            )
        else:
            not_after = _check_booking(mentorship, starts_at, length, by, kind, makeup_for, now)
    except MenteeBusy:
        alternatives = _alternatives(mentorship, starts_at, length, now, exclude, not_after)
        raise _mentee_busy(mentorship, by, alternatives) from None
    except SlotTaken as exc:
        raise _slot_taken(
            _alternatives(mentorship, starts_at, length, now, exclude, not_after),
            exc,
            mentorship,
            by,
        ) from None


def _check_makeup(missed: Session | None, mentorship: Mentorship, now: datetime) -> datetime:
    if missed is None or missed.mentorship_id != mentorship.pk:
        raise SchedulingError(
            SchedulingCode.NO_MISSED_SESSION, _("Choose the missed session this makes up for.")
        )
    eligibility = policies.makeup_eligibility(missed, now=now)
    if not eligibility.allowed or eligibility.latest_start is None:
        raise SchedulingError(SchedulingCode.MAKEUP_NOT_ALLOWED, eligibility.message)
    return eligibility.latest_start


def move_is_late(session: Session, now: datetime) -> bool:
    """Whether moving `session` now counts as a late cancellation of its time:
    inside the notice period, where the program says so (the default)."""
    program = session.program
    return (
        program.late_move_counts_as_late_cancel
        and policies.cancellation_kind(
            starts_at=session.starts_at, now=now, notice_hours=program.notice_hours
        )
        == CancellationKind.LATE
    )


def _record_late_move(session: Session, by: User, now: datetime) -> Session:
    """The session's original time, kept as a late cancellation by the mover.

    Every counter of late cancellations (insights, risk, the missed-twice alert,
    makeup rules) reads cancelled sessions, so this record counts there exactly
    like a cancel would; `moved_to` says which session was kept, and no makeup
    is due for it (policies.makeup_eligibility).
    """
    record = Session.objects.create(
        program=session.program,
        mentorship=session.mentorship,
        mentor_id=session.mentor_id,
        mentee_id=session.mentee_id,
        kind=session.kind,
        makeup_for_id=session.makeup_for_id,
        status=SessionStatus.CANCELLED,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        blocked_from=session.blocked_from,
        blocked_until=session.blocked_until,
        created_by=session.created_by,
        cancelled_at=now,
        cancelled_by=by,
        cancel_reason=CancelReason.MOVED_LATE,
        cancellation_kind=CancellationKind.LATE,
        moved_to=session,
        # The old time's record is the same meeting: same link and room (the
        # kept session keeps them too, it is moved in place).
        meeting_url=session.meeting_url,
        room_name=session.room_name,
    )
    log_change(
        record,
        ChangeKind.CANCELLED,
        by,
        now,
        old_starts_at=session.starts_at,
        detail=f"{CancellationKind.LATE}: {CancelReason.MOVED_LATE}",
    )
    return record


def session_reschedule(
    *, session: Session, starts_at: datetime, by: User, now: datetime | None = None
) -> Session:
    """Move a future session to another open time, keeping its history and UID.

    Inside the notice period (and where the program counts late moves) the old
    time is also recorded as a late cancellation by the mover.
    """
    now = now_or_current(now)
    mentorship = session.mentorship
    require_party(mentorship, by)
    try:
        with transaction.atomic():
            lock_people(session.mentor_id, session.mentee_id)
            session.refresh_from_db()
            _check_movable(session, now)
            _check_time_rules(
                mentorship=mentorship,
                starts_at=starts_at,
                length=session.length,
                by=by,
                now=now,
                exclude_session_id=session.pk,
            )
            old = session.starts_at
            length = session.length
            late = move_is_late(session, now)
            if late:
                _record_late_move(session, by, now)
            session.starts_at, session.ends_at = starts_at, starts_at + length
            session.blocked_from, session.blocked_until = blocked_range(
                mentorship, starts_at, length
            )
            session.sequence += 1
            insert_or_taken(session)
            log_change(
                session,
                ChangeKind.MOVED,
                by,
                now,
                old_starts_at=old,
                new_starts_at=starts_at,
                detail=CancellationKind.LATE if late else "",
            )
            hooks.session_moved(session, by=by, old_starts_at=old)
            return session
    except MenteeBusy:
        alternatives = _alternatives(mentorship, starts_at, session.length, now, session.pk)
        raise _mentee_busy(mentorship, by, alternatives) from None
    except SlotTaken as exc:
        raise _slot_taken(
            _alternatives(mentorship, starts_at, session.length, now, session.pk),
            exc,
            mentorship,
            by,
        ) from None


def session_cancel(
    *,
    session: Session,
    by: User | None,
    reason: CancelReason | str,
    note: str = "",
    now: datetime | None = None,
) -> Session:
    """Cancel a future session; the notice left decides on time or late.

    `by` is None when the system cancels (the cadence changed, the mentorship ended).
    """
    now = now_or_current(now)
    if by is not None:
        require_party(session.mentorship, by)
    if reason not in CancelReason.values:
        raise SchedulingError(SchedulingCode.BAD_REASON, _("Choose a reason from the list."))
    if len(note) > 500:
        raise SchedulingError(
            SchedulingCode.NOTE_TOO_LONG, _("Keep the note under 500 characters.")
        )
    with transaction.atomic():
        # The system cancelling (a cadence change, an ended mentorship) is nobody's
        # late cancellation: it never counts against either party.
        kind = (
            policies.cancellation_kind(
                starts_at=session.starts_at, now=now, notice_hours=session.program.notice_hours
            )
            if by is not None
            else CancellationKind.ON_TIME
        )
        updated = Session.objects.filter(
            pk=session.pk, status=SessionStatus.SCHEDULED, starts_at__gt=now
        ).update(
            updated_at=timezone.now(),
            status=SessionStatus.CANCELLED,
            cancelled_at=now,
            cancelled_by=by,
            cancel_reason=reason,
            cancel_note=note,
            cancellation_kind=kind,
            sequence=session.sequence + 1,
        )
        if updated != 1:
            raise SchedulingError(
                SchedulingCode.NOT_CANCELLABLE,
                _(
                    "Only a session that hasn't started can be cancelled. For a past session, "
                    "record what happened instead."
                ),
            )
        session.refresh_from_db()
        log_change(session, ChangeKind.CANCELLED, by, now, detail=f"{kind}: {reason}")
        hooks.session_cancelled(session, by=by)
    return session


def session_keep_with_new_agenda(
    *, session: Session, by: User, switch: AgendaSwitch | str, now: datetime | None = None
) -> Session:
    """Keep the session, with a different plan, instead of cancelling it."""
    now = now_or_current(now)
    require_party(session.mentorship, by)
    if switch not in AgendaSwitch.values:
        raise SchedulingError(SchedulingCode.BAD_SWITCH, _("Choose one of the suggested plans."))
    with transaction.atomic():
        updated = Session.objects.filter(
            pk=session.pk, status=SessionStatus.SCHEDULED, starts_at__gt=now
        ).update(updated_at=timezone.now(), agenda_switch=switch)
        if updated != 1:
            raise SchedulingError(
                SchedulingCode.NOT_CHANGEABLE, _("This session is no longer ahead.")
            )
        session.refresh_from_db()
        log_change(session, ChangeKind.AGENDA_SWITCHED, by, now, detail=switch)
    return session


MENTOR_OUTCOMES = (SessionStatus.HELD, SessionStatus.MENTEE_NO_SHOW)


def session_mark_attendance(
    *, session: Session, by: User, outcome: SessionStatus | str, now: datetime | None = None
) -> Session:
    """The mentor records held / mentee no-show after the end; the mentee may
    report a mentor no-show once the session has started."""
    now = now_or_current(now)
    if by.pk == session.mentor_id:
        if outcome not in MENTOR_OUTCOMES:
            raise SchedulingError(
                SchedulingCode.BAD_OUTCOME, _("Choose whether the session was held.")
            )
        if now < session.ends_at:
            raise SchedulingError(
                SchedulingCode.TOO_EARLY,
                _("Attendance can be recorded once the session has ended."),
            )
    elif by.pk == session.mentee_id:
        if outcome != SessionStatus.MENTOR_NO_SHOW:
            raise SchedulingError(
                SchedulingCode.BAD_OUTCOME, _("Mentees can report that the mentor didn't come.")
            )
        if now < session.starts_at:
            raise SchedulingError(SchedulingCode.TOO_EARLY, _("The session hasn't started yet."))
    else:
        raise _not_a_party()
    with transaction.atomic():
        updated = Session.objects.filter(pk=session.pk, status=SessionStatus.SCHEDULED).update(
            updated_at=timezone.now(),
            status=outcome,
            attendance_marked_at=now,
            attendance_marked_by=by,
        )
        if updated != 1:
            raise SchedulingError(
                SchedulingCode.ALREADY_MARKED,
                _("What happened in this session is already recorded."),
            )
        session.refresh_from_db()
        log_change(session, ChangeKind.ATTENDANCE, by, now, detail=str(outcome))
        hooks.attendance_marked(session, by=by)
    return session


def makeup_request_create(
    *, session: Session, by: User, message: str = "", now: datetime | None = None
) -> MakeupRequest:
    """A mentee asks their mentor to agree to a makeup after a late cancel or no-show."""
    now = now_or_current(now)
    if by.pk != session.mentee_id:
        raise SchedulingError(SchedulingCode.NOT_MENTEE, _("Only the mentee can ask for a makeup."))
    if len(message) > 500:
        raise SchedulingError(
            SchedulingCode.MESSAGE_TOO_LONG, _("Keep the message under 500 characters.")
        )
    eligibility = policies.makeup_eligibility(session, now=now)
    if not eligibility.needs_mentor_approval or eligibility.latest_start is None:
        raise SchedulingError(SchedulingCode.NO_REQUEST_NEEDED, eligibility.message)
    with transaction.atomic():
        request, created = MakeupRequest.objects.get_or_create(
            session=session, defaults={"requested_at": now, "message": message}
        )
        if not created:
            raise SchedulingError(
                SchedulingCode.ALREADY_REQUESTED, _("You already asked for this makeup.")
            )
    return request


def makeup_request_decide(
    *, makeup_request: MakeupRequest, by: User, approve: bool, now: datetime | None = None
) -> MakeupRequest:
    now = now_or_current(now)
    if by.pk != makeup_request.session.mentor_id:
        raise SchedulingError(
            SchedulingCode.NOT_MENTOR, _("Only the mentor can answer a makeup request.")
        )
    status = MakeupRequestStatus.APPROVED if approve else MakeupRequestStatus.DECLINED
    updated = MakeupRequest.objects.filter(
        pk=makeup_request.pk, status=MakeupRequestStatus.PENDING
    ).update(status=status, decided_at=now)
    if updated != 1:
        raise SchedulingError(
            SchedulingCode.ALREADY_DECIDED, _("This request has already been answered.")
        )
    makeup_request.refresh_from_db()
    return makeup_request
