"""What django-tasks-db's worker doesn't do by itself: bounded retries, and
recovering tasks whose worker died mid-task.

- A task known to be safe to run twice (its app declared its module prefix
  with `registry.retry_safe` in its jobs.py) that raises is put back in the
  queue with a growing delay (1, 5, 15, 60 minutes...) until it has been tried
  MENTORA_TASK_MAX_ATTEMPTS times; then it stays FAILED, with its traceback, in
  the admin's Task Results.
- A task left RUNNING for longer than STALL_AFTER (its worker was killed, the
  machine rebooted) is put back in the queue, counting as an attempt.

Running notifications' tasks twice is safe: their deliveries are exactly-once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mentora.worker.registry import periodic, retry_safe_prefixes

logger = logging.getLogger(__name__)

STALL_AFTER = timedelta(minutes=10)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))


class WorkerLost(Exception):
    """The worker running a task stopped before the task finished."""


def max_attempts() -> int:
    return int(getattr(settings, "MENTORA_TASK_MAX_ATTEMPTS", 5))


def backoff(attempts: int) -> timedelta:
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def retry_failed(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """django-tasks' task_finished signal: give a failed task of ours another go."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    if not task_result.task.module_path.startswith(retry_safe_prefixes()):
        return
    attempts = len(task_result.worker_ids)
    if attempts >= max_attempts():
        logger.error("Task %s failed %d times; giving up", task_result.id, attempts)
        return
    run_after = timezone.now() + backoff(attempts)
    DBTaskResult.objects.filter(id=task_result.id, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=run_after, finished_at=None
    )
    logger.warning(
        "Task %s failed (attempt %d); retrying after %s", task_result.id, attempts, run_after
    )


@periodic(every=timedelta(minutes=1), name="stalled_tasks", windowed=False)
def tasks_recover(*, now: datetime) -> int:
    """Put tasks whose worker died back in the queue (or record them failed)."""
    prefixes = retry_safe_prefixes()
    if not prefixes:
        return 0
    ours = Q()
    for prefix in prefixes:
        ours |= Q(task_path__startswith=prefix)
    stalled = DBTaskResult.objects.filter(
        ours, status=TaskResultStatus.RUNNING, started_at__lt=now - STALL_AFTER
    )
    recovered = 0
    for row in stalled:
        mine = DBTaskResult.objects.filter(id=row.id, status=TaskResultStatus.RUNNING)
        if len(row.worker_ids) < max_attempts():
            recovered += mine.update(status=TaskResultStatus.READY, run_after=now)
        else:
            mine.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{__name__}.WorkerLost",
                traceback=(
                    f"WorkerLost: the worker stopped during each of {len(row.worker_ids)} "
                    f"attempts (workers {', '.join(row.worker_ids)})."
                ),
            )
    return recovered
