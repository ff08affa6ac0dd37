"""Writes for a mentor's availability: weekly hours, date overrides, time off.

Each function owns its transaction, locks the mentor's row before checking
for overlaps (so two tabs adding ranges at once cannot both pass the check),
validates with `full_clean()`, and raises SchedulingError when a rule says no;
its SchedulingCode tells the form which field the message belongs next to.
"Today" and "the past" are the mentor's own dates, in their zone: that is
where their availability lives.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from mentora.accounts.hooks import mentor_features_changed
from mentora.clock import now_or_current
from mentora.scheduling.errors import SchedulingCode, SchedulingError
from mentora.scheduling.locking import lock_people
from mentora.scheduling.models import DateOverride, OverrideKind, TimeOff, WeeklyHours

if TYPE_CHECKING:
    from mentora.accounts.models import User

MAX_TIME_OFF_DAYS = 365


def mentor_today(mentor: User, now: datetime | None = None) -> date:
    """The mentor's current local date."""
    return now_or_current(now).astimezone(ZoneInfo(mentor.time_zone)).date()


def _hm(at: time) -> str:
    return at.strftime("%H:%M")


def _day(day: date) -> str:
    """Tuesday 5 January 2027 (no platform-specific strftime flags)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _check_end_after_start(start_time: time, end_time: time) -> None:
    if end_time <= start_time:
        raise SchedulingError(
            SchedulingCode.END_NOT_AFTER_START,
            _(
                "The end (%(end)s) must be after the start (%(start)s). "
                "A range can't run past midnight: split it into two days."
            )
            % {"end": _hm(end_time), "start": _hm(start_time)},
        )


def _save(obj: models.Model) -> None:
    """full_clean then save; a model rule becomes a SchedulingError, never a 500."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise SchedulingError(SchedulingCode.INVALID, " ".join(error.messages)) from error
    obj.save()


# --- Weekly hours ------------------------------------------------------------


def weekly_hours_add(
    *, mentor: User, weekday: int, start_time: time, end_time: time
) -> WeeklyHours:
    """Add a weekly range in the mentor's zone.

    Steps: check end after start, lock the mentor, refuse an overlap with
    another range of the same weekday (touching ranges are fine), save.
    """
    _check_end_after_start(start_time, end_time)
    with transaction.atomic():
        lock_people(mentor.pk)
        clash = (
            WeeklyHours.objects.filter(
                mentor=mentor, weekday=weekday, start_time__lt=end_time, end_time__gt=start_time
            )
            .order_by("start_time")
            .first()
        )
        if clash is not None:
            raise SchedulingError(
                SchedulingCode.OVERLAP,
                _(
                    "This overlaps your %(range)s range. Change that one, or pick hours "
                    "that don't overlap it."
                )
                % {"range": clash},
            )
        hours = WeeklyHours(
            mentor=mentor, weekday=weekday, start_time=start_time, end_time=end_time
        )
        _save(hours)
        mentor_features_changed([mentor.pk])
    return hours


def weekly_hours_remove(*, mentor: User, weekly_hours_id: int) -> WeeklyHours:
    """Remove one of the mentor's own weekly ranges (sessions already booked stay)."""
    with transaction.atomic():
        hours = WeeklyHours.objects.filter(pk=weekly_hours_id, mentor=mentor).first()
        if hours is None:
            raise SchedulingError(
                SchedulingCode.NOT_FOUND, _("That weekly range isn't yours or was already removed.")
            )
        hours.delete()
        mentor_features_changed([mentor.pk])
    return hours


def weekly_hours_replace(
    *, mentor: User, ranges: Sequence[tuple[int, time, time]]
) -> list[WeeklyHours]:
    """Replace all of the mentor's weekly ranges with `ranges` ((weekday, start,
    end), in their zone): the API's PUT of a whole week. All or nothing.

    Each range passes `weekly_hours_add`'s rules in turn, so one that ends before
    it starts, or overlaps another of the same day, is refused; the refusal's
    `field` is then the range's index ("0", "1", ...) and nothing is changed.
    """
    with transaction.atomic():
        lock_people(mentor.pk)
        WeeklyHours.objects.filter(mentor=mentor).delete()
        added = []
        for index, (weekday, start_time, end_time) in enumerate(ranges):
            try:
                added.append(
                    weekly_hours_add(
                        mentor=mentor, weekday=weekday, start_time=start_time, end_time=end_time
                    )
                )
            except SchedulingError as error:
                error.field = str(index)
                raise
        mentor_features_changed([mentor.pk])
    return added


# --- Date overrides ----------------------------------------------------------


def _override_kind(kind: OverrideKind | str) -> OverrideKind:
    try:
        return OverrideKind(kind)
    except ValueError:
        raise SchedulingError(
            SchedulingCode.INVALID, _("Choose extra hours or a day off.")
        ) from None


