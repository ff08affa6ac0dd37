"""Many people booking one slot at once, against a real database.

As pretix does it: the first test switches the guard (lock and exclusion
constraint) off and shows the race is real: two sessions at one time. The next
ones show that the lock alone, and then lock and constraint together, let
exactly one booking win while every other one is told the time was taken,
never an error; then the constraint alone, with no lock at all.
Threads stand in for concurrent requests; each has its own database connection.
See docs/locking.md.
"""

from __future__ import annotations

import importlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction

from mentora.programs.models import Mentorship, Role
from mentora.scheduling import queries
from mentora.scheduling.booking import services
from mentora.scheduling.errors import SchedulingError
from mentora.scheduling.models import Session, SessionStatus
from mentora.tests import factories as f

from .conftest import ny

SLOT = ny(2027, 1, 5, 10)  # Tue 5 Jan 10:00 New York, inside open_all_week
BARRIER_TIMEOUT = 20  # seconds: a broken test fails instead of hanging
_no_double_booking = importlib.import_module("mentora.scheduling.migrations.0002_no_double_booking")

on_postgres = pytest.mark.postgres
transactional = pytest.mark.django_db(transaction=True)


@dataclass
class Outcome:
    booked: list[Session] = field(default_factory=list)
    refused: list[SchedulingError] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, value: object) -> None:
        with self.lock:
            getattr(self, kind).append(value)


def mentorships_of(mentor, program, cohort, success_manager, n: int) -> list[Mentorship]:
    """n mentees of one mentor, each with their own mentorship (own mentee row to lock)."""
    for _ in range(n):
        mentee = f.UserFactory()
        f.MembershipFactory(
            user=mentee, program=program, cohort=cohort, success_manager=success_manager
        )
        f.MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
    return list(
        Mentorship.objects.select_related("program", "mentor", "mentee").filter(mentor=mentor)
    )


def book_at_once(mentorships: list[Mentorship], now: datetime, start: threading.Barrier) -> Outcome:
    """One thread per mentorship; all wait at `start`, then book SLOT as the mentee."""
    outcome = Outcome()

    def run(mentorship: Mentorship) -> None:
        try:
            start.wait(BARRIER_TIMEOUT)
            session = services.session_book(
                mentorship=mentorship, starts_at=SLOT, by=mentorship.mentee, now=now
            )
            outcome.add("booked", session)
        except SchedulingError as exc:
            outcome.add("refused", exc)
        except BaseException as exc:  # anything else is the "500" this test exists to catch
            outcome.add("errors", exc)
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=run, args=(m,)) for m in mentorships]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcome


def waiting_after(barrier: threading.Barrier, fn: Callable[..., list]) -> Callable[..., list]:
    """Wrap `fn` so each thread, having read, waits until the other has read too."""
    seen = threading.local()

    def wrapper(*args, **kwargs):
        result = fn(*args, **kwargs)
        if not getattr(seen, "waited", False):
            seen.waited = True
            barrier.wait(BARRIER_TIMEOUT)
        return result

    return wrapper


@contextmanager
def exclusion_constraint_dropped() -> Iterator[None]:
    """Run without the database's backstop; put it back (from the migration) after."""
    with connection.cursor() as cursor:
        cursor.execute(_no_double_booking.DROP)
    try:
        yield
    finally:
        # Overlapping sessions left by the test would stop the constraint coming back.
        Session.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(_no_double_booking.CREATE)


def sessions_at_slot(mentor) -> int:
    return Session.objects.live().filter(mentor=mentor, starts_at=SLOT).count()


@on_postgres
@transactional
def test_double_booking_happens_without_lock_and_constraint(
    monkeypatch, program, cohort, success_manager, mentor, open_all_week, now
):
    mentorships = mentorships_of(mentor, program, cohort, success_manager, 2)
    monkeypatch.setattr(services, "lock_people", lambda *ids: None)
    # Both bookings read the mentor's busy time before either inserts: the
    # check-then-insert race, made certain instead of left to luck.
    monkeypatch.setattr(
        queries, "busy_blocks", waiting_after(threading.Barrier(2), queries.busy_blocks)
    )
    with exclusion_constraint_dropped():
        outcome = book_at_once(mentorships, now, threading.Barrier(2))

        assert outcome.errors == []
        assert len(outcome.booked) == 2
        assert sessions_at_slot(mentor) == 2


