"""Several workers at once, against real PostgreSQL: the database, not luck,
keeps every message single. Threads stand in for worker processes; each has
its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from mentora.notifications.models import Channel, Delivery
from mentora.notifications.tasks import deliver_event, enqueue
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f
from mentora.worker.periodic import run_periodic

from .conftest import run_worker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 6


def at_once(func: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(THREADS, timeout=20)
    results: list[object] = []
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            results.append(func(n))
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.fixture
def held(mentorship):
    return f.SessionFactory(
        mentorship=mentorship,
        starts_at=timezone.now() - timedelta(hours=2),
        status=SessionStatus.HELD,
    )


def test_the_same_event_delivered_by_six_workers_at_once_sends_once(held, mentor, mentee):
    mail.outbox = []

    _, errors = at_once(lambda n: deliver_event.call("reflection_request", held.pk, {}))

    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, mentee.email])
    assert Delivery.objects.filter(channel=Channel.EMAIL).count() == 2


def test_six_workers_share_the_queue_without_running_a_task_twice(mentorship):
    mail.outbox = []
    sessions = [
        f.SessionFactory(
            mentorship=mentorship,
            starts_at=timezone.now() - timedelta(hours=3 + 2 * n),
            status=SessionStatus.HELD,
        )
        for n in range(12)
    ]
    for session in sessions:
        enqueue("reflection_request", session.pk)

    ran, errors = at_once(lambda n: run_worker(f"worker-{n}"))

    assert errors == []
    assert sum(ran) == 12  # type: ignore[arg-type]
    assert len(mail.outbox) == 24


def test_six_workers_ticking_at_once_run_each_periodic_job_once(db):
    now = timezone.now()

    ran, errors = at_once(lambda n: run_periodic(now=now))

    assert errors == []
    names = [name for names in ran for name in names]  # type: ignore[attr-defined]
    assert len(names) == len(set(names))
    assert "after_sessions" in names
