"""Delivering messages exactly once per person, event and channel.

Every channel is recorded as a `Delivery` row under a unique (recipient, key,
channel) constraint. An email is claimed (the row is committed as "sending")
before it goes to the mail server and marked "sent" after, so a task that runs
twice, or is retried after a crash, finds the row and sends nothing again. The
price is that a worker killed in the middle of the SMTP conversation leaves a
"sending" row that is not retried: we prefer a rare lost email, visible in the
admin, to a doubled one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F

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
    sent) already. Only a send that failed is tried again."""
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
            )
    except IntegrityError:
        pass
    mine = Delivery.objects.filter(
        recipient=recipient, key=key, channel=Channel.EMAIL, status=DeliveryStatus.FAILED
    )
    claimed = mine.update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    return Delivery.objects.get(recipient=recipient, key=key, channel=Channel.EMAIL)


def _send(delivery: Delivery, email: emails.EmailMultiAlternatives, now: datetime) -> int:
    try:
        email.send()
    except Exception as exc:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:500]
        )
        raise
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=now)
    return 1


def _email_once(message: Message, notification: Notification, now: datetime) -> int:
    delivery = _claim_email(message.recipient, message.key, message.kind, notification, now)
    if delivery is None:
        return 0
    return _send(delivery, emails.message_email(message), now)


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
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=now)
        return 0
    return _send(delivery, emails.digest_email(user, items), now)
