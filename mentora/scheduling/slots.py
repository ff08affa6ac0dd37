"""Open start times for a mentor: pure functions over intervals, no database.

Availability is defined in the mentor's wall-clock time; each local range is
turned into a UTC interval on its own date, so a daylight-saving change moves
the UTC time and never the mentor's local time. Callers convert the result to
the viewer's zone for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]  # [start, end) in UTC


@dataclass(frozen=True)
class LocalRange:
    start: time
    end: time


@dataclass(frozen=True)
class AvailabilityRules:
    """A mentor's availability rules, already loaded from the database."""

    time_zone: ZoneInfo
    weekly: dict[int, list[LocalRange]]  # weekday (Monday 0) -> ranges
    extra: dict[date, list[LocalRange]]  # date -> extra ranges
    days_off: frozenset[date]
    time_off: Sequence[tuple[date, date]]  # inclusive date ranges


@dataclass(frozen=True)
class SlotRules:
    """The program's booking policy applied to one search."""

    length: timedelta
    buffer_before: timedelta
    buffer_after: timedelta
    grid: timedelta
    earliest: datetime  # now + minimum booking notice
    latest: datetime  # now + booking window (last allowed start)


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time on a date in `tz`, in UTC.

    A time in the spring-forward gap resolves with the offset from before the
    change (02:30 becomes 03:30); an ambiguous autumn time takes its first
    occurrence. Both are zoneinfo's fold=0 behaviour.
    """
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def day_bounds(first: date, last: date, tz: ZoneInfo) -> Interval:
    """From the start of `first` to the end of `last`, both local to `tz`."""
    return local_to_utc(first, time(0), tz), local_to_utc(last + timedelta(days=1), time(0), tz)


def _on_time_off(day: date, time_off: Sequence[tuple[date, date]]) -> bool:
    return any(start <= day <= end for start, end in time_off)


def availability_intervals(rules: AvailabilityRules, window: Interval) -> list[Interval]:
    """The mentor's available time inside `window`, as merged UTC intervals."""
    tz = rules.time_zone
    # Local dates that can touch the window, one day of margin for zone offsets.
    first = window[0].astimezone(tz).date() - timedelta(days=1)
    last = window[1].astimezone(tz).date() + timedelta(days=1)
    intervals: list[Interval] = []
    day = first
    while day <= last:
        if not _on_time_off(day, rules.time_off):
            ranges = [] if day in rules.days_off else list(rules.weekly.get(day.weekday(), []))
            ranges += rules.extra.get(day, [])
            for r in ranges:
                start, end = local_to_utc(day, r.start, tz), local_to_utc(day, r.end, tz)
                start, end = max(start, window[0]), min(end, window[1])
                if start < end:
                    intervals.append((start, end))
        day += timedelta(days=1)
    return merge(intervals)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _first_grid_point(moment: datetime, grid: timedelta) -> datetime:
    """The first point of the grid at or after `moment` (grid anchored at the epoch)."""
    step = int(grid.total_seconds())
    seconds = int(moment.timestamp())
    if moment.microsecond:
        seconds += 1
    aligned = -(-seconds // step) * step
    return datetime.fromtimestamp(aligned, tz=UTC)


def open_slots(
    available: Sequence[Interval], busy: Iterable[Interval], rules: SlotRules
) -> list[datetime]:
    """Start times where a session (with its buffers) fits, in UTC order.

    `busy` are the blocked ranges of the mentor's existing sessions, buffers
    included; a new session's block must not overlap any of them.
    """
    busy_merged = merge(busy)
    result: list[datetime] = []
    b = 0  # index of the first busy block that may still overlap
    for start, end in available:
        slot = _first_grid_point(max(start, rules.earliest), rules.grid)
        while slot + rules.length <= end and slot <= rules.latest:
            block_start = slot - rules.buffer_before
            block_end = slot + rules.length + rules.buffer_after
            while b < len(busy_merged) and busy_merged[b][1] <= block_start:
                b += 1
            if b < len(busy_merged) and busy_merged[b][0] < block_end:
                # Jump past the busy block instead of testing every grid point in it.
                slot = _first_grid_point(busy_merged[b][1] + rules.buffer_before, rules.grid)
                continue
            result.append(slot)
            slot += rules.grid
    return result


def nearest(slots: Sequence[datetime], wanted: datetime, count: int = 3) -> list[datetime]:
    """The `count` open times closest to the one a person wanted, in time order."""
    return sorted(sorted(slots, key=lambda s: abs(s - wanted))[:count])
