"""The moment tests freeze the clock at: a Monday noon in January 2027, when New
York (UTC-5) and Berlin (UTC+1) are both on standard time."""

from datetime import UTC, datetime

NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
