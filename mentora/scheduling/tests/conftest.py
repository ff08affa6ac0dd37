from datetime import UTC, datetime, time, timedelta

import pytest

from mentora.tests import factories as f
from mentora.tests.clock import NOW  # noqa: F401  (re-exported for the tests here)


@pytest.fixture
def open_all_week(mentor):
    """Mentor (America/New_York) available 09:00-21:00 every day."""
    for weekday in range(7):
        f.WeeklyHoursFactory(mentor=mentor, weekday=weekday, start_time=time(9), end_time=time(21))


def ny(year, month, day, hour, minute=0):
    """A New York wall-clock time in UTC, written out by hand for January (UTC-5)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) + timedelta(hours=5)


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    """A real Radicale CalDAV server on a free localhost port (radicale_server.py)."""
    from .radicale_server import radicale_start

    server = radicale_start(tmp_path_factory.mktemp("radicale"))
    yield server
    server.stop()
