"""Scheduling listens to its own hooks to keep the copies of sessions in
people's CalDAV calendars (copies.py): after a booking, a move, a
cancellation or a new meeting link commits, the worker writes them. Connected by
SchedulingConfig.ready, next to notifications' listeners; the booking never
waits for a calendar server, and nothing is queued when neither party writes
sessions into a calendar (nor has a copy of this one)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from mentora.scheduling import hooks
from mentora.scheduling.calendars.copies import writable_connections
from mentora.scheduling.calendars.tasks import session_copies_write
from mentora.scheduling.models import CalendarEventCopy, Session
from mentora.worker.registry import retry_safe


def _queue_copies(session: Session, *args: Any, **kwargs: Any) -> None:
    session_id, parties = session.pk, [session.mentor_id, session.mentee_id]

    def queue() -> None:
        wanted = writable_connections(parties).exists()
        if wanted or CalendarEventCopy.objects.filter(session_id=session_id).exists():
            session_copies_write.enqueue(session_id)

    transaction.on_commit(queue, robust=True)


def listen() -> None:
    retry_safe("mentora.scheduling.calendars.tasks.")
    hooks.session_booked.connect(_queue_copies)
    hooks.session_moved.connect(_queue_copies)
    hooks.session_cancelled.connect(_queue_copies)
    # A new meeting link changes the copy's LOCATION (and its SEQUENCE).
    hooks.session_link_changed.connect(_queue_copies)
