"""A first regular time for a new pairing, proposed from the mentor's weekly hours.

Pure: it is given the mentor's hours, the weekly times their other regular
sessions already hold, the busy times of their connected calendars, both zones
and the program's rules, and reads nothing else, so it is tested with literal
times. Matching calls it when staff, a
cohort publish or a re-match start a mentorship without an agreed time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mentora.scheduling.slots import Interval, local_to_utc, merge

# The mentee's daytime when they haven't said (MenteeProfile.meets_from/until's
# defaults): a proposed session starts and ends inside it, in their zone.
MENTEE_DAY = (time(8), time(21))


@dataclass(frozen=True)
class WeeklyRange:
    """A weekly range in the mentor's zone: `weekday` (Monday 0), from `start` to `end`."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class Rules:
    length_minutes: int
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    grid_minutes: int = 15
    # How many weekly occurrences must fall in the mentee's day: the booking
    # window, so every session the sync books at once is at a humane hour even
    # when the two zones change their clocks on different dates.
    weeks: int = 4


@dataclass(frozen=True)
class ProposedTime:
    weekday: int  # in the mentor's zone, as a cadence stores it
    at: time  # in the mentor's zone
    first_day: date  # the date of the first occurrence, mentor's zone
    first_start: datetime  # the first occurrence, UTC


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _range_end(end: time) -> int:
    # Hours that end at 00:00 run to midnight.
    return 24 * 60 if end == time(0) else _minutes(end)


def _clear_of(weekday: int, minute: int, rules: Rules, taken: Iterable[WeeklyRange]) -> bool:
    """Whether a session here, with its buffers, stays clear of the taken ranges and theirs."""
    before, after = rules.buffer_before_minutes, rules.buffer_after_minutes
    start, end = minute - before, minute + rules.length_minutes + after
    return not any(
        t.weekday == weekday
        and start < _range_end(t.end) + after
        and _minutes(t.start) - before < end
        for t in taken
    )


def _in_mentee_day(
    starts: datetime, rules: Rules, mentee_tz: ZoneInfo, mentee_day: tuple[time, time]
) -> bool:
    local_start = starts.astimezone(mentee_tz)
    local_end = (starts + timedelta(minutes=rules.length_minutes)).astimezone(mentee_tz)
    day_start, day_end = mentee_day
    return (
        local_start.date() == local_end.date()
        and local_start.time() >= day_start
        and local_end.time() <= day_end
    )


class _Busy:
    """Calendar busy times, merged, for an overlap test in O(log n) per session."""

    def __init__(self, intervals: Iterable[Interval]) -> None:
        merged = merge(intervals)
        self.starts = [s for s, _e in merged]
        self.ends = [e for _s, e in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        i = bisect_right(self.ends, start)  # the first busy time ending after `start`
        return i < len(self.starts) and self.starts[i] < end


def _clear_of_busy(starts: Sequence[datetime], rules: Rules, busy: _Busy) -> bool:
    """Whether every occurrence, with its buffers, misses the calendar's busy times."""
    before = timedelta(minutes=rules.buffer_before_minutes)
    length = timedelta(minutes=rules.length_minutes + rules.buffer_after_minutes)
    return not any(busy.overlaps(s - before, s + length) for s in starts)


def propose_weekly_time(
    *,
    hours: Iterable[WeeklyRange],
    taken: Iterable[WeeklyRange],
    mentor_zone: str,
    mentee_zone: str,
    first_day: date,
    rules: Rules,
    mentee_day: tuple[time, time] = MENTEE_DAY,
    busy: Iterable[Interval] = (),
) -> ProposedTime | None:
    """The soonest weekly time inside the mentor's hours that suits the mentee.

    Candidates start on the program's grid from the start of each range of
    hours, fit a whole session inside it, and keep the buffers clear of the
    mentor's other regular sessions (`taken`). A candidate is kept only if its
    next `rules.weeks` occurrences, from `first_day` on, all start and end in
    the mentee's day (`mentee_day`, their own hours in their zone: 08:00–21:00
    unless they said otherwise), and none of them (buffers included) meets a
    busy time of the mentor's calendar (`busy`, UTC). Of those, the one whose
    first session comes soonest wins; None when nothing fits.
    """
    mentor_tz, mentee_tz = ZoneInfo(mentor_zone), ZoneInfo(mentee_zone)
    taken = list(taken)
    calendar = _Busy(busy)
    grid = max(rules.grid_minutes, 5)
    best: ProposedTime | None = None
    for block in hours:
        day = first_day + timedelta(days=(block.weekday - first_day.weekday()) % 7)
        last_start = _range_end(block.end) - rules.length_minutes
        for minute in range(_minutes(block.start), last_start + 1, grid):
            if not _clear_of(block.weekday, minute, rules, taken):
                continue
            at = time(minute // 60, minute % 60)
            starts = [
                local_to_utc(day + timedelta(weeks=k), at, mentor_tz)
                for k in range(max(rules.weeks, 1))
            ]
            if not all(_in_mentee_day(s, rules, mentee_tz, mentee_day) for s in starts):
                continue
            if not _clear_of_busy(starts, rules, calendar):
                continue
            if best is None or starts[0] < best.first_start:
                best = ProposedTime(
                    weekday=block.weekday, at=at, first_day=day, first_start=starts[0]
                )
    return best
