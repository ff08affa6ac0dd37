"""Open slots for one mentor over 31 days on a 15-minute grid (target: 20 ms).

The mentor keeps hours on all seven days and has about twenty sessions in the
month, so the computation has busy time to jump over, as a real calendar does.
Timed end to end through queries.mentor_open_slots, database reads included.

A second run gives the mentor a connected calendar with 500 busy events in the
month (#17): the connection's state and its busy intervals are read too (the
rows as the worker stores them; reading the calendar itself is the worker's
cost, not the slot search's).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from bench.report import Result, time_ms
from mentora.accounts.models import User
from mentora.programs.models import Membership, Mentorship, Program, Role
from mentora.scheduling import queries
from mentora.scheduling.models import (
    BusyInterval,
    CalendarConnection,
    CalendarKind,
    Session,
    SessionKind,
    WeeklyHours,
)
from mentora.scheduling.slots import local_to_utc

SLUG = "bench-slots"
EMAIL = "{slug}.{who}@bench.example"
TZ = "Europe/Berlin"
DAYS = 31
SESSIONS = 20
REPEAT = 200
TARGET_MS = 20.0
BUSY_EVENTS = 500
# Two ranges a day, so every day has a gap to step over as well as sessions.
HOURS = [(time(8), time(12)), (time(13), time(20))]


def clear() -> None:
    """Remove an earlier run's program (its sessions go with it), then its people."""
    Program.objects.filter(slug=SLUG).delete()
    User.objects.filter(email__startswith=f"{SLUG}.", email__endswith="@bench.example").delete()


def person(who: str) -> User:
    return User.objects.create(email=EMAIL.format(slug=SLUG, who=who), name=who, time_zone=TZ)


def build(now: datetime) -> tuple[User, Program]:
    clear()
    program = Program.objects.create(name="Benchmark: open slots", slug=SLUG, time_zone=TZ)
    mentor = person("mentor")
    Membership.objects.create(user=mentor, program=program, role=Role.MENTOR)
    WeeklyHours.objects.bulk_create(
        WeeklyHours(mentor=mentor, weekday=day, start_time=start, end_time=end)
        for day in range(7)
        for start, end in HOURS
    )
    mentorships = [
        Mentorship.objects.create(
            program=program, mentor=mentor, mentee=person(f"mentee{i}"), started_at=now
        )
        for i in range(4)
    ]
    Session.objects.bulk_create(sessions(program, mentorships, now))
    return mentor, program


def sessions(program: Program, mentorships: list[Mentorship], now: datetime) -> list[Session]:
    """About one session every day and a half, at hours that vary, never overlapping."""
    length = timedelta(minutes=program.default_session_minutes)
    after = timedelta(minutes=program.buffer_after_minutes)
    before = timedelta(minutes=program.buffer_before_minutes)
    first_day = now.astimezone(ZoneInfo(TZ)).date() + timedelta(days=1)
    result = []
    for i in range(SESSIONS):
        day = first_day + timedelta(days=i * 3 // 2)
        starts_at = local_to_utc(day, time(9 + (i * 5) % 10), ZoneInfo(TZ))
        m = mentorships[i % len(mentorships)]
        result.append(
            Session(
                program=program,
                mentorship=m,
                mentor_id=m.mentor_id,
                mentee_id=m.mentee_id,
                kind=SessionKind.EXTRA,
                starts_at=starts_at,
                ends_at=starts_at + length,
                blocked_from=starts_at - before,
                blocked_until=starts_at + length + after,
            )
        )
    return result


def connect_calendar(mentor: User, now: datetime) -> int:
    """A calendar read a minute ago with BUSY_EVENTS events over the month: one
    every 90 minutes around the clock, 15 to 45 minutes long."""
    connection = CalendarConnection.objects.create(
        owner=mentor,
        kind=CalendarKind.ICAL,
        sealed_url="bench",
        url_host="calendar.bench.example",
        last_success_at=now - timedelta(minutes=1),
    )
    step = timedelta(days=DAYS) / BUSY_EVENTS
    BusyInterval.objects.bulk_create(
        BusyInterval(
            connection=connection,
            starts_at=now + i * step,
            ends_at=now + i * step + timedelta(minutes=15 + (i * 7) % 31),
        )
        for i in range(BUSY_EVENTS)
    )
    return BUSY_EVENTS


def _timed(name: str, mentor: User, program: Program, now: datetime, note: str) -> Result:
    window = (now, now + timedelta(days=DAYS))
    found = queries.mentor_open_slots(mentor=mentor, program=program, window=window, now=now)
    timings = time_ms(
        lambda: queries.mentor_open_slots(mentor=mentor, program=program, window=window, now=now),
        repeat=REPEAT,
    )
    return Result(
        name=name,
        timings_ms=timings,
        target_ms=TARGET_MS,
        judged_by="p95",
        note=f"{len(found)} open starts on a {program.slot_grid_minutes}-minute grid, {note}",
    )


def run() -> list[Result]:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    mentor, program = build(now)
    plain = _timed(
        "open slots, 1 mentor, 31 days", mentor, program, now, f"{SESSIONS} sessions in the way"
    )
    events = connect_calendar(mentor, now)
    with_calendar = _timed(
        "open slots, 1 mentor, 31 days, connected calendar",
        mentor,
        program,
        now,
        f"{SESSIONS} sessions and {events} calendar events in the way",
    )
    return [plain, with_calendar]
