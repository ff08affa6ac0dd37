"""How a moment is written for a reader: always with its zone, never ambiguous.

The zone is named by its abbreviation when the zone has a real one (EDT, CET,
GMT) and otherwise by its UTC offset written "UTC−3" or "UTC+5:30" (tzdata
writes "-03" for zones nobody abbreviates, which reads as a minus sign next to
a time). At the autumn change a wall time happens twice; the two are always
told apart ("01:00 EDT", "01:00 EST"), by their offsets if the abbreviation
stays the same.

Pure functions of an aware datetime and a zone: the pages, the inbox and the
emails all print times through here (template filters in
scheduling/templatetags/scheduling_times.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _

MINUS = "\u2212"  # a real minus sign: "UTC−3", not a hyphen


def local(moment: datetime, zone: str | None = None) -> datetime:
    """`moment` in `zone`, or in the active zone (the reader's) when none is given."""
    if zone:
        return moment.astimezone(ZoneInfo(zone))
    return timezone.localtime(moment)


def utc_offset_label(offset: timedelta | None) -> str:
    """'UTC', 'UTC+4', 'UTC−3', 'UTC+5:30' (no ':00', a real minus sign)."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else MINUS
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}:{rest:02d}" if rest else f"UTC{sign}{hours}"


def _abbreviation(moment: datetime) -> str:
    """The zone's own alphabetic abbreviation at `moment`, or '' ('-03', '+0545')."""
    name = moment.tzname() or ""
    return name if name.isascii() and name.isalpha() else ""


def _other_side_of_fold(moment: datetime) -> datetime | None:
    """The same wall time on the other side of a clock change, if it exists."""
    other = moment.replace(fold=1 - moment.fold)
    return other if other.utcoffset() != moment.utcoffset() else None


def zone_label(moment: datetime) -> str:
    """The zone of an aware local `moment` as its reader knows it."""
    name = _abbreviation(moment)
    twin = _other_side_of_fold(moment)
    if name and (twin is None or _abbreviation(twin) != name):
        return name
    return utc_offset_label(moment.utcoffset())


def clock(moment: datetime, zone: str | None = None) -> str:
    """'18:00 CET': the wall time with its zone label."""
    here = local(moment, zone)
    return f"{here:%H:%M} {zone_label(here)}"


def clock_span(start: datetime, end: datetime, zone: str | None = None) -> str:
    """'18:00–18:45 CET'; both ends labelled when a clock change falls between."""
    first, last = local(start, zone), local(end, zone)
    if zone_label(first) == zone_label(last):
        return f"{first:%H:%M}–{clock(end, zone)}"
    return f"{clock(start, zone)}–{clock(end, zone)}"


def day(moment: datetime, zone: str | None = None) -> str:
    """'Tuesday 3 March', the local date of `moment`."""
    here = local(moment, zone)
    return _("%(weekday)s %(day)d %(month)s") % {
        "weekday": WEEKDAYS[here.weekday()],
        "day": here.day,
        "month": MONTHS[here.month],
    }


def format_moment(moment: datetime, zone: str | None = None) -> str:
    """'Tuesday 3 March at 18:00 CET', in `zone` or the reader's active zone."""
    return _("%(day)s at %(time)s") % {"day": day(moment, zone), "time": clock(moment, zone)}


def format_span(start: datetime, end: datetime, zone: str | None = None) -> str:
    """'Tuesday 3 March, 18:00–18:45 CET'."""
    return _("%(day)s, %(times)s") % {
        "day": day(start, zone),
        "times": clock_span(start, end, zone),
    }


def times_for_people(
    start: datetime, end: datetime, *, reader_zone: str, others: Sequence[tuple[str, str]]
) -> str:
    """A session as the reader and each other person (name, zone) sees it:
    'Tuesday 2 March, 18:00–18:45 CET for you · Tue 12:00–12:45 EST for Mo'."""
    parts = [_("%(times)s for you") % {"times": format_span(start, end, reader_zone)}]
    for name, zone in others:
        theirs = _("%(weekday)s %(times)s") % {
            "weekday": WEEKDAYS_ABBR[local(start, zone).weekday()],
            "times": clock_span(start, end, zone),
        }
        parts.append(_("%(times)s for %(name)s") % {"times": theirs, "name": name})
    return " · ".join(parts)


def regular_time_label(
    *, next_start: datetime, length_minutes: int, frequency: str, cadence_zone: str
) -> str:
    """A regular time in the reader's zone, from its next occurrence (the cadence
    is kept as a wall time in its own zone, so only a real start converts right),
    naming the cadence's own zone when the reader's is another one:
    'Every week on Tuesday at 18:00 CET, 45 min (in America/New_York: Tuesday 12:00 EST)'."""
    mine = timezone.localtime(next_start)
    label = _("%(frequency)s on %(weekday)s at %(time)s, %(minutes)d min") % {
        "frequency": frequency,
        "weekday": WEEKDAYS[mine.weekday()],
        "time": clock(next_start),
        "minutes": length_minutes,
    }
    theirs = local(next_start, cadence_zone)
    if theirs.utcoffset() == mine.utcoffset() and zone_label(theirs) == zone_label(mine):
        return label
    return _("%(label)s (in %(zone)s: %(weekday)s %(time)s)") % {
        "label": label,
        "weekday": WEEKDAYS[theirs.weekday()],
        "time": clock(next_start, cadence_zone),
        "zone": cadence_zone,
    }
