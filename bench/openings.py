""" "Who has an opening this week" over 2,000 mentors (target: 500 ms).

The program comes from `manage.py seed` (2,000 mentors, one mentee each);
then, all in bulk, every mentor gets weekly hours on a few days, about half get
a session this week in their hours, and one in twenty is on time off, so some
mentors have no opening and many have busy time to step over.
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.report import Result, time_ms
from mentora.programs.models import Membership, Mentorship, Program, Role
from mentora.scheduling.availability.openings import mentors_with_opening
from mentora.scheduling.models import Session, SessionKind, TimeOff, WeeklyHours
from mentora.scheduling.slots import local_to_utc

SLUG = "bench"
MENTORS = 2000
MENTEES = 2000  # one per mentor, for the sessions
REPEAT = 10
TARGET_MS = 500.0


def seed() -> Program:
    call_command(
        "seed",
        mentees=MENTEES,
        mentors=MENTORS,
        program_slug=SLUG,
        replace=True,
        stdout=io.StringIO(),
    )
    return Program.objects.get(slug=SLUG)


def people(program: Program, role: Role) -> list[tuple[int, str]]:
    """(user id, time zone) of the program's people in `role`, by id."""
    return list(
        Membership.objects.filter(program=program, role=role)
        .order_by("user_id")
        .values_list("user_id", "user__time_zone")
    )


def weekly_hours(mentors: list[tuple[int, str]], rng: random.Random) -> list[WeeklyHours]:
    rows = []
    for mentor_id, _ in mentors:
        start = rng.randint(7, 18)
        for weekday in sorted(rng.sample(range(7), rng.randint(2, 5))):
            rows.append(
                WeeklyHours(
                    mentor_id=mentor_id,
                    weekday=weekday,
                    start_time=time(start),
                    end_time=time(start + rng.randint(1, 4)),
                )
            )
    WeeklyHours.objects.bulk_create(rows, batch_size=2000)
    return rows


def first_hours(rows: list[WeeklyHours]) -> dict[int, WeeklyHours]:
    first: dict[int, WeeklyHours] = {}
    for row in rows:
        first.setdefault(row.mentor_id, row)
    return first


def next_date(weekday: int, after: date) -> date:
    return after + timedelta(days=(weekday - after.weekday()) % 7 or 7)


def book_some(
    program: Program, mentors: list[tuple[int, str]], hours: list[WeeklyHours], now: datetime
) -> int:
    """Every other mentor gets a session at the start of their first hours this week."""
    mentees = [pk for pk, _ in people(program, Role.MENTEE)]
    pairs = list(zip(mentors[::2], mentees, strict=False))
    Mentorship.objects.bulk_create(
        Mentorship(program=program, mentor_id=m, mentee_id=e, started_at=now) for (m, _), e in pairs
    )
    mentorship_of = dict(Mentorship.objects.filter(program=program).values_list("mentor_id", "pk"))
    first = first_hours(hours)
    length = timedelta(minutes=program.default_session_minutes)
    after = timedelta(minutes=program.buffer_after_minutes)
    sessions = []
    for (mentor_id, tz), mentee_id in pairs:
        wh = first[mentor_id]
        zone = ZoneInfo(tz)
        day = next_date(wh.weekday, now.astimezone(zone).date())
        starts_at = local_to_utc(day, wh.start_time, zone)
        sessions.append(
            Session(
                program=program,
                mentorship_id=mentorship_of[mentor_id],
                mentor_id=mentor_id,
                mentee_id=mentee_id,
                kind=SessionKind.EXTRA,
                starts_at=starts_at,
                ends_at=starts_at + length,
                blocked_from=starts_at,
                blocked_until=starts_at + length + after,
            )
        )
    Session.objects.bulk_create(sessions, batch_size=2000)
    return len(sessions)


def time_off(mentors: list[tuple[int, str]], today: date) -> int:
    away = [
        TimeOff(mentor_id=pk, starts_on=today, ends_on=today + timedelta(days=10))
        for pk, _ in mentors[::20]
    ]
    TimeOff.objects.bulk_create(away)
    return len(away)


def build(now: datetime) -> tuple[Program, str]:
    program = seed()
    mentors = people(program, Role.MENTOR)
    hours = weekly_hours(mentors, random.Random(1))
    booked = book_some(program, mentors, hours, now)
    away = time_off(mentors, now.date())
    return program, f"{len(mentors)} mentors, {booked} sessions this week, {away} on time off"


def run() -> Result:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    program, data = build(now)
    window = (now, now + timedelta(days=7))

    def ask() -> list[tuple[int, datetime]]:
        return mentors_with_opening(program=program, window=window, now=now)

    with CaptureQueriesContext(connection) as ctx:
        found = ask()
    timings = time_ms(ask, repeat=REPEAT, warmup=1)
    return Result(
        name="who has an opening, 2,000 mentors",
        timings_ms=timings,
        target_ms=TARGET_MS,
        judged_by="median",
        note=f"{len(found)} with an opening; {data}; {len(ctx.captured_queries)} queries",
    )
