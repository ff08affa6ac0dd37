"""The worker's side of connected calendars: refresh those that are due.

A bounded batch per run (the most overdue first); each connection is read on
its own, and nothing one calendar does (a malformed body, a server that
hangs, a bug) stops the others or the worker.
"""

from __future__ import annotations

import logging
from datetime import datetime

from mentora.scheduling.models import CalendarConnection

from .services import MAX_BACKOFF, calendar_refresh, due_connections

logger = logging.getLogger(__name__)

BATCH = 500


def calendars_refresh_due(*, now: datetime, limit: int = BATCH) -> int:
    """Refresh up to `limit` due connections; returns how many were read well."""
    read = 0
    for pk in due_connections(now, limit):
        connection = CalendarConnection.objects.select_related("owner").filter(pk=pk).first()
        if connection is None or connection.disabled_at is not None:
            continue  # disconnected or disabled meanwhile
        try:
            read += calendar_refresh(connection, now)
        except Exception:
            # calendar_refresh records every expected failure itself; anything
            # else is a bug, logged without the calendar's address, and the
            # connection waits for its next turn instead of stopping the batch.
            logger.exception("Refreshing calendar %s failed unexpectedly", pk)
            CalendarConnection.objects.filter(pk=pk).update(next_refresh_at=now + MAX_BACKOFF)
    return read
