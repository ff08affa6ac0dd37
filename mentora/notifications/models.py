"""Notifications: inbox items, deliveries (exactly once per person, event and
channel), each person's preferences, scheduled reminders and periodic-job runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentora.programs.models import Program
from mentora.scheduling.models import Session

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    """What a message is about; each person chooses per kind how it reaches them."""

    SESSION_CHANGES = "session_changes", _("Sessions booked or moved")
    SESSION_CANCELLED = "session_cancelled", _("Cancellations of my sessions")
    REMINDERS = "reminders", _("Reminders before a session")
    AFTER_SESSION = "after_session", _("Reflection and feedback requests")
    ATTENDANCE = "attendance", _("Attendance not yet recorded")
    ACTION_ITEMS = "action_items", _("Action items due or overdue")
    MENTOR_REQUESTS = "mentor_requests", _("Mentor requests")
    MENTORSHIPS = "mentorships", _("Mentorships started or ended")
    PULSES = "pulses", _("“How is it going?” check-ins")
    CONCERNS = "concerns", _("Concerns")
    STAFF_ALERTS = (
        "staff_alerts",
        _("Alerts about my caseload (late cancellations, missed sessions)"),
    )


# Kinds nobody can turn off: a cancellation of one's own session, and concerns.
MUST_SEND = frozenset({Kind.SESSION_CANCELLED, Kind.CONCERNS})
# Kinds only program staff (success managers, admins) receive.
STAFF_ONLY = frozenset({Kind.STAFF_ALERTS})
# Kinds that are useless a day late, so they are never held for the digest.
NEVER_DIGEST = frozenset({Kind.REMINDERS, Kind.SESSION_CHANGES, *MUST_SEND})


class Choice(models.TextChoices):
    EMAIL = "email", _("Email and inbox")
    DIGEST = "digest", _("Inbox, and one email a day (digest)")
    INBOX = "inbox", _("Inbox only")
    OFF = "off", _("Off")


class Notification(models.Model):
    """One message in a person's in-app inbox."""

    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind)
    key = models.CharField(max_length=200, help_text=_("The event this message is about."))
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=4000, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Channel(models.TextChoices):
    INBOX = "inbox", _("Inbox")
    EMAIL = "email", _("Email")


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", _("Sending (sent again if it stays here past the timeout)")
    SENT = "sent", _("Sent")
    QUEUED = "queued", _("Waiting for the daily digest")
    FAILED = "failed", _("Failed (see the error)")


class Delivery(models.Model):
    """One message to one person over one channel. The unique key is what makes
    a task that runs twice find the row and send nothing. An email's row keeps
    its Message-ID and, until sent, the composed email, so a send cut short by a
    dead worker is repeated as the same email (see delivery.py)."""

    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="deliveries")
    key = models.CharField(max_length=200)
    channel = models.CharField(max_length=8, choices=Channel)
    kind = models.CharField(max_length=24, choices=Kind, blank=True)
    status = models.CharField(max_length=8, choices=DeliveryStatus)
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    # A message held for the digest points at the digest's own delivery once sent in it.
    digest = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    attempts = models.PositiveSmallIntegerField(default=1)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # Email only. Fixed when the row is first claimed; every attempt sends it.
    message_id = models.CharField(max_length=255, blank=True)
    # When the current attempt began: a "sending" row older than the timeout
    # belongs to a worker that died mid-send.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Attempts started because an earlier one stalled (the admin's filter).
    stalled_retries = models.PositiveSmallIntegerField(default=0)
    # The email as first sent, kept until it is sent (so a retry is identical).
    composed = models.BinaryField(blank=True, default=b"")

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "recipient"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key", "channel"],
                name="delivery_once_per_person_event_channel",
            ),
            # Two different emails with one Message-ID would be collapsed into one.
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~Q(message_id=""),
                name="delivery_message_id_unique",
            ),
            # The stalled-send job finds a "sending" row by its claim time.
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SENDING) | Q(claimed_at__isnull=False),
                name="delivery_sending_has_claim_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient_id} ({self.channel}, {self.status})"


class NotificationPreference(models.Model):
    """How one person wants one kind of message; no row means email and inbox."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notification_prefs")
    kind = models.CharField(max_length=24, choices=Kind)
    choice = models.CharField(max_length=8, choices=Choice, default=Choice.EMAIL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind"),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(k.value for k in MUST_SEND)) | Q(choice=Choice.EMAIL),
                name="preference_must_send_stays_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} = {self.choice}"


class Which(models.TextChoices):
    FIRST = "first", _("First reminder")
    SECOND = "second", _("Second reminder")


class ScheduledReminder(models.Model):
    """A reminder enqueued for a session at one start time; a moved session gets
    new rows (and new tasks) for its new time, the old tasks find it moved."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    which = models.CharField(max_length=8, choices=Which)
    starts_at = models.DateTimeField()
    run_after = models.DateTimeField()
    task_id = models.CharField(
        max_length=64, blank=True, help_text=_("Empty: its moment had passed.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "which", "starts_at"], name="reminder_once_per_session_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.which} reminder for session {self.session_id} at {self.starts_at}"
