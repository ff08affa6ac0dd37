"""Writes: marking messages read, and each person's preferences."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

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


class PreferenceError(Exception):
    """A choice the rules don't allow, with a message for the person."""

    def __init__(self, code: str, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.kind = code, message, kind


def notification_mark_read(*, notification: Notification, by: User, now: datetime) -> bool:
    """Mark one of `by`'s own messages read; False if it already was."""
    updated = Notification.objects.filter(
        pk=notification.pk, recipient=by, read_at__isnull=True
    ).update(read_at=now)
    return updated == 1


def notifications_mark_all_read(*, by: User, now: datetime) -> int:
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(read_at=now)


def check_choice(kind: str, choice: str) -> None:
    if kind not in Kind.values:
        raise PreferenceError("bad_kind", "Unknown kind of message.", kind)
    if choice not in Choice.values:
        raise PreferenceError("bad_choice", "Choose one of the options.", kind)
    if kind in MUST_SEND and choice != Choice.EMAIL:
        raise PreferenceError(
            "must_send", f"“{Kind(kind).label}” always come by email and inbox.", kind
        )
    if kind in NEVER_DIGEST and choice == Choice.DIGEST:
        raise PreferenceError(
            "no_digest", f"“{Kind(kind).label}” can't wait for a daily digest.", kind
        )


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
