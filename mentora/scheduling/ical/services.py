"""The personal calendar feed: its secret address, and resetting it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

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


@dataclass(frozen=True)
class FeedAddress:
    url: str  # https://…/calendar/<token>.ics
    webcal_url: str  # the same as webcal://, which calendar apps offer to subscribe to


def feed_address(user: User) -> FeedAddress:
    """The person's secret feed address (made the first time it is asked for)."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    url = settings.SITE_URL + reverse("calendar_feed", kwargs={"token": feed.token})
    return FeedAddress(url=url, webcal_url="webcal://" + url.split("://", 1)[-1])
