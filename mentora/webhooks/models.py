"""A program's webhook endpoints and each event's delivery to each of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mentora.programs.models import Program

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev dependency: for mypy only

# Every event a program's endpoint can choose: issue 15's list and
# request.withdrawn, each announced by a lower app's hook (events.py).
EVENT_TYPES: tuple[tuple[str, StrOrPromise], ...] = (
    ("person.invited", _("A person was invited")),
    ("person.joined", _("A person joined")),
    ("session.booked", _("A session was booked")),
    ("session.moved", _("A session was moved")),
    ("session.cancelled", _("A session was cancelled")),
    ("session.attendance_recorded", _("Attendance was recorded")),
    ("reflection.submitted", _("A reflection or session report was submitted")),
    ("feedback.submitted", _("A mentee gave feedback on a session")),
    ("mentorship.started", _("A mentorship started")),
    ("mentorship.ended", _("A mentorship ended")),
    ("request.created", _("A mentee asked a mentor")),
    ("request.accepted", _("A mentor accepted a request")),
    ("request.declined", _("A mentor declined a request")),
    ("request.withdrawn", _("A request was withdrawn")),
    ("request.expired", _("A request expired unanswered")),
    ("concern.raised", _("A concern was raised")),
    ("concern.resolved", _("A concern was resolved")),
    ("application.submitted", _("An application was submitted (its email confirmed)")),
    ("application.status_changed", _("An application moved (review, decision, withdrawal)")),
)
EVENT_NAMES = frozenset(name for name, _label in EVENT_TYPES)


class WebhookEndpoint(models.Model):
    """Where a program's events go. The secret is sealed (mentora.sealed) and
    shown to the admin once, when the endpoint is registered."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    secret_sealed = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["program", "disabled_at"])]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return self.disabled_at is None and event_type in self.events


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event to one endpoint: recorded once (unique endpoint and event id),
    however many workers or retries try to send it."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=64)
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_once_per_endpoint"
            )
        ]
        indexes = [models.Index(fields=["endpoint", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
