"""From an iCalendar text to busy intervals (pure: no database, no clock).

`busy_intervals` expands recurring events with their exceptions (EXDATE,
RECURRENCE-ID overrides) and time zones (`recurring-ical-events`), and keeps
only what blocks the owner's time: start and end in UTC, merged and sorted.
Never a title, a place or who attends.

The rules of what blocks:
- an event with a zone (TZID, or UTC) keeps its own zone: a weekly 17:00
  America/New_York meeting stays 17:00 there across the clock change;
- a floating time (no zone) and an all-day event are in `default_zone`, the
  owner's zone; an all-day event blocks the whole local day(s);
- TRANSP:TRANSPARENT ("show me as free") and STATUS:CANCELLED don't block;
- nor does an invitation the owner declined (an ATTENDEE whose address is one
  of `owner_emails` with PARTSTAT=DECLINED);
- an event without a length (DTSTART only, not all-day) doesn't block.

Anything wrong with the text raises `CalendarUnreadable` with a message for
the owner, never another exception. The expansion stops at `MAX_OCCURRENCES`:
a calendar with more refuses to be read rather than be read in part (a
partial copy would offer times that are taken).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import recurring_ical_events
from django.utils.translation import gettext as _
from icalendar import Calendar, Component

from .errors import CalendarCode, CalendarUnreadable

# Occurrences read from one calendar in one window, at most (a busy person has
# a few thousand in half a year; a rule repeating every minute has millions).
MAX_OCCURRENCES = 10_000
# Floating times are compared with the window after they get the owner's zone;
# the library sees them without one, so it expands a margin wider than any
# zone's offset from UTC.
_FLOATING_MARGIN = timedelta(hours=15)

Interval = tuple[datetime, datetime]


def busy_intervals(
    calendar_text: bytes | str,
    *,
    default_zone: ZoneInfo,
    window_start: datetime,
    window_end: datetime,
    owner_emails: Collection[str] = (),
) -> list[Interval]:
    """The owner's busy times between `window_start` and `window_end` (aware
    datetimes): UTC-aware (start, end) pairs, sorted, overlapping and touching
    ones merged. An interval that overlaps the window is kept whole."""
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("busy_intervals needs aware window datetimes")
    calendar = _parse(calendar_text)
    owners = {_address(email) for email in owner_emails if email}
    intervals = list(_blocking(calendar, default_zone, window_start, window_end, owners))
    return merge(intervals)


def merge(intervals: list[Interval]) -> list[Interval]:
    """Sorted, with overlapping and touching intervals joined."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _parse(calendar_text: bytes | str) -> Calendar:
    if isinstance(calendar_text, bytes):
        raw = calendar_text
        try:
            calendar_text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            calendar_text = raw.decode("latin-1")
    if "BEGIN:VCALENDAR" not in calendar_text[:2000].upper():
        raise CalendarUnreadable(
            _("This address doesn't return a calendar (no iCalendar data in what it sent).")
        )
    try:
        calendars = Calendar.from_ical(calendar_text, multiple=True)
    except Exception as exc:  # icalendar raises ValueError, KeyError, IndexError...
        raise CalendarUnreadable(
            _("The calendar couldn't be read: its iCalendar data is malformed.")
        ) from exc
    if not calendars:
        raise CalendarUnreadable(_("The calendar couldn't be read: it is empty."))
    if len(calendars) == 1:
        return calendars[0]
    joined = Calendar()
    for part in calendars:
        for sub in part.subcomponents:
            joined.add_component(sub)
    return joined


def _blocking(
    calendar: Calendar,
    zone: ZoneInfo,
    window_start: datetime,
    window_end: datetime,
    owners: set[str],
) -> Iterator[Interval]:
    utc = ZoneInfo("UTC")
    start_utc = window_start.astimezone(utc)
    end_utc = window_end.astimezone(utc)
    try:
        query = recurring_ical_events.of(calendar, components=["VEVENT"])
        count = 0
        for series in query.series:
            for occurrence in series.between(
                start_utc - _FLOATING_MARGIN, end_utc + _FLOATING_MARGIN
            ):
                count += 1
                if count > MAX_OCCURRENCES:
                    raise CalendarUnreadable(
                        _(
                            "The calendar has more than %(count)s events in the coming months; "
                            "Mentora reads at most that many."
                        )
                        % {"count": f"{MAX_OCCURRENCES:,}"},
                        code=CalendarCode.TOO_MANY,
                    )
                event = occurrence.as_component(False)
                interval = _interval(event, zone, owners)
                if interval and interval[1] > start_utc and interval[0] < end_utc:
                    yield interval
    except CalendarUnreadable:
        raise
    except Exception as exc:  # a bad RRULE, an unknown TZID, a date out of range...
        raise CalendarUnreadable(
            _("The calendar couldn't be read: one of its events is malformed.")
        ) from exc


def _interval(event: Component, zone: ZoneInfo, owners: set[str]) -> Interval | None:
    """The event's busy time in UTC, or None when it doesn't block."""
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return None
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    if owners and _declined(event, owners):
        return None
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND") if "DTEND" in event else None
    if end is None and "DURATION" in event:
        end = start + event.decoded("DURATION")
    if end is None:
        # RFC 5545: an all-day event without an end lasts that day; a timed one
        # without an end or length is a moment and blocks nothing.
        if isinstance(start, datetime) or not isinstance(start, date):
            return None
        end = start + timedelta(days=1)
    begins, ends = _instant(start, zone), _instant(end, zone)
    if ends <= begins:
        return None
    return begins, ends


def _instant(value: date | datetime, zone: tzinfo) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(ZoneInfo("UTC"))


def _declined(event: Component, owners: set[str]) -> bool:
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    for attendee in attendees:
        if _address(str(attendee)) in owners:
            partstat = str(getattr(attendee, "params", {}).get("PARTSTAT", "")).upper()
            if partstat == "DECLINED":
                return True
    return False


def _address(value: str) -> str:
    value = value.strip().lower()
    return value[len("mailto:") :] if value.startswith("mailto:") else value
