"""Delivering messages once per person, event and channel, and never losing one.

Every channel is recorded as a `Delivery` row under a unique (recipient, key,
channel) constraint. An email is claimed before it goes to the mail server: the
row is committed as "sending" with its claim time, a Message-ID of its own and
the composed email, all in one transaction; it is marked "sent" after. A task
that runs twice, or is retried after a crash, finds the row and sends nothing.

A worker killed in the middle of the SMTP conversation leaves the row
"sending". We cannot know whether the server took the message, so after
MENTORA_MAIL_SENDING_TIMEOUT (far longer than any SMTP conversation) the
`stalled_emails` job sends the kept email again, byte for byte and with the same
Message-ID: delivery is at least once, and the rare duplicate is collapsed by
the receiving mail client. Each retry is claimed with a conditional UPDATE on
the status and the claim time, so two workers never both send it; after
MENTORA_TASK_MAX_ATTEMPTS attempts the row is marked "failed" with the reason,
logged as an error and listed in the admin (filter "retried after a stalled
send"). Digests go through the same claim and send.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.notifications import emails
from mentora.notifications.messages import Message
from mentora.notifications.models import (
    MUST_SEND,
    NEVER_DIGEST,
    Channel,
    Choice,
    Delivery,
    DeliveryStatus,
    Kind,
    Notification,
    NotificationPreference,
)
from mentora.worker.retry import max_attempts

if TYPE_CHECKING:
    from mentora.accounts.models import User

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """At least one email of a task could not be sent; the task is retried."""


def choice_for(user: User, kind: Kind | str) -> Choice:
    """How `user` gets messages of `kind`: their preference, within the rules."""
    if kind in MUST_SEND:
        return Choice.EMAIL
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    choice = Choice(pref.choice) if pref else Choice.EMAIL
    if choice == Choice.DIGEST and kind in NEVER_DIGEST:
        return Choice.EMAIL
    return choice


def deliver_all(messages: Iterable[Message], *, now: datetime) -> int:
    """Deliver each message; an email that fails doesn't stop the others, but
    the caller hears of it (DeliveryFailed) so that its task is retried."""
    sent = 0
    errors: list[str] = []
    for message in messages:
        if not message.recipient.is_active:
            continue
        try:
            sent += deliver(message, now=now)
        except Exception as exc:
            logger.exception("Could not deliver %s to %s", message.key, message.recipient.pk)
            errors.append(f"{message.key} → {message.recipient.pk}: {type(exc).__name__}: {exc}")
    if errors:
        raise DeliveryFailed("; ".join(errors))
    return sent


def deliver(message: Message, *, now: datetime) -> int:
    """Put the message in the inbox and, as the person chose, email it now or
    hold it for their digest. Returns the number of emails sent."""
    choice = choice_for(message.recipient, message.kind)
    if choice == Choice.OFF:
        return 0
    notification = _inbox(message, now)
    if choice == Choice.INBOX:
        return 0
    if choice == Choice.DIGEST:
        _hold_for_digest(message, notification, now)
        return 0
    return _email_once(message, notification, now)


def _inbox(message: Message, now: datetime) -> Notification:
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=message.recipient,
                program=message.program,
                kind=message.kind,
                key=message.key,
                title=message.title[:200],
                body=message.body[:4000],
                url=message.url[:500],
                created_at=now,
            )
            Delivery.objects.create(
                recipient=message.recipient,
                key=message.key,
                channel=Channel.INBOX,
                kind=message.kind,
                status=DeliveryStatus.SENT,
                notification=notification,
                created_at=now,
                sent_at=now,
            )
            return notification
    except IntegrityError:
        return Notification.objects.get(recipient=message.recipient, key=message.key)


def _hold_for_digest(message: Message, notification: Notification, now: datetime) -> None:
    try:
        with transaction.atomic():
            Delivery.objects.create(
                recipient=message.recipient,
                key=message.key,
                channel=Channel.EMAIL,
                kind=message.kind,
                status=DeliveryStatus.QUEUED,
                notification=notification,
                created_at=now,
            )
    except IntegrityError:
        pass  # already held (or sent): nothing to do


def _claim_email(
    recipient: User, key: str, kind: str, notification: Notification | None, now: datetime
) -> Delivery | None:
    """The delivery row this run may send, or None when it was sent (or is being
    sent) already. Only a send that failed is tried again, with its Message-ID.
    Call it inside the transaction that also keeps the composed email."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                recipient=recipient,
                key=key,
                channel=Channel.EMAIL,
                kind=kind,
                status=DeliveryStatus.SENDING,
                notification=notification,
                created_at=now,
                # The clock, not the task's start: a long task claims its
                # last emails late, and they must not look stalled already.
                claimed_at=timezone.now(),
                message_id=emails.new_message_id(),
            )
    except IntegrityError:
        pass
    mine = Delivery.objects.filter(
        recipient=recipient, key=key, channel=Channel.EMAIL, status=DeliveryStatus.FAILED
    )
    claimed = mine.update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if claimed != 1:
        return None
    delivery = Delivery.objects.get(recipient=recipient, key=key, channel=Channel.EMAIL)
    if not delivery.message_id:  # a row from before deliveries kept their Message-ID
        delivery.message_id = emails.new_message_id()
        delivery.save(update_fields=["message_id"])
    return delivery


