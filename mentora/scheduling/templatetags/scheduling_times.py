"""Template filters that print a time with its zone, through timelabels.py.

`{{ s.starts_at|clock }}` → '18:00 CET' in the reader's zone;
`{{ s.starts_at|clock:s.mentor.time_zone }}` in another person's zone;
`{{ s.starts_at|moment }}` → 'Tuesday 3 March at 18:00 CET';
`{{ s.starts_at|stamp:"D j M" }}` → 'Tue 3 Mar, 18:00 CET' (any date format, then the clock);
`{{ s.starts_at|span:s.ends_at }}` → '18:00–18:45 CET';
`{{ m.cadence|regular_time }}` → the regular time in the reader's zone;
`{{ item.created_at|datetime_attr }}` → a `<time datetime>` value without microseconds.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from mentora.scheduling import timelabels
from mentora.scheduling.cadence.services import cadence_occurrences
from mentora.scheduling.models import Cadence

register = template.Library()


@register.filter
def clock(moment: datetime | None, zone: str = "") -> str:
    return timelabels.clock(moment, zone or None) if moment else ""


@register.filter
def moment(value: datetime | None, zone: str = "") -> str:
    return timelabels.format_moment(value, zone or None) if value else ""


@register.filter
def stamp(value: datetime | None, date_format: str = "D j M") -> str:
    """The local date in Django's `date` format, then the labelled clock
    ('Tue 3 Mar, 18:00 CET'; a bare weekday reads 'Tue 18:00 CET')."""
    if not value:
        return ""
    joint = " " if date_format in ("D", "l") else ", "
    return f"{date_filter(value, date_format)}{joint}{timelabels.clock(value)}"


@register.filter
def span(start: datetime | None, end: datetime | None) -> str:
    if not start or not end:
        return ""
    return timelabels.clock_span(start, end)


@register.filter
def datetime_attr(value: datetime | None) -> str:
    """ISO 8601 in UTC to the second: what `<time datetime>` accepts."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


@register.filter
def regular_time(cadence: Cadence | None) -> str:
    """The cadence's next start, worded in the reader's zone."""
    if cadence is None:
        return ""
    now = timezone.now()
    after = max(now, datetime.combine(cadence.starts_on, datetime.min.time(), tzinfo=UTC))
    upcoming = cadence_occurrences(
        cadence, now=after, until=after + timedelta(days=cadence.step_days + 1)
    )
    if not upcoming:
        return str(cadence)
    return timelabels.regular_time_label(
        next_start=upcoming[0],
        length_minutes=cadence.length_minutes,
        frequency=str(cadence.get_frequency_display()),
        cadence_zone=cadence.time_zone,
    )
