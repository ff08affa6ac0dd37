"""Reads for the inbox and the preferences page. Which message is whose, and
which kinds a person may set, is decided in access.py."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from mentora.notifications.models import (
    MUST_SEND,
    Choice,
    Kind,
    Notification,
    NotificationPreference,
)

if TYPE_CHECKING:
    from mentora.accounts.models import User

INBOX_PAGE = 50


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's latest messages, newest first (one query, any number of programs)."""
    items = Notification.objects.filter(recipient=user).select_related("program")
    if unread_only:
        items = items.filter(read_at__isnull=True)
    return items[:INBOX_PAGE]


def preferences_of(user: User, kinds: Iterable[Kind]) -> dict[str, Choice]:
    """Each of `kinds` (access.kinds_for decides them) with the person's choice:
    email and inbox where they chose nothing, and always for the must-send kinds."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "choice"))
    return {
        kind.value: Choice.EMAIL if kind in MUST_SEND else Choice(chosen.get(kind, Choice.EMAIL))
        for kind in kinds
    }