@on_postgres
@transactional
def test_fifty_bookings_of_one_slot_give_one_winner(
    program, cohort, success_manager, mentor, open_all_week, now
):
    mentorships = mentorships_of(mentor, program, cohort, success_manager, 50)

    outcome = book_at_once(mentorships, now, threading.Barrier(50))

    assert outcome.errors == []
    assert len(outcome.booked) == 1
    assert len(outcome.refused) == 49
    assert {(e.code, e.message) for e in outcome.refused} == {
        ("slot_taken", "That time was just taken.")
    }
    assert all(e.alternatives and SLOT not in e.alternatives for e in outcome.refused)
    assert sessions_at_slot(mentor) == 1


@on_postgres
@transactional
def test_lock_alone_gives_one_winner_without_the_constraint(
    program, cohort, success_manager, mentor, open_all_week, now
):
    mentorships = mentorships_of(mentor, program, cohort, success_manager, 50)

    with exclusion_constraint_dropped():
        outcome = book_at_once(mentorships, now, threading.Barrier(50))

        assert outcome.errors == []
        assert len(outcome.booked) == 1
        assert {e.code for e in outcome.refused} == {"slot_taken"}
        assert sessions_at_slot(mentor) == 1


@on_postgres
@pytest.mark.django_db
def test_exclusion_constraint_refuses_an_overlap_without_any_lock(mentor, mentee, other_mentee):
    first, second = Mentorship.objects.filter(mentor=mentor).order_by("pk")
    f.SessionFactory(mentorship=first, starts_at=SLOT)

    with (
        pytest.raises(IntegrityError, match="session_no_overlap_per_mentor"),
        transaction.atomic(),
    ):
        f.SessionFactory(mentorship=second, starts_at=SLOT + timedelta(minutes=30))

    assert sessions_at_slot(mentor) == 1


@on_postgres
@pytest.mark.django_db
def test_exclusion_constraint_allows_back_to_back_and_cancelled(mentor, mentee, other_mentee, now):
    first, second = Mentorship.objects.filter(mentor=mentor).order_by("pk")
    earlier = f.SessionFactory(mentorship=first, starts_at=SLOT)
    # [from, until) ranges: a block may start exactly where the previous one ends.
    f.SessionFactory(
        mentorship=second,
        starts_at=earlier.blocked_until,
        blocked_from=earlier.blocked_until,
    )
    services.session_cancel(session=earlier, by=mentee, reason="illness", now=now)

    f.SessionFactory(mentorship=second, starts_at=SLOT)  # over the cancelled one

    assert Session.objects.live().filter(mentor=mentor).count() == 2


@pytest.fixture
def sqlite_file_copy(monkeypatch, tmp_path) -> Path:
    """New connections open a file copy of the test database instead of it.

    The test database lives in memory in shared-cache mode, where SQLite locks
    tables, not the file: a second writer gets "database table is locked" at
    once instead of waiting on BEGIN IMMEDIATE. Production uses a file, so the
    race is run on one, with the production settings (IMMEDIATE, timeout, WAL).
    This thread's connection stays on the in-memory database.
    """
    path = tmp_path / "race.sqlite3"
    copy = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(copy)
    copy.close()
    settings_dict = {**connections.settings[DEFAULT_DB_ALIAS], "NAME": str(path)}
    monkeypatch.setitem(connections.settings, DEFAULT_DB_ALIAS, settings_dict)
    return path


@transactional
def test_two_bookings_of_one_slot_on_sqlite_give_one_winner(
    program, cohort, success_manager, mentor, open_all_week, now, request
):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only; PostgreSQL has the 50-thread test")
    mentorships = mentorships_of(mentor, program, cohort, success_manager, 2)
    path = request.getfixturevalue("sqlite_file_copy")

    outcome = book_at_once(mentorships, now, threading.Barrier(2))

    assert outcome.errors == []
    assert len(outcome.booked) == 1
    assert [(e.code, e.message) for e in outcome.refused] == [
        ("slot_taken", "That time was just taken.")
    ]
    with closing(sqlite3.connect(path)) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM scheduling_session WHERE mentor_id = ? AND status <> ?",
            (mentor.pk, SessionStatus.CANCELLED),
        ).fetchone()
    assert count == 1


# --- One mentee, two mentors: the mentee's sessions never overlap either ---------------

_no_mentee_overlap = importlib.import_module(
    "mentora.scheduling.migrations.0004_mentee_no_overlap_late_moves"
)


def two_mentors_of(mentee, program, n: int = 2) -> list[Mentorship]:
    """n mentors (open all week) of one mentee, each with their own mentorship."""
    for _ in range(n):
        mentor = f.UserFactory(time_zone="America/New_York")
        f.MembershipFactory(user=mentor, program=program, role=Role.MENTOR)
        for weekday in range(7):
            f.WeeklyHoursFactory(
                mentor=mentor, weekday=weekday, start_time=time(9), end_time=time(21)
            )
        f.MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
    return list(
        Mentorship.objects.select_related("program", "mentor", "mentee").filter(mentee=mentee)
    )


