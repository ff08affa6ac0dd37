"""Recording and sending webhook deliveries.

- `record_and_queue`: after the change commits, one WebhookDelivery per event
  and subscribed endpoint (unique: recorded once however often it is called),
  and a task for each;
- `attempt`: one try of one delivery. It is claimed first (PENDING, or SENDING
  by a worker that died, to SENDING), so two workers running the same task send
  it once. The body is signed as Standard Webhooks says (`webhook-id`,
  `webhook-timestamp`, `webhook-signature`) and POSTed through mentora.outbound,
  which checks the resolved address now (private, loopback and link-local
  refused outside development). A failure or timeout raises WebhookFailed so
  the worker tries again with its backoff (mentora.worker.retry), until the
  task's attempts are spent; after DISABLE_AFTER failures in a row the endpoint
  is disabled and the program's admins hear of it.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from mentora import outbound
from mentora.notifications.delivery import deliver_all
from mentora.notifications.messages import Message
from mentora.notifications.models import Kind
from mentora.programs.models import Membership, Program, Role
from mentora.sealed import unseal
from mentora.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from mentora.worker.retry import max_attempts

logger = logging.getLogger(__name__)

STALL_AFTER = timedelta(minutes=10)


class WebhookFailed(Exception):
    """A delivery failed (an error status, a timeout, a refused address); the
    worker tries its task again later."""


def disable_after() -> int:
    return int(getattr(settings, "MENTORA_WEBHOOK_DISABLE_AFTER", 10))


def timeout() -> float:
    return float(getattr(settings, "MENTORA_WEBHOOK_TIMEOUT", 10.0))


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def record_and_queue(program_id: int, events: list[tuple[str, dict[str, Any]]]) -> int:
    """One delivery per event and subscribed endpoint, and its task. Returns how many."""
    endpoints = list(
        WebhookEndpoint.objects.filter(program_id=program_id, disabled_at__isnull=True)
    )
    if not endpoints:
        return 0
    slug = Program.objects.filter(pk=program_id).values_list("slug", flat=True).first()
    rows: list[WebhookDelivery] = []
    for event_id, event in events:
        payload = {**event, "data": {"program": slug, **event["data"]}}
        rows.extend(
            WebhookDelivery(
                endpoint=endpoint, event_id=event_id, event_type=event["type"], payload=payload
            )
            for endpoint in endpoints
            if endpoint.wants(event["type"])
        )
    if not rows:
        return 0
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = WebhookDelivery.objects.filter(
        endpoint__in=endpoints,
        event_id__in=[event_id for event_id, _event in events],
        status=DeliveryStatus.PENDING,
        attempts=0,
    ).values_list("pk", flat=True)
    return queue(list(ids))


def queue(delivery_ids: list[int]) -> int:
    from mentora.webhooks.tasks import deliver_webhook

    for delivery_id in delivery_ids:
        deliver_webhook.enqueue(delivery_id)
    return len(delivery_ids)


def resend(delivery: WebhookDelivery) -> None:
    """Send a delivery again (an admin asked): a fresh count of attempts."""
    WebhookDelivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING, attempts=0, claimed_at=None
    )
    transaction.on_commit(lambda: queue([delivery.pk]), robust=True)


def _claim(delivery_id: int, now: datetime) -> bool:
    claimable = Q(status=DeliveryStatus.PENDING) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - STALL_AFTER
    )
    return bool(
        WebhookDelivery.objects.filter(claimable, pk=delivery_id).update(
            status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def signed_headers(secret: str, event_id: str, moment: datetime, body: str) -> dict[str, str]:
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(event_id, moment, body),
    }


def attempt(delivery_id: int, *, now: datetime | None = None) -> str:
    """One try of one delivery: "delivered", "failed" (for good), "skipped"
    (another worker has it, or it was delivered); raises WebhookFailed when it
    should be tried again."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if endpoint.disabled_at is not None:
        _finish(delivery, DeliveryStatus.FAILED, now, error=_("The endpoint is disabled."))
        return "failed"
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True)
    headers = signed_headers(unseal(endpoint.secret_sealed), delivery.event_id, now, body)
    started = time.monotonic()
    code: int | None = None
    try:
        code = outbound.post(endpoint.url, body.encode(), headers=headers, timeout=timeout())
        error = "" if 200 <= code < 300 else _("HTTP %(status)s") % {"status": code}
    except outbound.OutboundError as exc:
        error = str(exc)
    duration = int((time.monotonic() - started) * 1000)
    if not error:
        _finish(delivery, DeliveryStatus.DELIVERED, now, code=code, duration=duration)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return "delivered"
    final = delivery.attempts >= max_attempts()
    status = DeliveryStatus.FAILED if final else DeliveryStatus.PENDING
    _finish(delivery, status, now, code=code, duration=duration, error=error)
    _failed(endpoint, now)
    if final:
        return "failed"
    raise WebhookFailed(f"{delivery.event_id} to endpoint {endpoint.pk}: {error}")


def _finish(
    delivery: WebhookDelivery,
    status: str,
    now: datetime,
    *,
    code: int | None = None,
    duration: int | None = None,
    error: str = "",
) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        response_code=code,
        duration_ms=duration,
        last_error=error[:300],
        last_attempt_at=now,
        delivered_at=now if status == DeliveryStatus.DELIVERED else None,
    )


def _failed(endpoint: WebhookEndpoint, now: datetime) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    reason = _("Disabled after %(count)s failed deliveries in a row.") % {"count": disable_after()}
    disabled = WebhookEndpoint.objects.filter(
        pk=endpoint.pk, disabled_at__isnull=True, consecutive_failures__gte=disable_after()
    ).update(disabled_at=now, disabled_reason=reason)
    if disabled:
        endpoint.refresh_from_db()
        _tell_admins(endpoint, now)


def _tell_admins(endpoint: WebhookEndpoint, now: datetime) -> None:
    admins = Membership.objects.active().filter(program_id=endpoint.program_id, role=Role.ADMIN)
    messages = [
        Message(
            recipient=membership.user,
            kind=Kind.STAFF_ALERTS,
            key=f"webhook-disabled:{endpoint.pk}:{endpoint.disabled_at:%Y%m%dT%H%M%S}",
            title=_("A webhook endpoint was disabled"),
            lines=[
                _("Mentora stopped sending events to %(url)s.") % {"url": endpoint.url},
                endpoint.disabled_reason,
                _("Enable it again on the program's webhook settings once it answers."),
            ],
            program=endpoint.program,
        )
        for membership in admins.select_related("user")
    ]
    try:
        deliver_all(messages, now=now)
    except Exception:  # the notice failing never makes the delivery fail twice
        logger.exception("Could not tell the admins endpoint %s was disabled", endpoint.pk)
