"""What a program admin does with the program's webhook endpoints."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora import outbound
from mentora.accounts.models import User
from mentora.errors import DomainError
from mentora.programs.models import Program
from mentora.sealed import seal
from mentora.webhooks.delivery import new_secret, resend
from mentora.webhooks.models import EVENT_NAMES, WebhookDelivery, WebhookEndpoint

MAX_ENDPOINTS = 20


class WebhookCode(StrEnum):
    NO_EVENTS = "no_events"
    BAD_URL = "bad_url"
    TOO_MANY = "too_many_endpoints"


class WebhookError(DomainError):
    """A webhook endpoint was refused."""


def endpoint_create(
    program: Program, *, url: str, events: Iterable[str], by: User
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (shown once; only its sealed form is kept).
    The address is checked now (https, public) and again at every delivery."""
    chosen = sorted(set(events) & EVENT_NAMES)
    if not chosen:
        raise WebhookError(WebhookCode.NO_EVENTS, _("Choose at least one event."), field="events")
    try:
        outbound.check_destination(url)
    except outbound.OutboundError as exc:
        raise WebhookError(WebhookCode.BAD_URL, exc.message, field="url") from exc
    with transaction.atomic():
        if WebhookEndpoint.objects.filter(program=program).count() >= MAX_ENDPOINTS:
            raise WebhookError(
                WebhookCode.TOO_MANY,
                _("A program has at most %(count)s webhook endpoints.") % {"count": MAX_ENDPOINTS},
            )
        secret = new_secret()
        endpoint = WebhookEndpoint.objects.create(
            program=program,
            url=url.strip(),
            events=chosen,
            secret_sealed=seal(secret),
            created_by=by,
        )
    return endpoint, secret


def endpoint_disable(endpoint: WebhookEndpoint) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk, disabled_at__isnull=True).update(
        disabled_at=timezone.now(), disabled_reason=_("Disabled by an admin.")
    )


def endpoint_enable(endpoint: WebhookEndpoint) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        disabled_at=None, disabled_reason="", consecutive_failures=0
    )


def endpoint_act(
    program: Program, *, action: str, endpoint_id: int | None, delivery_id: int | None
) -> bool:
    """One button of the settings page on one of the program's endpoints or
    deliveries. False when it isn't the program's (or is gone)."""
    if action == "resend":
        delivery = WebhookDelivery.objects.filter(
            pk=delivery_id or 0, endpoint__program=program
        ).first()
        if delivery is None:
            return False
        resend(delivery)
        return True
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id or 0, program=program).first()
    if endpoint is None:
        return False
    if action == "disable":
        endpoint_disable(endpoint)
    elif action == "enable":
        endpoint_enable(endpoint)
    elif action == "delete":
        endpoint.delete()
    else:
        return False
    return True
