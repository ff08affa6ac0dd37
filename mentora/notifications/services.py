"""Writes: marking messages read, and each person's preferences (a choice the
rules refuse raises PreferenceError, from errors.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from mentora.notifications.errors import NotificationCode, PreferenceError
from mentora.notifications.models import (
    MUST_SEND,
    NEVER_DIGEST,
    Choice,
    Kind,
    Notification,
    NotificationPreference,
)

if TYPE_CHECKING:
    from mentora.accounts.models import User


def notification_mark_read(*, notification: Notification, by: User, now: datetime) -> bool:
    """Mark one of `by`'s own messages read; False if it already was."""
    updated = Notification.objects.filter(
        pk=notification.pk, recipient=by, read_at__isnull=True
    ).update(read_at=now)
    return updated == 1


def notifications_mark_all_read(*, by: User, now: datetime) -> int:
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(read_at=now)


def check_choice(kind: str, choice: str) -> None:
    """Raise PreferenceError unless the rules allow `choice` for `kind`."""
    if kind not in Kind.values:
        raise PreferenceError(NotificationCode.BAD_KIND, _("Unknown kind of message."), field=kind)
    if choice not in Choice.values:
        raise PreferenceError(
            NotificationCode.BAD_CHOICE, _("Choose one of the options."), field=kind
        )
    label = {"kind": Kind(kind).label}
    if kind in MUST_SEND and choice != Choice.EMAIL:
        message = _("“%(kind)s” always come by email and inbox.") % label
        raise PreferenceError(NotificationCode.MUST_SEND, message, field=kind)
    if kind in NEVER_DIGEST and choice == Choice.DIGEST:
        message = _("“%(kind)s” can't wait for a daily digest.") % label
        raise PreferenceError(NotificationCode.NO_DIGEST, message, field=kind)


def preferences_set(*, user: User, choices: Mapping[str, str]) -> None:
    """Save the person's choice per kind; all or nothing."""
    for kind, choice in choices.items():
        check_choice(kind, choice)
    with transaction.atomic():
        for kind, choice in choices.items():
            if kind in MUST_SEND:
                continue
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"choice": choice}
            )