def a_mentee(program, cohort, success_manager):
    mentee = f.UserFactory()
    f.MembershipFactory(
        user=mentee, program=program, cohort=cohort, success_manager=success_manager
    )
    return mentee


def book_each_at_once(
    bookings: list[tuple[Mentorship, datetime]], now: datetime, start: threading.Barrier
) -> Outcome:
    """One thread per (mentorship, time); all wait at `start`, then book as the mentee."""
    outcome = Outcome()

    def run(mentorship: Mentorship, starts_at: datetime) -> None:
        try:
            start.wait(BARRIER_TIMEOUT)
            outcome.add(
                "booked",
                services.session_book(
                    mentorship=mentorship, starts_at=starts_at, by=mentorship.mentee, now=now
                ),
            )
        except SchedulingError as exc:
            outcome.add("refused", exc)
        except BaseException as exc:  # anything else is the "500" this test exists to catch
            outcome.add("errors", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=b) for b in bookings]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcome


def overlapping(mentorships: list[Mentorship]) -> list[tuple[Mentorship, datetime]]:
    """Each mentorship at a time 15 minutes after the previous one: with up to
    four, every two overlap (45 minutes plus 10 minutes' buffer)."""
    return [(m, SLOT + timedelta(minutes=15 * i)) for i, m in enumerate(mentorships)]


def live_sessions_of(mentee) -> int:
    return Session.objects.live().filter(mentee=mentee).count()


@on_postgres
@transactional
def test_one_mentee_booked_with_many_mentors_at_once_gets_one_session(
    program, cohort, success_manager, now
):
    mentee = a_mentee(program, cohort, success_manager)
    mentorships = two_mentors_of(mentee, program, 4)

    outcome = book_each_at_once(overlapping(mentorships), now, threading.Barrier(4))

    assert outcome.errors == []
    assert len(outcome.booked) == 1
    assert {e.code for e in outcome.refused} == {"mentee_busy"}
    assert live_sessions_of(mentee) == 1


@on_postgres
@transactional
def test_mentee_constraint_alone_refuses_the_race(
    monkeypatch, program, cohort, success_manager, now
):
    mentee = a_mentee(program, cohort, success_manager)
    mentorships = two_mentors_of(mentee, program)
    # No lock, and both bookings read the mentee's free time before either
    # inserts: only the exclusion constraint stands between them.
    monkeypatch.setattr(services, "lock_people", lambda *ids: None)
    monkeypatch.setattr(
        queries,
        "mentee_busy_blocks",
        waiting_after(threading.Barrier(2), queries.mentee_busy_blocks),
    )

    outcome = book_each_at_once(overlapping(mentorships), now, threading.Barrier(2))

    assert outcome.errors == []
    assert len(outcome.booked) == 1
    assert [e.code for e in outcome.refused] == ["mentee_busy"]
    assert live_sessions_of(mentee) == 1


@on_postgres
@pytest.mark.django_db
def test_exclusion_constraint_refuses_a_mentee_overlap_without_any_lock(program, mentee):
    first, second = two_mentors_of(mentee, program)[-2:]
    f.SessionFactory(mentorship=first, starts_at=SLOT)

    with (
        pytest.raises(IntegrityError, match="session_no_overlap_per_mentee"),
        transaction.atomic(),
    ):
        f.SessionFactory(mentorship=second, starts_at=SLOT + timedelta(minutes=30))

    assert live_sessions_of(mentee) == 1
    assert _no_mentee_overlap.CONSTRAINT == "session_no_overlap_per_mentee"


@transactional
def test_one_mentee_booked_with_two_mentors_at_once_on_sqlite(
    program, cohort, success_manager, now, request
):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only; PostgreSQL has the constraint tests")
    mentee = a_mentee(program, cohort, success_manager)
    mentorships = two_mentors_of(mentee, program)
    path = request.getfixturevalue("sqlite_file_copy")

    outcome = book_each_at_once(overlapping(mentorships), now, threading.Barrier(2))

    assert outcome.errors == []
    assert len(outcome.booked) == 1
    assert [e.code for e in outcome.refused] == ["mentee_busy"]
    with closing(sqlite3.connect(path)) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM scheduling_session WHERE mentee_id = ? AND status <> ?",
            (mentee.pk, SessionStatus.CANCELLED),
        ).fetchone()
    assert count == 1