def _keep(delivery: Delivery, email: emails.EmailMessage) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(composed=emails.composed(email))


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _sent(delivery_pk: int, now: datetime) -> None:
    # The kept email is only needed while a send may have to be repeated.
    Delivery.objects.filter(pk=delivery_pk).update(
        status=DeliveryStatus.SENT, sent_at=now, composed=b""
    )


def _send(delivery: Delivery, email: emails.EmailMessage, now: datetime) -> int:
    try:
        email.send()
    except Exception as exc:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, error=_error(exc)
        )
        raise
    _sent(delivery.pk, now)
    return 1


def _email_once(message: Message, notification: Notification, now: datetime) -> int:
    # The claim, its Message-ID and the composed email commit together: a
    # "sending" row always holds the email to send again.
    with transaction.atomic():
        delivery = _claim_email(message.recipient, message.key, message.kind, notification, now)
        if delivery is None:
            return 0
        email = emails.message_email(message, message_id=delivery.message_id)
        _keep(delivery, email)
    return _send(delivery, email, now)


def digest_send(user: User, *, day: str, now: datetime) -> int:
    """One email with everything held for `user`'s digest; exactly once per day."""
    key = f"digest:{day}"
    with transaction.atomic():
        held = Delivery.objects.filter(
            recipient=user, channel=Channel.EMAIL, status=DeliveryStatus.QUEUED
        )
        if not held.exists() and not Delivery.objects.filter(recipient=user, key=key).exists():
            return 0
        delivery = _claim_email(user, key, "", None, now)
        if delivery is None:
            return 0
        # The held messages join this digest in the same transaction as its
        # claim: a retry finds them through it, tomorrow's digest never does.
        held.update(status=DeliveryStatus.SENT, sent_at=now, digest=delivery)
        items = list(
            Notification.objects.filter(deliveries__digest=delivery).order_by("created_at", "pk")
        )
        if not items:
            _sent(delivery.pk, now)
            return 0
        email = emails.digest_email(user, items, message_id=delivery.message_id)
        _keep(delivery, email)
    return _send(delivery, email, now)


# --- Sends cut short by a dead worker -----------------------------------------


def sending_timeout() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "MENTORA_MAIL_SENDING_TIMEOUT", 600)))


def resend_stalled(*, now: datetime) -> int:
    """Send again every email left "sending" for longer than the timeout.
    Returns the number sent."""
    stalled = Delivery.objects.filter(
        channel=Channel.EMAIL,
        status=DeliveryStatus.SENDING,
        claimed_at__lt=now - sending_timeout(),
    ).values_list("pk", "claimed_at")
    sent = 0
    for pk, claimed_at in list(stalled):
        try:
            sent += _resend(pk, claimed_at, now)
        except Exception:  # one bad row must not keep the others stuck
            logger.exception("Could not resend stalled delivery %s", pk)
    return sent


def _resend(pk: int, claimed_at: datetime | None, now: datetime) -> int:
    # Still stalled exactly as we saw it: another worker's claim moves claimed_at.
    stalled = Delivery.objects.filter(pk=pk, status=DeliveryStatus.SENDING, claimed_at=claimed_at)
    limit = max_attempts()
    won = stalled.filter(attempts__lt=limit).update(
        # Never earlier than the `now` this sweep judged staleness by: a claim
        # that looks stale to another sweep of the same `now` would be sent twice.
        claimed_at=max(now, timezone.now()),
        attempts=F("attempts") + 1,
        stalled_retries=F("stalled_retries") + 1,
    )
    if not won:
        reason = _("Not sent: the send stalled or failed in each of %(limit)d attempts.") % {
            "limit": limit
        }
        if stalled.update(status=DeliveryStatus.FAILED, error=reason):
            logger.error("Delivery %s: %s", pk, reason)
        return 0
    delivery = Delivery.objects.get(pk=pk)
    if not delivery.composed:  # claimed before deliveries kept their email
        reason = _("Not sent: the worker stopped mid-send and the email was not kept.")
        Delivery.objects.filter(pk=pk).update(status=DeliveryStatus.FAILED, error=reason)
        logger.error("Delivery %s: %s", pk, reason)
        return 0
    try:
        emails.StoredEmail(bytes(delivery.composed)).send()
    except Exception as exc:
        # Left "sending" with the new claim time: tried again after the timeout.
        Delivery.objects.filter(pk=pk).update(error=_error(exc))
        logger.warning("Resending delivery %s failed: %s", pk, exc)
        return 0
    _sent(pk, now)
    logger.warning("Delivery %s sent again after a stalled send (try %d)", pk, delivery.attempts)
    return 1
