"""What the webhook settings page shows."""

from __future__ import annotations

from dataclasses import dataclass

from mentora.programs.models import Program
from mentora.webhooks.models import WebhookDelivery, WebhookEndpoint

RECENT_DELIVERIES = 10


@dataclass
class EndpointRow:
    endpoint: WebhookEndpoint
    deliveries: list[WebhookDelivery]


def endpoint_rows(program: Program) -> list[EndpointRow]:
    """The program's endpoints, each with its most recent deliveries."""
    endpoints = list(WebhookEndpoint.objects.filter(program=program))
    return [
        EndpointRow(
            endpoint,
            list(
                WebhookDelivery.objects.filter(endpoint=endpoint).only(
                    "pk",
                    "event_type",
                    "event_id",
                    "status",
                    "response_code",
                    "created_at",
                    "last_attempt_at",
                    "attempts",
                    "endpoint_id",
                )[:RECENT_DELIVERIES]
            ),
        )
        for endpoint in endpoints
    ]
