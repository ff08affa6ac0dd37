"""The scheduling app's periodic jobs (run by the worker; see mentora.worker.registry)."""

from __future__ import annotations

from datetime import datetime, timedelta

from mentora.scheduling.cadence.services import all_regular_sessions_sync
from mentora.scheduling.calendars.refresh import calendars_refresh_due
from mentora.worker.registry import periodic


@periodic(every=timedelta(hours=6), windowed=False, atomic=False)
def regular_sessions(*, now: datetime) -> int:
    """Keep every cadence's sessions a booking window ahead (was a cron job)."""
    return len(all_regular_sessions_sync(now=now).created)


@periodic(every=timedelta(minutes=1), windowed=False, atomic=False)
def calendars_refresh(*, now: datetime) -> int:
    """Read the connected calendars that are due (a bounded batch per run)."""
    return calendars_refresh_due(now=now)