def _check_override_times(
    kind: OverrideKind, start_time: time | None, end_time: time | None
) -> None:
    if kind == OverrideKind.DAY_OFF:
        if start_time is not None or end_time is not None:
            raise SchedulingError(
                SchedulingCode.TIMES_NOT_ALLOWED,
                _("A day off takes no times: leave the start and end empty."),
            )
        return
    if start_time is None or end_time is None:
        raise SchedulingError(
            SchedulingCode.TIMES_REQUIRED, _("Extra hours need both a start and an end time.")
        )
    _check_end_after_start(start_time, end_time)


def _check_override_clash(
    *, mentor: User, day: date, kind: OverrideKind, start_time: time | None, end_time: time | None
) -> None:
    same_day = DateOverride.objects.filter(mentor=mentor, date=day, kind=kind)
    if kind == OverrideKind.DAY_OFF:
        if same_day.exists():
            raise SchedulingError(
                SchedulingCode.ALREADY_DAY_OFF,
                _("%(day)s is already a day off.") % {"day": _day(day)},
            )
        return
    clash = same_day.filter(start_time__lt=end_time, end_time__gt=start_time).first()
    if clash is not None and clash.start_time and clash.end_time:
        raise SchedulingError(
            SchedulingCode.OVERLAP,
            _("This overlaps your extra hours %(start)s–%(end)s on %(day)s.")
            % {"start": _hm(clash.start_time), "end": _hm(clash.end_time), "day": _day(day)},
        )


def date_override_add(
    *,
    mentor: User,
    date: date,
    kind: OverrideKind | str,
    start_time: time | None = None,
    end_time: time | None = None,
    now: datetime | None = None,
) -> DateOverride:
    """Add extra hours on one date, or take that date off.

    Steps: check the kind's times, refuse a date before the mentor's today,
    lock the mentor, refuse a duplicate day off or overlapping extra hours, save.
    """
    kind = _override_kind(kind)
    _check_override_times(kind, start_time, end_time)
    if date < mentor_today(mentor, now):
        raise SchedulingError(
            SchedulingCode.DATE_IN_PAST,
            _("%(day)s is in the past. Pick today or later.") % {"day": _day(date)},
        )
    with transaction.atomic():
        lock_people(mentor.pk)
        _check_override_clash(
            mentor=mentor, day=date, kind=kind, start_time=start_time, end_time=end_time
        )
        override = DateOverride(
            mentor=mentor, date=date, kind=kind, start_time=start_time, end_time=end_time
        )
        _save(override)
    return override


def date_override_remove(*, mentor: User, date_override_id: int) -> DateOverride:
    with transaction.atomic():
        override = DateOverride.objects.filter(pk=date_override_id, mentor=mentor).first()
        if override is None:
            raise SchedulingError(
                SchedulingCode.NOT_FOUND, _("That date isn't yours or was already removed.")
            )
        override.delete()
    return override


# --- Time off ----------------------------------------------------------------


def _check_time_off_dates(starts_on: date, ends_on: date, today: date) -> None:
    if ends_on < starts_on:
        raise SchedulingError(
            SchedulingCode.END_NOT_AFTER_START,
            _("The last day (%(last)s) can't be before the first (%(first)s).")
            % {"last": _day(ends_on), "first": _day(starts_on)},
        )
    if ends_on < today:
        raise SchedulingError(
            SchedulingCode.DATE_IN_PAST, _("That time off is entirely in the past.")
        )
    days = (ends_on - starts_on).days + 1
    if days > MAX_TIME_OFF_DAYS:
        raise SchedulingError(
            SchedulingCode.TIME_OFF_TOO_LONG,
            _(
                "Time off can be at most %(limit)d days at once (this is %(days)d). "
                "Add a second stretch later if you need more."
            )
            % {"limit": MAX_TIME_OFF_DAYS, "days": days},
        )


def time_off_add(
    *,
    mentor: User,
    starts_on: date,
    ends_on: date,
    note: str = "",
    now: datetime | None = None,
) -> TimeOff:
    """Add time away, first and last day inclusive (overlapping stretches are harmless)."""
    _check_time_off_dates(starts_on, ends_on, mentor_today(mentor, now))
    with transaction.atomic():
        time_off = TimeOff(mentor=mentor, starts_on=starts_on, ends_on=ends_on, note=note.strip())
        _save(time_off)
    return time_off


def time_off_remove(*, mentor: User, time_off_id: int) -> TimeOff:
    with transaction.atomic():
        time_off = TimeOff.objects.filter(pk=time_off_id, mentor=mentor).first()
        if time_off is None:
            raise SchedulingError(
                SchedulingCode.NOT_FOUND, _("That time off isn't yours or was already removed.")
            )
        time_off.delete()
    return time_off
