"""The worker's side of connected calendars: refresh those that are due.

A bounded batch per run (the most overdue first). Each calendar is read on its
own, outside any transaction (the network and the expansion); the outcomes are
stored STORE_EVERY at a time, in one short transaction (one commit per chunk,
not per calendar). Nothing one calendar does (a malformed body, a server that
hangs, a bug) stops the others or the worker.
"""

from __future__ import annotations

import logging
from datetime import datetime

from mentora.scheduling.models import CalendarConnection

from .services import MAX_BACKOFF, ReadOutcome, calendar_read, calendar_reads_store, due_connections

logger = logging.getLogger(__name__)

BATCH = 500
STORE_EVERY = 50


def calendars_refresh_due(*, now: datetime, limit: int = BATCH) -> int:
    """Refresh up to `limit` due connections; returns how many were read well."""
    ids = due_connections(now, limit)
    read = 0
    for first in range(0, len(ids), STORE_EVERY):
        outcomes = _read_all(ids[first : first + STORE_EVERY], now)
        calendar_reads_store(outcomes, now)
        read += sum(outcome.error is None for outcome in outcomes)
    return read


def _read_all(ids: list[int], now: datetime) -> list[ReadOutcome]:
    connections = CalendarConnection.objects.filter(pk__in=ids, disabled_at__isnull=True)
    outcomes = []
    for connection in connections.select_related("owner").order_by("next_refresh_at", "pk"):
        try:
            outcomes.append(calendar_read(connection, now))
        except Exception:
            # calendar_read returns every expected failure; anything else is a
            # bug, logged without the calendar's address, and the connection
            # waits for a later turn instead of stopping the batch.
            logger.exception("Reading calendar %s failed unexpectedly", connection.pk)
            CalendarConnection.objects.filter(pk=connection.pk).update(
                next_refresh_at=now + MAX_BACKOFF
            )
    return outcomes
