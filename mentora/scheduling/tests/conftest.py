from datetime import UTC, datetime, time, timedelta

import pytest

from mentora.programs.models import Mentorship
from mentora.tests import factories as f

# A Monday noon in January: both New York and Berlin on standard time.
NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def mentorship(mentee, mentor):
    return Mentorship.objects.select_related("program", "mentor").get(mentee=mentee, mentor=mentor)


@pytest.fixture
def open_all_week(mentor):
    """Mentor (America/New_York) available 09:00-21:00 every day."""
    for weekday in range(7):
        f.WeeklyHoursFactory(mentor=mentor, weekday=weekday, start_time=time(9), end_time=time(21))


def ny(year, month, day, hour, minute=0):
    """A New York wall-clock time in UTC, written out by hand for January (UTC-5)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) + timedelta(hours=5)
