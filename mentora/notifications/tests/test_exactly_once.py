"""Exactly once per person and event: a task run twice, a worker that dies
mid-task, a mail server that is down for a while or for good."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mentora.notifications.models import Channel, Delivery, DeliveryStatus
from mentora.notifications.tasks import deliver_event, enqueue
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW
from mentora.worker.periodic import run_periodic

from .backends import WorkerKilled
from .conftest import to

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(mentorship):
    """A session that ended an hour ago: both are asked to reflect."""
    return f.SessionFactory(
        mentorship=mentorship,
        starts_at=NOW - timedelta(hours=2),
        status=SessionStatus.HELD,
    )


def test_the_same_task_run_twice_sends_each_email_once(clock, held, outbox, mentor, mentee):
    deliver_event.call("reflection_request", held.pk, {})
    deliver_event.call("reflection_request", held.pk, {})

    assert len(to(mentor)) == 1
    assert len(to(mentee)) == 1
    assert mentee.notifications.count() == 1


def test_a_task_the_queue_hands_out_twice_sends_once(clock, held, worker, outbox, mentor, mentee):
    result = enqueue("reflection_request", held.pk)
    worker()
    # As if a second worker picked up the same row again.
    DBTaskResult.objects.filter(id=result.id).update(status=TaskResultStatus.READY)
    worker()

    assert len(outbox) == 2
    assert {m.to[0] for m in outbox} == {mentor.email, mentee.email}


def test_a_worker_that_dies_mid_task_is_replaced_and_the_cut_short_email_is_sent_again(
    clock, held, worker, outbox, settings, mentor, mentee
):
    result = enqueue("reflection_request", held.pk)
    row = DBTaskResult.objects.get(id=result.id)
    row.claim("doomed-worker")
    settings.EMAIL_BACKEND = "mentora.notifications.tests.backends.DiesAfterFirstBackend"
    with pytest.raises(WorkerKilled):
        row.task.call(*row.task_result.args, **row.task_result.kwargs)
    assert len(outbox) == 1  # the first person's email went out before the crash
    first = outbox[0].to[0]

    # The task is still RUNNING, as a killed process leaves it. After a while
    # the periodic job hands it to a live worker.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock.move_to(NOW + timedelta(minutes=5))
    run_periodic()
    assert worker() == 0
    clock.move_to(NOW + timedelta(minutes=11))
    run_periodic()
    assert worker() == 1

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.worker_ids == ["doomed-worker", "test-worker"]
    # The other person's email went out once, by the replacement worker. The
    # crashed send may or may not have reached its server, so it went out
    # again, as the same email: their mail client shows it once.
    (second,) = {mentor.email, mentee.email} - {first}
    assert len([m for m in outbox if m.to == [second]]) == 1
    [before, again] = [m for m in outbox if m.to == [first]]
    assert again.message()["Message-ID"] == before.extra_headers["Message-ID"]
    crashed = Delivery.objects.get(recipient__email=first, channel=Channel.EMAIL)
    assert crashed.status == DeliveryStatus.SENT
    assert crashed.message_id == before.extra_headers["Message-ID"]
    assert (crashed.attempts, crashed.stalled_retries) == (2, 1)


def test_a_failing_send_is_retried_and_then_sent_once(
    clock, held, worker, outbox, settings, mentor
):
    result = enqueue("reflection_request", held.pk)
    settings.EMAIL_BACKEND = "mentora.notifications.tests.backends.RefusesBackend"
    worker()
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.READY  # back in the queue, for later
    assert row.run_after > NOW
    assert "SMTPServerDisconnected" in row.traceback

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock.move_to(NOW + timedelta(minutes=2))
    worker()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert len(outbox) == 2
    assert Delivery.objects.get(recipient=mentor, channel=Channel.EMAIL).attempts == 2


def test_a_task_that_keeps_failing_is_recorded_failed_and_staff_see_it(
    clock, held, worker, settings, client
):
    settings.EMAIL_BACKEND = "mentora.notifications.tests.backends.RefusesBackend"
    settings.MENTORA_TASK_MAX_ATTEMPTS = 3
    result = enqueue("reflection_request", held.pk)
    for hour in range(1, 6):
        worker()
        clock.move_to(NOW + timedelta(hours=hour))
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 3

    staff = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist"), {"status": "FAILED"}
    )
    assert page.status_code == 200
    assert str(row.id) in page.content.decode()
