"""The worker's tasks that write sessions' copies into people's own
calendars (copies.py): one session's, after it changed; or a calendar just
connected for writing, with the sessions still to come. Declared retry-safe
(listeners.listen): running one twice writes the same copy at the same href."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from mentora.scheduling.calendars.copies import connection_copies_sync, session_copies_sync


@task()
def session_copies_write(session_id: int) -> int:
    """Returns how many copies this run wrote or deleted."""
    result = session_copies_sync(session_id, now=timezone.now())
    return result.written + result.deleted


@task()
def connection_copies_write(connection_id: int) -> int:
    """A calendar just connected for writing gets the sessions still to come;
    returns how many copies this run wrote."""
    return connection_copies_sync(connection_id, now=timezone.now()).written
