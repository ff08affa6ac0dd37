"""Refreshing 2,000 connected calendars from a local server (target: under a
minute of worker time, #17).

2,000 people each connect an iCalendar address on a real HTTP server on
localhost (the tests' calendar_server), which serves with ETags real-world
exports (a quarter of them the Google one: a weekly meeting, exceptions,
zones, an all-day event; a quarter the Outlook one) and, for half, a busy
professional's calendar around today (busy_week_feed). One worker run reads
every calendar in full: a GET, the expansion over the owner's booking window, the busy
intervals replaced in one transaction. A second run, five minutes later,
finds every calendar unchanged (304) and only moves the last-read times.
Each run is timed end to end through calendars_refresh_due. The figure judged
is the worker's CPU time (the process's, so the local server's threads count
too: a conservative figure); the wall clock is in the note, as it also holds
the waits for other processes on a shared machine.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from bench.report import Result
from mentora.accounts.models import User
from mentora.programs.models import Membership, Program, Role
from mentora.scheduling.calendars.refresh import calendars_refresh_due
from mentora.scheduling.models import BusyInterval, CalendarConnection, CalendarKind
from mentora.scheduling.tests.calendar_server import CalendarServer, fixture
from mentora.sealed import seal

SLUG = "bench-calendars"
CALENDARS = 2000
TARGET_MS = 60_000.0
FEEDS = ("google_export.ics", "outlook_export.ics")
VTIMEZONE = fixture("google_export.ics").split(b"BEGIN:VTIMEZONE", 1)[1].split(b"END:VTIMEZONE")[0]


def busy_week_feed(now: datetime) -> bytes:
    """A working professional's calendar around `now`: five weekly series in
    New York time (one with an exception), forty single meetings in the next
    eight weeks, an all-day event: about 90 busy intervals in the window."""
    first = (now - timedelta(days=30)).strftime("%Y%m%d")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN", "BEGIN:VTIMEZONE"]
    lines += [*VTIMEZONE.decode().strip().splitlines(), "END:VTIMEZONE"]
    for n, (day, hour) in enumerate([("MO", 9), ("TU", 17), ("WE", 11), ("TH", 14), ("FR", 10)]):
        lines += [
            "BEGIN:VEVENT",
            f"UID:series-{n}@bench",
            f"DTSTART;TZID=America/New_York:{first}T{hour:02}0000",
            f"DTEND;TZID=America/New_York:{first}T{hour:02}4500",
            f"RRULE:FREQ=WEEKLY;BYDAY={day}",
            "SUMMARY:Weekly",
            "END:VEVENT",
        ]
    for n in range(40):
        start = (now + timedelta(days=n * 56 / 40, hours=n % 7)).astimezone(UTC)
        lines += [
            "BEGIN:VEVENT",
            f"UID:single-{n}@bench",
            f"DTSTART:{start:%Y%m%dT%H0000Z}",
            f"DTEND:{start + timedelta(hours=1):%Y%m%dT%H0000Z}",
            "SUMMARY:Meeting",
            "END:VEVENT",
        ]
    day = (now + timedelta(days=20)).strftime("%Y%m%d")
    lines += ["BEGIN:VEVENT", "UID:offsite@bench", f"DTSTART;VALUE=DATE:{day}", "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def clear() -> None:
    Program.objects.filter(slug=SLUG).delete()
    User.objects.filter(email__startswith=f"{SLUG}.", email__endswith="@bench.example").delete()


def build(server: CalendarServer, now: datetime) -> None:
    clear()
    program = Program.objects.create(
        name="Benchmark: calendars", slug=SLUG, time_zone="Europe/Berlin", booking_window_weeks=8
    )
    people = User.objects.bulk_create(
        User(email=f"{SLUG}.{n}@bench.example", name=f"Person {n}", time_zone="America/New_York")
        for n in range(CALENDARS)
    )
    Membership.objects.bulk_create(
        Membership(user=user, program=program, role=Role.MENTOR) for user in people
    )
    bodies = [fixture(name) for name in FEEDS] + [busy_week_feed(now)] * 2
    for n, body in enumerate(bodies):
        server.serve(f"/feeds/{n}.ics", body, etag=f'"feed-{n}-v1"')
    CalendarConnection.objects.bulk_create(
        CalendarConnection(
            owner=user,
            kind=CalendarKind.ICAL,
            label="Work",
            # A query string makes each address its own; the server ignores it.
            sealed_url=seal(server.url(f"/feeds/{n % len(bodies)}.ics?person={n}")),
            url_host="127.0.0.1",
            next_refresh_at=now,
        )
        for n, user in enumerate(people)
    )


def _run(now: datetime) -> tuple[int, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    read = calendars_refresh_due(now=now, limit=CALENDARS)
    return read, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def run() -> list[Result]:
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = True  # the server is on localhost
    now = timezone.now().replace(second=0, microsecond=0)
    with CalendarServer() as server:
        build(server, now)
        read, wall, cpu = _run(now)
        intervals = BusyInterval.objects.filter(connection__owner__email__startswith=SLUG).count()
        full = Result(
            name=f"refresh {CALENDARS:,} calendars, full read (CPU)",
            timings_ms=[cpu],
            target_ms=TARGET_MS,
            judged_by="median",
            note=f"{read:,} read, {intervals:,} busy intervals stored; "
            f"wall clock {wall / 1000:.1f} s",
        )
        read, wall, cpu = _run(now + timedelta(minutes=5))
        unchanged = Result(
            name=f"refresh {CALENDARS:,} calendars, unchanged (304) (CPU)",
            timings_ms=[cpu],
            target_ms=TARGET_MS,
            judged_by="median",
            note=f"{read:,} read; wall clock {wall / 1000:.1f} s",
        )
    clear()
    return [full, unchanged]
