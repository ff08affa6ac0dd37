"""Webhook deliveries against a real HTTP receiver (pytest-httpserver): signed
as Standard Webhooks says, retried after a 500 and after a timeout, recorded
once per event and endpoint, never sent to a private address."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook
from werkzeug.wrappers import Request, Response

from mentora.notifications.models import Delivery
from mentora.scheduling import hooks as scheduling_hooks
from mentora.sealed import seal
from mentora.tests import factories as f
from mentora.webhooks.delivery import WebhookFailed, attempt, new_secret, record_and_queue
from mentora.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from mentora.worker import registry


@pytest.fixture(autouse=True)
def _local_receiver(settings):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = True
    settings.MENTORA_WEBHOOK_TIMEOUT = 2.0


def _endpoint(program, url, events=("session.booked",)):
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        program=program, url=url, events=list(events), secret_sealed=seal(secret)
    )
    return endpoint, secret


def _event(event_id="msg_1", event_type="session.booked"):
    return (event_id, {"type": event_type, "timestamp": "2027-01-05T15:00:00Z", "data": {"id": 1}})


def test_a_booked_session_reaches_the_endpoint_signed(
    program, mentorship, httpserver, django_capture_on_commit_callbacks
):
    endpoint, secret = _endpoint(program, httpserver.url_for("/hook"))
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_data("ok")
    session = f.SessionFactory(mentorship=mentorship)

    with django_capture_on_commit_callbacks(execute=True):
        scheduling_hooks.session_booked(session, by=None)

    row = WebhookDelivery.objects.get(endpoint=endpoint)
    assert DBTaskResult.objects.filter(task_path__startswith="mentora.webhooks.").count() == 1
    assert attempt(row.pk) == "delivered"

    ((request, _response),) = httpserver.log
    body = request.get_data(as_text=True)
    verified = Webhook(secret).verify(body, dict(request.headers))
    assert verified["type"] == "session.booked"
    assert verified["data"]["id"] == session.pk
    assert verified["data"]["program"] == program.slug
    assert verified["data"]["starts_at"].endswith("Z")
    assert request.headers["webhook-id"] == row.event_id
    with pytest.raises(Exception, match="signature"):
        Webhook(new_secret()).verify(body, dict(request.headers))
    row.refresh_from_db()
    assert (row.status, row.response_code, row.attempts) == (DeliveryStatus.DELIVERED, 200, 1)
    assert row.delivered_at is not None
    # Delivered is delivered: running the task again sends nothing.
    assert attempt(row.pk) == "skipped"
    assert len(httpserver.log) == 1


def test_an_event_the_endpoint_did_not_choose_is_not_recorded(program, httpserver):
    endpoint, _secret = _endpoint(program, httpserver.url_for("/hook"), events=["concern.raised"])
    assert record_and_queue(program.pk, [_event()]) == 0
    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


def test_an_event_is_recorded_once_per_endpoint(program, httpserver):
    endpoint, _secret = _endpoint(program, httpserver.url_for("/hook"))
    record_and_queue(program.pk, [_event()])
    record_and_queue(program.pk, [_event()])
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1


def test_a_500_is_retried_and_then_delivered(program, httpserver):
    endpoint, _secret = _endpoint(program, httpserver.url_for("/hook"))
    httpserver.expect_ordered_request("/hook").respond_with_data("no", status=500)
    httpserver.expect_ordered_request("/hook").respond_with_data("ok", status=204)
    record_and_queue(program.pk, [_event()])
    row = WebhookDelivery.objects.get(endpoint=endpoint)

    with pytest.raises(WebhookFailed):
        attempt(row.pk)
    row.refresh_from_db()
    assert (row.status, row.response_code, row.attempts) == (DeliveryStatus.PENDING, 500, 1)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1

    assert attempt(row.pk) == "delivered"
    row.refresh_from_db()
    assert (row.status, row.response_code, row.attempts) == (DeliveryStatus.DELIVERED, 204, 2)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0
    httpserver.check_assertions()


def test_a_timeout_is_retried_and_then_delivered(program, httpserver, settings):
    settings.MENTORA_WEBHOOK_TIMEOUT = 0.3
    endpoint, _secret = _endpoint(program, httpserver.url_for("/hook"))

    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    httpserver.expect_ordered_request("/hook").respond_with_handler(slow)
    httpserver.expect_ordered_request("/hook").respond_with_data("ok")
    record_and_queue(program.pk, [_event()])
    row = WebhookDelivery.objects.get(endpoint=endpoint)

    with pytest.raises(WebhookFailed):
        attempt(row.pk)
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING
    assert row.response_code is None
    assert "in time" in row.last_error

    time.sleep(0.8)  # the receiver finishes with the slow request
    assert attempt(row.pk) == "delivered"


def test_the_last_attempt_fails_for_good_without_raising(program, httpserver, settings):
    settings.MENTORA_TASK_MAX_ATTEMPTS = 1
    endpoint, _secret = _endpoint(program, httpserver.url_for("/hook"))
    httpserver.expect_request("/hook").respond_with_data("no", status=503)
    record_and_queue(program.pk, [_event()])
    row = WebhookDelivery.objects.get(endpoint=endpoint)

    assert attempt(row.pk) == "failed"
    row.refresh_from_db()
    assert (row.status, row.response_code) == (DeliveryStatus.FAILED, 503)


def test_a_private_address_is_refused_at_delivery(program, monkeypatch, settings):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = False
    endpoint, _secret = _endpoint(program, "https://hooks.example.com/in")
    record_and_queue(program.pk, [_event()])
    row = WebhookDelivery.objects.get(endpoint=endpoint)
    connects: list[object] = []
    # The name resolved to a public address when it was saved; now it points inside.
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 443))],
    )
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connects.append(a))

    with pytest.raises(WebhookFailed):
        attempt(row.pk)
    row.refresh_from_db()
    assert "private or local" in row.last_error
    assert connects == []


@pytest.mark.parametrize("url", ["https://127.0.0.1/in", "https://169.254.169.254/latest"])
def test_loopback_and_link_local_are_refused_outside_development(program, settings, url):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = False
    endpoint, _secret = _endpoint(program, url)
    record_and_queue(program.pk, [_event()])
    row = WebhookDelivery.objects.get(endpoint=endpoint)
    with pytest.raises(WebhookFailed):
        attempt(row.pk)
    row.refresh_from_db()
    assert "private or local" in row.last_error


def test_repeated_failures_disable_the_endpoint_and_tell_the_admins(
    program, admin_user, httpserver, settings, django_capture_on_commit_callbacks
):
    settings.MENTORA_WEBHOOK_DISABLE_AFTER = 2
    endpoint, _secret = _endpoint(program, httpserver.url_for("/hook"))
    httpserver.expect_request("/hook").respond_with_data("no", status=500)
    record_and_queue(program.pk, [_event("msg_1"), _event("msg_2")])
    first, second = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("event_id")

    with pytest.raises(WebhookFailed):
        attempt(first.pk)
    with pytest.raises(WebhookFailed):
        attempt(second.pk)

    endpoint.refresh_from_db()
    assert endpoint.disabled_at is not None
    notices = Delivery.objects.filter(recipient=admin_user, key__startswith="webhook-disabled:")
    assert notices.filter(channel="email").count() == 1
    # Nothing more goes to a disabled endpoint, and no new event is recorded for it.
    assert attempt(first.pk) == "failed"
    assert record_and_queue(program.pk, [_event("msg_3")]) == 0


def test_the_webhook_task_is_retried_by_the_worker():
    assert "mentora.webhooks." in registry.retry_safe_prefixes()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_send_one_delivery_once(httpserver):
    program = f.ProgramFactory()
    endpoint, _secret = _endpoint(program, httpserver.url_for("/hook"))

    def slowish(request: Request) -> Response:
        time.sleep(0.2)
        return Response("ok")

    httpserver.expect_request("/hook").respond_with_handler(slowish)
    record_and_queue(program.pk, [_event()])
    row = WebhookDelivery.objects.get(endpoint=endpoint)
    start = threading.Barrier(2)
    results: list[str] = []

    def worker() -> None:
        from django.db import connection

        try:
            start.wait(timeout=10)
            results.append(attempt(row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(results) == ["delivered", "skipped"]
    assert len(httpserver.log) == 1
    assert WebhookDelivery.objects.filter(endpoint=endpoint, status="delivered").count() == 1


def test_a_payload_never_carries_notes_or_text(mentorship):
    mentorship.end_note = "private words"
    from mentora.webhooks import events

    data = events._mentorship(mentorship)
    assert "private words" not in json.dumps(data)
    assert set(data) == {
        "id",
        "mentor_id",
        "mentee_id",
        "status",
        "started_at",
        "ended_at",
        "end_reason",
    }
