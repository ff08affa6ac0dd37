"""The matching app's periodic jobs and tasks (run by the worker; see mentora.worker.registry).

The cohort match's tasks (publishing a preview, working out a large match) are
safe to run twice: each locks its run and does nothing unless the run is still
publishing or computing, and each writes all or nothing in one transaction. So
they are declared retry-safe: one whose worker died mid-way (its transaction
rolled back, the run still publishing) is queued again and finishes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from mentora.matching.health.services import pulses_ask_due
from mentora.matching.mentor_requests.services import requests_expire
from mentora.worker.registry import periodic, retry_safe

retry_safe("mentora.matching.jobs.bulk_")


@periodic(every=timedelta(minutes=15), name="requests_expire", windowed=False, atomic=False)
def requests_expire_overdue(*, now: datetime) -> int:
    """Close open requests past their expiry."""
    return requests_expire(now=now)


@periodic(every=timedelta(hours=1), windowed=False, atomic=False)
def pulses_ask(*, now: datetime) -> int:
    """Ask every relationship pulse that has fallen due."""
    return len(pulses_ask_due(now=now))


@task()
def bulk_publish_run(run_id: int, by_id: int) -> str:
    """Publish a cohort match the publish page queued; returns the status left."""
    from mentora.matching.staff.services import publish_job

    return publish_job(run_id=run_id, by_id=by_id, now=timezone.now())


@task()
def bulk_match_compute(run_id: int) -> str:
    """Work out a large cohort match and make its run a preview; returns the status left."""
    from mentora.matching.staff.services import compute_job

    return compute_job(run_id=run_id, now=timezone.now())
