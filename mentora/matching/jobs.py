"""The matching app's periodic jobs (run by the worker; see mentora.worker.registry)."""

from __future__ import annotations

from datetime import datetime, timedelta

from mentora.matching.health.services import pulses_ask_due
from mentora.matching.mentor_requests.services import requests_expire
from mentora.worker.registry import periodic


@periodic(every=timedelta(minutes=15), name="requests_expire", windowed=False, atomic=False)
def requests_expire_overdue(*, now: datetime) -> int:
    """Close open requests past their expiry."""
    return requests_expire(now=now)


@periodic(every=timedelta(hours=1), windowed=False, atomic=False)
def pulses_ask(*, now: datetime) -> int:
    """Ask every relationship pulse that has fallen due."""
    return len(pulses_ask_due(now=now))
