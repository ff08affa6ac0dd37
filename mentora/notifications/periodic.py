"""A small, reliable periodic scheduler: django-tasks has none.

Every worker calls `run_periodic()` about once a minute. For each job that is
due, the worker claims the window from the job's `covered_until` to now with a
compare-and-set on its `PeriodicRun` row; only one worker wins, so with several
workers on several machines each window runs once. Jobs that only queue tasks run
in the same transaction as the claim: if one fails, its window is claimed again
on the next tick. Longer jobs (regular sessions, the matching app's jobs) run
after the claim and are idempotent, so a failure just waits for the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from mentora.notifications.models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    path: str  # dotted path, imported when the job runs; a wrong one fails loudly (last_error)
    windowed: bool = True  # called with since= and now=; else with now= only
    atomic: bool = True  # run inside the claim's transaction


N = "mentora.notifications"
JOBS: tuple[Job, ...] = (
    Job("stalled_tasks", timedelta(minutes=1), f"{N}.worker.tasks_recover", windowed=False),
    Job("reminders", timedelta(minutes=5), f"{N}.reminders.reminders_lookahead", windowed=False),
    Job("after_sessions", timedelta(minutes=1), f"{N}.jobs.after_sessions"),
    Job("action_items", timedelta(minutes=15), f"{N}.jobs.action_items"),
    Job("requests_expiring", timedelta(minutes=15), f"{N}.jobs.requests_expiring"),
    Job("digests", timedelta(minutes=5), f"{N}.jobs.digests"),
    Job(
        "regular_sessions",
        timedelta(hours=6),
        f"{N}.jobs.regular_sessions",
        windowed=False,
        atomic=False,
    ),
    Job(
        "requests_expire",
        timedelta(minutes=15),
        "mentora.matching.mentor_requests.services.requests_expire",
        windowed=False,
        atomic=False,
    ),
    Job(
        "pulses_ask",
        timedelta(hours=1),
        "mentora.matching.health.services.pulses_ask_due",
        windowed=False,
        atomic=False,
    ),
)


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
    func = import_string(job.path)
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
    for job in JOBS:
        try:
            if _run(job, now):
                ran.append(job.name)
        except Exception as exc:
            logger.exception("Periodic job %s failed", job.name)
            PeriodicRun.objects.filter(name=job.name).update(last_error=repr(exc)[:2000])
    return ran
