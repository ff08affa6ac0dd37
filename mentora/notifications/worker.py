"""What django-tasks-db's worker doesn't do by itself: bounded retries, and
recovering tasks whose worker died mid-task.

- A task of ours (OUR_TASKS: safe to run twice) that raises is put back in the
  queue with a growing delay (1, 5, 15, 60 minutes...) until it has been tried
  MENTORA_TASK_MAX_ATTEMPTS times; then it stays FAILED, with its traceback, in
  the admin's Task Results.
- A task left RUNNING for longer than STALL_AFTER (its worker was killed, the
  machine rebooted) is put back in the queue, counting as an attempt.

Running a task twice is safe: deliveries are exactly-once (see delivery.py).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Only tasks known to be safe to run twice are retried or recovered; another
# app's tasks opt in by living under a prefix listed here.
OUR_TASKS = ("mentora.notifications.",)
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
    if not task_result.task.module_path.startswith(OUR_TASKS):
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


def tasks_recover(*, now: datetime) -> int:
    """Put tasks whose worker died back in the queue (or record them failed)."""
    ours = Q()
    for prefix in OUR_TASKS:
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


class Ticker(threading.Thread):
    """Runs the periodic jobs every `seconds` beside the task loop."""

    def __init__(self, seconds: float) -> None:
        super().__init__(name="mentora-periodic", daemon=True)
        self.seconds = seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        from mentora.notifications.periodic import run_periodic

        while not self.stopped.is_set():
            try:
                close_old_connections()
                run_periodic()
            except Exception:
                logger.exception("Periodic tick failed")
            finally:
                close_old_connections()
            self.stopped.wait(self.seconds)
