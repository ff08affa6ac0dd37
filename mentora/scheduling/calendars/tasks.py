"""The worker's task that writes a session's copies into its parties' own
calendars (copies.py). Declared retry-safe (listeners.listen): running it twice
writes the same copy at the same href."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from mentora.scheduling.calendars.copies import session_copies_sync


@task()
def session_copies_write(session_id: int) -> int:
    """Returns how many copies this run wrote or deleted."""
    result = session_copies_sync(session_id, now=timezone.now())
    return result.written + result.deleted
