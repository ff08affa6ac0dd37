"""Reads over connected calendars for the booking engine: a person's busy
intervals in a window, and whether their calendar is too stale to trust.

Rules (docs/architecture.md, "Busy times"):
- Only connections that aren't disabled are consulted: a disabled connection
  neither adds busy times nor blocks anyone (its owner sees why on the
  availability page and reconnects it).
- A connection is stale when it hasn't been read successfully for longer than
  the program's `calendar_stale_hours`; one never read successfully counts from
  when it was connected. A mentor with a stale calendar offers no times in that
  program (fail closed): its last copy is used only up to that limit.
- Busy intervals are passed to slots.open_slots as they are, so the program's
  buffers apply around them exactly as around a session (as Cal.com does).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mentora.programs.models import Program
from mentora.scheduling import slots, timelabels
from mentora.scheduling.models import BusyInterval, CalendarConnection


def consulted(owner_id: int) -> QuerySet[CalendarConnection]:
    """The owner's connections that are read for busy times."""
    return CalendarConnection.objects.filter(owner_id=owner_id, disabled_at__isnull=True)


def stale_limit(program: Program) -> timedelta:
    return timedelta(hours=program.calendar_stale_hours)


def _last_good(last_success_at: datetime | None, created_at: datetime) -> datetime:
    return last_success_at or created_at


@dataclass(frozen=True)
class CalendarState:
    """What the slot search needs of one person's calendars: whether any are
    consulted, and since when the stalest one past the limit was last read."""

    connected: bool
    stale_since: datetime | None
    connection_ids: tuple[int, ...] = ()

    @property
    def stale(self) -> bool:
        return self.stale_since is not None


def calendar_state(owner_id: int, program: Program, now: datetime) -> CalendarState:
    """One query: the owner's consulted connections and their last good read."""
    rows = list(consulted(owner_id).values_list("pk", "last_success_at", "created_at"))
    cutoff = now - stale_limit(program)
    stale = [good for good in (_last_good(s, c) for _pk, s, c in rows) if good < cutoff]
    return CalendarState(
        connected=bool(rows),
        stale_since=min(stale) if stale else None,
        connection_ids=tuple(pk for pk, _s, _c in rows),
    )


def state_busy_intervals(state: CalendarState, window: slots.Interval) -> list[slots.Interval]:
    """busy_intervals for connections calendar_state already found: no join."""
    if not state.connection_ids:
        return []
    rows = BusyInterval.objects.filter(
        connection_id__in=state.connection_ids, ends_at__gt=window[0], starts_at__lt=window[1]
    ).values_list("starts_at", "ends_at")
    return _fetch_intervals(rows)


def _fetch_intervals(
    rows: QuerySet[BusyInterval, tuple[datetime, datetime]],
) -> list[slots.Interval]:
    """The query's (start, end) pairs as aware UTC datetimes, read on a plain
    cursor: a busy calendar has hundreds of rows per month, and Django's
    per-value converters (a regular expression per timestamp on SQLite) cost
    more than the whole slot search (bench/slots.py). SQLite returns the stored
    UTC text, PostgreSQL aware datetimes; both come out the same."""
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [(_utc(start), _utc(end)) for start, end in cursor.fetchall()]


def _utc(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def busy_intervals(owner_id: int, window: slots.Interval) -> list[slots.Interval]:
    """The owner's busy intervals overlapping `window`, from every consulted
    connection, in one query (the (connection, starts_at) index serves it)."""
    rows = BusyInterval.objects.filter(
        connection__owner_id=owner_id,
        connection__disabled_at__isnull=True,
        ends_at__gt=window[0],
        starts_at__lt=window[1],
    ).values_list("starts_at", "ends_at")
    return _fetch_intervals(rows)


def stale_owners(
    owner_ids: QuerySet[Any, int], program: Program, now: datetime
) -> dict[int, datetime]:
    """For many people at once (one query): owner id -> since when their stalest
    calendar past the program's limit was last read. Absent: not stale."""
    cutoff = now - stale_limit(program)
    rows = consulted_many(owner_ids).values_list("owner_id", "last_success_at", "created_at")
    found: dict[int, datetime] = {}
    for owner_id, success, created in rows:
        good = _last_good(success, created)
        if good < cutoff and (owner_id not in found or good < found[owner_id]):
            found[owner_id] = good
    return found


def consulted_many(owner_ids: QuerySet[Any, int]) -> QuerySet[CalendarConnection]:
    return CalendarConnection.objects.filter(owner_id__in=owner_ids, disabled_at__isnull=True)


def busy_of_many(
    owner_ids: QuerySet[Any, int], window: slots.Interval
) -> list[tuple[int, datetime, datetime]]:
    """(owner id, start, end) of everyone's busy intervals in `window`: one query."""
    return list(
        BusyInterval.objects.filter(
            connection__owner_id__in=owner_ids,
            connection__disabled_at__isnull=True,
            ends_at__gt=window[0],
            starts_at__lt=window[1],
        ).values_list("connection__owner_id", "starts_at", "ends_at")
    )


def busy_intervals_many(
    owner_ids: Iterable[int], window: slots.Interval
) -> list[tuple[int, datetime, datetime]]:
    """busy_intervals for many people at once (a cohort publish proposing
    thousands of regular times): (owner id, start, end) in aware UTC, one query,
    read on a plain cursor as `_fetch_intervals` does."""
    rows = BusyInterval.objects.filter(
        connection__owner_id__in=list(owner_ids),
        connection__disabled_at__isnull=True,
        ends_at__gt=window[0],
        starts_at__lt=window[1],
    ).values_list("connection__owner_id", "starts_at", "ends_at")
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [(owner, _utc(start), _utc(end)) for owner, start, end in cursor.fetchall()]


def clashes(starts: list[datetime], length: timedelta, busy: list[slots.Interval]) -> set[datetime]:
    """The starts whose session (start to start + length, no buffers: it is the
    person's own time) overlaps one of their busy intervals."""
    merged = slots.merge(busy)
    found: set[datetime] = set()
    b = 0
    for start in sorted(starts):
        end = start + length
        while b < len(merged) and merged[b][1] <= start:
            b += 1
        if b < len(merged) and merged[b][0] < end:
            found.add(start)
    return found


def stale_notice(since: datetime, zone: str, now: datetime) -> str:
    """The mentor's own explanation, in their zone: the time alone when it was
    today, else the day too."""
    if timelabels.local(since, zone).date() == timelabels.local(now, zone).date():
        moment = timelabels.clock(since, zone)
    else:
        moment = timelabels.format_moment(since, zone)
    return _(
        "We couldn't read your calendar since %(moment)s, so you offer no times "
        "until it can be read again."
    ) % {"moment": moment}


def unavailable_notice() -> str:
    """What anyone but the mentor sees: nothing about the calendar itself."""
    return _("This mentor's times are unavailable right now.")
