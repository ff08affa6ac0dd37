"""Scheduling history for the demo program: availability, cadences, and weeks
of past sessions (mostly held, some cancelled on time or late, a few no-shows),
plus the regular sessions ahead. Idempotent: a mentorship that already has
sessions is left alone."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction

from mentora.programs.demo_people import (
    AWAITING_ATTENDANCE_MENTOR,
    AWAITING_REFLECTION_MENTEE,
    SAMPLE_MENTEES,
)
from mentora.programs.models import Mentorship, Program
from mentora.scheduling.cadence import services as cadence_services
from mentora.scheduling.models import (
    Cadence,
    CancellationKind,
    CancelReason,
    ChangeKind,
    Session,
    SessionChange,
    SessionStatus,
    WeeklyHours,
)
from mentora.scheduling.queries import buffers

EVENING_DAYS = (0, 1, 2, 3)  # Monday to Thursday
FIRST_HOUR = 17


def ensure_availability(program: Program, rng: random.Random) -> None:
    """Every mentor without hours gets weekday evenings and a Saturday morning."""
    mentor_ids = program.memberships.filter(role="mentor").values_list("user_id", flat=True)
    have = set(
        WeeklyHours.objects.filter(mentor_id__in=mentor_ids).values_list("mentor_id", flat=True)
    )
    rows = []
    for mentor_id in mentor_ids:
        if mentor_id in have:
            continue
        for weekday in EVENING_DAYS:
            rows.append(
                WeeklyHours(
                    mentor_id=mentor_id,
                    weekday=weekday,
                    start_time=time(FIRST_HOUR),
                    end_time=time(21),
                )
            )
        rows.append(
            WeeklyHours(
                mentor_id=mentor_id,
                weekday=5,
                start_time=time(9 + rng.randint(0, 2)),
                end_time=time(13),
            )
        )
    WeeklyHours.objects.bulk_create(rows)


def _past_outcome(rng: random.Random) -> tuple[str, str, str]:
    """(status, who cancelled, kind): mostly held, as in a healthy program."""
    roll = rng.random()
    if roll < 0.78:
        return SessionStatus.HELD, "", ""
    if roll < 0.86:
        return SessionStatus.CANCELLED, "mentee", CancellationKind.ON_TIME
    if roll < 0.91:
        return SessionStatus.CANCELLED, "mentee", CancellationKind.LATE
    if roll < 0.95:
        return SessionStatus.MENTEE_NO_SHOW, "", ""
    if roll < 0.98:
        return SessionStatus.CANCELLED, "mentor", CancellationKind.ON_TIME
    return SessionStatus.SCHEDULED, "", ""  # the mentor forgot to record it


def _past_session(
    m: Mentorship, starts_at: datetime, length: timedelta, rng: random.Random
) -> None:
    before, after = buffers(m.program)
    status, canceller, kind = _past_outcome(rng)
    session = Session(
        program=m.program,
        mentorship=m,
        mentor_id=m.mentor_id,
        mentee_id=m.mentee_id,
        starts_at=starts_at,
        ends_at=starts_at + length,
        blocked_from=starts_at - before,
        blocked_until=starts_at + length + after,
        status=status,
    )
    if status == SessionStatus.CANCELLED:
        by = m.mentee_id if canceller == "mentee" else m.mentor_id
        notice = (
            timedelta(hours=rng.choice([30, 50, 72])) if kind == "on_time" else timedelta(hours=3)
        )
        session.cancelled_at, session.cancelled_by_id = starts_at - notice, by
        session.cancellation_kind = kind
        session.cancel_reason = rng.choice(
            [CancelReason.ILLNESS, CancelReason.SCHEDULE_CONFLICT, CancelReason.WORK_NOT_DONE]
        )
    elif status != SessionStatus.SCHEDULED:
        session.attendance_marked_at = session.ends_at + timedelta(hours=rng.randint(1, 20))
        session.attendance_marked_by_id = m.mentor_id
    session.save()
    SessionChange.objects.create(
        session=session, kind=ChangeKind.BOOKED, at=m.started_at, new_starts_at=starts_at
    )


def ensure_mentorship_schedule(
    m: Mentorship, slot_index: int, now: datetime, rng: random.Random
) -> None:
    weekday = EVENING_DAYS[slot_index % len(EVENING_DAYS)]
    hour = FIRST_HOUR + slot_index // len(EVENING_DAYS)
    cadence = Cadence.objects.create(
        mentorship=m,
        weekday=weekday,
        time_of_day=time(hour),
        time_zone=m.mentor.time_zone,
        length_minutes=m.program.default_session_minutes,
        starts_on=m.started_at.date(),
    )
    length = timedelta(minutes=cadence.length_minutes)
    for starts_at in cadence_services.cadence_occurrences(cadence, now=m.started_at, until=now):
        if starts_at + length < now - timedelta(hours=2):
            _past_session(m, starts_at, length, rng)
    cadence_services.regular_sessions_sync(mentorship=m, now=now)


def _latest_past(mentorships: list[Mentorship], now: datetime) -> Session | None:
    return (
        Session.objects.filter(mentorship__in=mentorships, ends_at__lt=now)
        .order_by("-ends_at")
        .first()
    )


def sample_journeys(made: list[Mentorship], now: datetime) -> None:
    """The printed logins' journeys, on the mentorships this run scheduled: the
    sample mentor's latest past session with someone else still awaits attendance,
    and the sample mentee's latest past session was held (the workspace leaves
    its reflection and feedback to her)."""
    by_mentor = [
        m
        for m in made
        if m.mentor.name == AWAITING_ATTENDANCE_MENTOR and m.mentee.name not in SAMPLE_MENTEES
    ]
    waiting = _latest_past(by_mentor, now)
    if waiting is not None:
        _set_outcome(waiting, SessionStatus.SCHEDULED)
    held = _latest_past([m for m in made if m.mentee.name == AWAITING_REFLECTION_MENTEE], now)
    if held is not None:
        _set_outcome(held, SessionStatus.HELD)


def _set_outcome(session: Session, status: str) -> None:
    session.status = status
    session.cancelled_at = session.cancelled_by_id = None
    session.cancellation_kind = session.cancel_reason = ""
    if status == SessionStatus.SCHEDULED:
        session.attendance_marked_at = session.attendance_marked_by_id = None
    else:
        session.attendance_marked_at = session.ends_at + timedelta(minutes=20)
        session.attendance_marked_by_id = session.mentor_id
    session.save()


@transaction.atomic
def load_schedule(program: Program, now: datetime, seed: int = 2026) -> int:
    """Give the demo's live mentorships a rhythm and a history; returns how many."""
    rng = random.Random(seed)
    ensure_availability(program, rng)
    done = 0
    slot_of_mentor: dict[int, int] = {}
    live = (
        Mentorship.objects.live()
        .filter(program=program)
        .select_related("program", "mentor", "mentee")
    )
    made = []
    for m in live.order_by("started_at", "pk"):
        index = slot_of_mentor.get(m.mentor_id, 0)
        slot_of_mentor[m.mentor_id] = index + 1
        if m.sessions.exists():
            continue
        ensure_mentorship_schedule(m, index, now, rng)
        made.append(m)
        done += 1
    sample_journeys(made, now)
    return done
