"""The background tasks (django-tasks): one that delivers the messages of an
event, one that sends a person's daily digest.

Tasks carry ids and plain values only; when one runs it reads the current state,
so a reminder for a session that was moved or cancelled sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResult
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

from mentora.notifications import (
    about_calendars,
    about_matching,
    about_mentoring,
    about_sessions,
    delivery,
)
from mentora.notifications.messages import Message

Builder = Callable[..., list[Message]]

BUILDERS: dict[str, Builder] = {
    "session_booked": about_sessions.booked,
    "session_moved": about_sessions.moved,
    "session_cancelled": about_sessions.cancelled,
    "session_link_changed": about_sessions.link_changed,
    "session_reminder": about_sessions.reminder,
    "cadence_changed": about_sessions.cadence_changed,
    "reflection_request": about_sessions.reflection_request,
    "reflection_nudge": about_sessions.reflection_nudge,
    "attendance_unmarked": about_sessions.attendance_unmarked,
    "attendance_marked": about_sessions.missed_session,
    "action_item_due": about_sessions.action_item_due,
    "reflection_reopened": about_mentoring.reflection_reopened,
    "calendar_disabled": about_calendars.calendar_disabled,
    "request_created": about_matching.request_created,
    "request_decided": about_matching.request_decided,
    "request_withdrawn": about_matching.request_withdrawn,
    "request_expiring": about_matching.request_expiring,
    "pulse_asked": about_matching.pulse_asked,
    "pulse_answered": about_matching.pulse_answered,
    "concern_raised": about_matching.concern_raised,
    "concern_resolved": about_matching.concern_resolved,
    "mentorship_started": about_matching.mentorship_started,
    "mentorship_ended": about_matching.mentorship_ended,
}


@task()
def deliver_event(event: str, object_id: int, extra: dict[str, Any]) -> int:
    """Build the messages of one event from the current state and deliver each
    exactly once. Returns the number of emails sent by this run."""
    now = timezone.now()
    messages = BUILDERS[event](object_id, now=now, **extra)
    return delivery.deliver_all(messages, now=now)


@task()
def deliver_digest(user_id: int, day: str) -> int:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    return delivery.digest_send(user, day=day, now=timezone.now())


def enqueue(
    event: str, object_id: int, extra: dict[str, Any] | None = None, *, at: datetime | None = None
) -> TaskResult[int]:
    """Queue the delivery of one event, to run now or not before `at`."""
    if event not in BUILDERS:
        raise ValueError(f"Unknown notification event: {event}")
    runner = deliver_event.using(run_after=at) if at is not None else deliver_event
    return runner.enqueue(event, object_id, extra or {})


ENQUEUE_BATCH = 1000


def enqueue_many(event: str, object_ids: Sequence[int]) -> int:
    """Queue the delivery of one event for each of many objects, in a few INSERTs
    rather than one each (a cohort publish queues thousands). The rows are the
    ones `deliver_event.enqueue` writes; on another backend, one by one.
    Returns how many were queued."""
    if event not in BUILDERS:
        raise ValueError(f"Unknown notification event: {event}")
    backend = deliver_event.get_backend()
    if not isinstance(backend, DatabaseBackend):
        for object_id in object_ids:
            deliver_event.enqueue(event, object_id, {})
        return len(object_ids)
    backend.validate_task(deliver_event)
    rows = [
        DBTaskResult(
            id=backend._get_id(),
            args_kwargs=normalize_json({"args": [event, object_id, {}], "kwargs": {}}),
            priority=deliver_event.priority,
            task_path=deliver_event.module_path,
            queue_name=deliver_event.queue_name,
            # None is "as soon as possible", stored as the backend's far date
            # (a pre_save signal does it for `create`; bulk_create sends none).
            run_after=deliver_event.run_after or get_date_max(),
            backend_name=backend.alias,
        )
        for object_id in object_ids
    ]
    DBTaskResult.objects.bulk_create(rows, batch_size=ENQUEUE_BATCH)
    return len(rows)
