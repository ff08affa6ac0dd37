"""The one clock services read. Services take an explicit `now` (tests pass a
fixed moment); `now_or_current` fills it in for callers that leave it out."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now_or_current(now: datetime | None) -> datetime:
    return now or timezone.now()
