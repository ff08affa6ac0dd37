"""A small, reliable periodic scheduler: django-tasks has none.

Every worker calls `run_periodic()` about once a minute. For each job that is
due, the worker claims the window from the job's `covered_until` to now with a
compare-and-set on its `PeriodicRun` row; only one worker wins, so with several
workers on several machines each window runs once. Jobs that only queue tasks run
in the same transaction as the claim: if one fails, its window is claimed again
on the next tick. Longer jobs (regular sessions, the matching app's jobs) run
after the claim and are idempotent, so a failure just waits for the next run.

The jobs themselves are declared by each app in its jobs.py (see registry.py).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from mentora.worker.models import PeriodicRun
from mentora.worker.registry import Job, jobs

logger = logging.getLogger(__name__)


def _claim(job: Job, now: datetime) -> datetime | None:
    """The start of the window this worker now owns, or None (not due, or another won)."""
    try:
        run, _ = PeriodicRun.objects.get_or_create(
            name=job.name, defaults={"covered_until": now - job.every}
        )
    except IntegrityError:
        return None
    if now - run.covered_until < job.every:
        return None
    won = PeriodicRun.objects.filter(pk=run.pk, covered_until=run.covered_until).update(
        covered_until=now
    )
    return run.covered_until if won else None


def _call(job: Job, func: Any, since: datetime, now: datetime) -> None:
    if job.windowed:
        func(since=since, now=now)
    else:
        func(now=now)


def _run(job: Job, now: datetime) -> bool:
    func = job.func
    if job.atomic:
        with transaction.atomic():
            since = _claim(job, now)
            if since is not None:
                _call(job, func, since, now)
    else:
        with transaction.atomic():
            since = _claim(job, now)
        if since is not None:
            _call(job, func, since, now)
    return since is not None


def run_periodic(*, now: datetime | None = None) -> list[str]:
    """Run every due job once; returns the names of those this worker ran."""
    now = now or timezone.now()
    ran = []
    for job in jobs():
        try:
            if _run(job, now):
                ran.append(job.name)
        except Exception as exc:
            logger.exception("Periodic job %s failed", job.name)
            PeriodicRun.objects.filter(name=job.name).update(last_error=repr(exc)[:2000])
    return ran


class Ticker(threading.Thread):
    """Runs the periodic jobs every `seconds` beside the task loop."""

    def __init__(self, seconds: float) -> None:
        super().__init__(name="mentora-periodic", daemon=True)
        self.seconds = seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                run_periodic()
            except Exception:
                logger.exception("Periodic tick failed")
            finally:
                close_old_connections()
            self.stopped.wait(self.seconds)
