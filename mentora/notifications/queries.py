"""Reads for the inbox and the preferences page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from mentora.notifications.models import (
    MUST_SEND,
    STAFF_ONLY,
    Choice,
    Kind,
    Notification,
    NotificationPreference,
)
from mentora.programs.models import STAFF_ROLES, Membership

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


def notification_for(user: User, notification_id: int) -> Notification:
    """One of the person's own messages; anyone else's is a 404."""
    found = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if found is None:
        raise Http404("No such message.")
    return found


def preferences_of(user: User) -> dict[str, Choice]:
    """Every kind with the person's choice (email and inbox where they chose nothing)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "choice"))
    return {
        kind.value: Choice.EMAIL if kind in MUST_SEND else Choice(chosen.get(kind, Choice.EMAIL))
        for kind in kinds_for(user)
    }


def kinds_for(user: User) -> list[Kind]:
    """The kinds a person can receive: staff alerts only for program staff."""
    is_staff = Membership.objects.filter(user=user, role__in=STAFF_ROLES, is_active=True).exists()
    return [k for k in Kind if is_staff or k not in STAFF_ONLY]
