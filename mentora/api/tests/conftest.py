from datetime import time

import pytest

from mentora.api import tokens
from mentora.api.models import TokenScope
from mentora.tests import factories as f


@pytest.fixture
def open_all_week(mentor):
    """Mentor (America/New_York) available 09:00-21:00 every day."""
    for weekday in range(7):
        f.WeeklyHoursFactory(mentor=mentor, weekday=weekday, start_time=time(9), end_time=time(21))


@pytest.fixture
def bearer():
    """bearer(user, scope="write", program=None) -> the Authorization header for the test client."""

    def make(user, scope=TokenScope.WRITE, program=None, days=30):
        created = tokens.token_create(
            owner=user, name="test", scope=scope, days=days, program=program
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {created.secret}"}

    return make
