"""Helpers for the notification tests: a movable frozen clock, mentor hours,
and a worker that runs the queued tasks in this process with the real
django-tasks-db worker code."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail

from mentora.tests import factories as f
from mentora.tests.clock import NOW
from mentora.tests.tasks import tasks_run


def ny(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A New York wall-clock time in January (UTC-5), in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) + timedelta(hours=5)


@pytest.fixture
def clock():
    """Time stands still at NOW until the test moves it (clock.move_to(...))."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def open_all_week(mentor):
    for weekday in range(7):
        f.WeeklyHoursFactory(mentor=mentor, weekday=weekday, start_time=time(9), end_time=time(21))


def run_worker(worker_id: str = "test-worker") -> int:
    """Run every task that is ready now, as `db_worker` would (claiming each
    under its lock, then running it with its code); returns how many ran."""
    return tasks_run(worker_id=worker_id)


@pytest.fixture
def worker():
    return run_worker


@pytest.fixture
def outbox():
    """Emails sent so far (locmem backend), cleared at the start."""
    mail.outbox = []
    return mail.outbox


def to(person, box=None) -> list:
    return [m for m in (mail.outbox if box is None else box) if m.to == [person.email]]
