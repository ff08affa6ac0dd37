"""Writes for the personal calendar feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentora.clock import now_or_current
from mentora.scheduling.models import CalendarFeed, _feed_token

if TYPE_CHECKING:
    from datetime import datetime

    from mentora.accounts.models import User


def calendar_feed_reset(*, user: User, now: datetime | None = None) -> CalendarFeed:
    """Give a person a new secret feed address; the old one stops working."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    feed.token = _feed_token()
    feed.reset_at = now_or_current(now)
    feed.save(update_fields=["token", "reset_at"])
    return feed
