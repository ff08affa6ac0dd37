"""/p/<slug>/settings/webhooks/: only the program's admins; register (the
secret shown once), list with recent deliveries, resend, disable, enable,
delete; junk refused without a 500."""

from __future__ import annotations

import socket

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from mentora.sealed import seal, unseal
from mentora.tests import factories as f
from mentora.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint


def page(program):
    return reverse("webhook_settings", kwargs={"slug": program.slug})


@pytest.fixture
def public_dns(monkeypatch):
    """hooks.example.com resolves to a public address (no network in the tests)."""
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "hooks.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def _endpoint(program, **extra):
    return WebhookEndpoint.objects.create(
        program=program,
        url="https://hooks.example.com/in",
        events=["session.booked"],
        secret_sealed=seal("whsec_c2VjcmV0"),
        **extra,
    )


@pytest.mark.parametrize("person", ["outsider", "mentee", "mentor", "success_manager"])
def test_only_the_programs_admins_reach_the_page(client, request, program, mentee, person):
    endpoint = _endpoint(program)
    client.force_login(request.getfixturevalue(person))

    assert client.get(page(program)).status_code == 404
    data = {"url": "https://hooks.example.com/x", "events": ["session.booked"]}
    assert client.post(page(program), data).status_code == 404
    assert (
        client.post(page(program), {"action": "delete", "endpoint": endpoint.pk}).status_code == 404
    )
    assert WebhookEndpoint.objects.count() == 1


def test_an_admin_of_another_program_cant_touch_this_programs_endpoints(client, program):
    endpoint = _endpoint(program)
    other = f.ProgramFactory()
    other_admin = f.UserFactory()
    f.MembershipFactory(user=other_admin, program=other, role="admin")
    client.force_login(other_admin)

    response = client.post(page(other), {"action": "delete", "endpoint": endpoint.pk})

    assert response.status_code == 302
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_an_admin_registers_an_endpoint_and_sees_the_secret_once(
    client, program, admin_user, public_dns
):
    client.force_login(admin_user)

    response = client.post(
        page(program),
        {"url": "https://hooks.example.com/in", "events": ["session.booked", "concern.raised"]},
    )

    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get(program=program)
    secret = unseal(endpoint.secret_sealed)
    assert secret.startswith("whsec_")
    assert secret in response.content.decode()
    assert endpoint.events == ["concern.raised", "session.booked"]
    assert endpoint.created_by == admin_user
    again = client.get(page(program)).content.decode()
    assert "https://hooks.example.com/in" in again
    assert secret not in again


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/in",  # not https
        "https://10.0.0.1/in",  # private
        "https://169.254.169.254/latest/meta-data",  # link-local
        "ftp://hooks.example.com/",
        "not an address",
        "https://user:pw@hooks.example.com/",
    ],
)
def test_an_unsafe_address_is_refused(client, program, admin_user, settings, public_dns, url):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = False
    client.force_login(admin_user)

    response = client.post(page(program), {"url": url, "events": ["session.booked"]})

    assert response.status_code == 400
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"url": "https://hooks.example.com/in"},  # no events
        {"url": "https://hooks.example.com/in", "events": ["nope"]},
        {"url": "x" * 5000, "events": ["session.booked"]},
        {"url": "https://hooks.example.com/\x00", "events": ["session.booked"]},
        {"action": "explode", "endpoint": "1"},
        {"action": "delete", "endpoint": "99999999999999999999"},
        {"action": "resend", "delivery": "-1"},
        {"action": "resend"},
    ],
)
def test_junk_is_refused_without_a_500(client, program, admin_user, public_dns, data):
    client.force_login(admin_user)

    assert client.post(page(program), data).status_code in (302, 400)
    assert not WebhookEndpoint.objects.exists()


def test_the_list_shows_recent_deliveries_and_an_admin_resends_one(
    client, program, admin_user, django_capture_on_commit_callbacks
):
    endpoint = _endpoint(program)
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id="msg_1",
        event_type="session.booked",
        payload={"data": {}},
        status=DeliveryStatus.FAILED,
        attempts=5,
        response_code=503,
    )
    client.force_login(admin_user)

    listing = client.get(page(program)).content.decode()
    assert "session.booked" in listing and "503" in listing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page(program), {"action": "resend", "delivery": delivery.pk})

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert DBTaskResult.objects.filter(task_path__startswith="mentora.webhooks.").count() == 1


def test_an_admin_disables_enables_and_deletes_an_endpoint(client, program, admin_user):
    endpoint = _endpoint(program, consecutive_failures=3)
    client.force_login(admin_user)

    client.post(page(program), {"action": "disable", "endpoint": endpoint.pk})
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is not None

    client.post(page(program), {"action": "enable", "endpoint": endpoint.pk})
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is None
    assert endpoint.consecutive_failures == 0

    client.post(page(program), {"action": "delete", "endpoint": endpoint.pk})
    assert not WebhookEndpoint.objects.exists()
