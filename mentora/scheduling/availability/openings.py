""" "Who has an opening this week": every mentor of a program at once.

queries.mentor_open_slots answers for one mentor with five queries; asked for
2,000 mentors that would be 10,000 queries. Here each table is read once for all
the program's mentors (seven queries, whatever the number of mentors), grouped
per mentor in Python, and the same pure functions in mentora.scheduling.slots
decide what is open, so both paths agree on every rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from mentora.programs.models import Membership, Program, Role
from mentora.scheduling import queries, slots
from mentora.scheduling.calendars import busy as calendar_busy
from mentora.scheduling.models import DateOverride, OverrideKind, Session, TimeOff, WeeklyHours

# Local dates differ from UTC dates by up to a day either side; the margin is the
# same one queries.availability_rules uses for a single mentor.
DATE_MARGIN = timedelta(days=2)


@dataclass
class _Loaded:
    """One mentor's rows, as read in bulk: the parts of AvailabilityRules plus busy time."""

    time_zone: str
    weekly: dict[int, list[slots.LocalRange]] = field(default_factory=dict)
    extra: dict[date, list[slots.LocalRange]] = field(default_factory=dict)
    days_off: set[date] = field(default_factory=set)
    time_off: list[tuple[date, date]] = field(default_factory=list)
    busy: list[slots.Interval] = field(default_factory=list)

    def rules(self) -> slots.AvailabilityRules:
        return slots.AvailabilityRules(
            time_zone=_zone(self.time_zone),
            weekly=self.weekly,
            extra=self.extra,
            days_off=frozenset(self.days_off),
            time_off=self.time_off,
        )


@cache
def _zone(name: str) -> ZoneInfo:
    # zoneinfo keeps only 8 zones strongly cached; mentors span more than that,
    # and re-reading a zone file per mentor cost more than the slot search.
    return ZoneInfo(name)


def mentors_with_opening(
    *,
    program: Program,
    window: slots.Interval,
    now: datetime,
    length: timedelta | None = None,
) -> list[tuple[int, datetime]]:
    """(mentor id, first open start) for each of the program's mentors with an
    open time in `window`, soonest first (ties by mentor id).

    Steps: read the mentors, then their weekly hours, date overrides, time off,
    busy time and connected calendars, one query each; then per mentor, the slot
    functions. A mentor whose calendar is too stale to trust has no opening.
    """
    length = length or timedelta(minutes=program.default_session_minutes)
    rules = queries.slot_rules(program, length, now)
    mentor_ids = _mentor_ids(program)
    loaded = _load(mentor_ids, window, length)
    for mentor_id in calendar_busy.stale_owners(mentor_ids, program, now):
        loaded.pop(mentor_id, None)
    found = [
        (mentor_id, first)
        for mentor_id, data in loaded.items()
        if (first := _first_open(data, window, rules)) is not None
    ]
    return sorted(found, key=lambda pair: (pair[1], pair[0]))


def _mentor_ids(program: Program) -> QuerySet[Membership, int]:
    # Left as a subquery, never a Python list: 2,000 ids would exceed SQLite's
    # limit on query parameters in some builds, and a subquery costs no round trip.
    return (
        Membership.objects.active()
        .with_role(Role.MENTOR)
        .filter(program=program)
        .values_list("user_id", flat=True)
    )


def _load(
    mentor_ids: QuerySet[Membership, int], window: slots.Interval, length: timedelta
) -> dict[int, _Loaded]:
    users = get_user_model().objects.filter(pk__in=mentor_ids).order_by("pk")
    loaded = {pk: _Loaded(time_zone=tz) for pk, tz in users.values_list("pk", "time_zone")}
    first, last = window[0].date() - DATE_MARGIN, window[1].date() + DATE_MARGIN
    _load_weekly(loaded, mentor_ids)
    _load_overrides(loaded, mentor_ids, first, last)
    _load_time_off(loaded, mentor_ids, first, last)
    # Widened by one session length, as mentor_open_slots does, so a session
    # straddling the window's edge still blocks the slots next to it.
    span = (window[0] - length, window[1] + length)
    _load_busy(loaded, mentor_ids, span)
    for mentor_id, starts_at, ends_at in calendar_busy.busy_of_many(mentor_ids, span):
        if mentor_id in loaded:
            loaded[mentor_id].busy.append((starts_at, ends_at))
    return loaded


def _load_weekly(loaded: dict[int, _Loaded], mentor_ids: QuerySet[Membership, int]) -> None:
    rows = WeeklyHours.objects.filter(mentor_id__in=mentor_ids).values_list(
        "mentor_id", "weekday", "start_time", "end_time"
    )
    for mentor_id, weekday, start, end in rows:
        if mentor_id in loaded:  # a mentor who joined between two queries waits a turn
            loaded[mentor_id].weekly.setdefault(weekday, []).append(slots.LocalRange(start, end))


def _load_overrides(
    loaded: dict[int, _Loaded], mentor_ids: QuerySet[Membership, int], first: date, last: date
) -> None:
    rows = DateOverride.objects.filter(
        mentor_id__in=mentor_ids, date__range=(first, last)
    ).values_list("mentor_id", "date", "kind", "start_time", "end_time")
    for mentor_id, day, kind, start, end in rows:
        if mentor_id not in loaded:
            continue
        if kind == OverrideKind.DAY_OFF:
            loaded[mentor_id].days_off.add(day)
        elif start and end:
            loaded[mentor_id].extra.setdefault(day, []).append(slots.LocalRange(start, end))


def _load_time_off(
    loaded: dict[int, _Loaded], mentor_ids: QuerySet[Membership, int], first: date, last: date
) -> None:
    rows = TimeOff.objects.filter(
        mentor_id__in=mentor_ids, starts_on__lte=last, ends_on__gte=first
    ).values_list("mentor_id", "starts_on", "ends_on")
    for mentor_id, starts_on, ends_on in rows:
        if mentor_id in loaded:
            loaded[mentor_id].time_off.append((starts_on, ends_on))


def _load_busy(
    loaded: dict[int, _Loaded], mentor_ids: QuerySet[Membership, int], span: slots.Interval
) -> None:
    # Every live session blocks the mentor, whichever program it belongs to.
    rows = (
        Session.objects.live()
        .filter(mentor_id__in=mentor_ids, blocked_until__gt=span[0], blocked_from__lt=span[1])
        .values_list("mentor_id", "blocked_from", "blocked_until")
    )
    for mentor_id, blocked_from, blocked_until in rows:
        if mentor_id in loaded:
            loaded[mentor_id].busy.append((blocked_from, blocked_until))


def _first_open(data: _Loaded, window: slots.Interval, rules: slots.SlotRules) -> datetime | None:
    if not data.weekly and not data.extra:
        return None  # no hours at all: skip the day-by-day walk
    available = slots.availability_intervals(data.rules(), window)
    # One available interval at a time, stopping at the first that has a slot:
    # the answer is the first start, so the rest of the week needn't be gridded.
    for interval in available:
        found = slots.open_slots([interval], data.busy, rules)
        if found:
            return found[0]
    return None
