"""A mentor's availability and a mentorship's regular time over the API (issue 15).

Availability is the mentor's own, as on their availability page (mentors
only; anyone else gets the page's 404): the weekly hours, wall-clock times in
the mentor's own zone (which every answer names), the date overrides and the
time off still ahead. The same forms parse (availability/forms.py) and the
same services decide (availability/services.py: end after start, no overlap,
no past date, at most a year off); a week's hours are replaced as a whole,
all or nothing (`weekly_hours_replace`, through `weekly_hours_add`'s rules).

The regular time (cadence) is the cadence page's: either party of the
mentorship reads and sets it (`scheduling.access.mentorship_for_party`, 404
for anyone else), parsed by `CadenceForm` and set by `cadence_set`, which
brings the regular sessions in step. The pages have no way to stop a cadence,
so neither has the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from mentora.api import lists
from mentora.api.access import caller, object_id, program_for_caller
from mentora.api.schemas import PersonOut, person_out
from mentora.api.sessions import ERRORS, WRITE_ERRORS
from mentora.programs import access as program_access
from mentora.programs.models import Program, Role
from mentora.scheduling import access
from mentora.scheduling.availability import services
from mentora.scheduling.availability.forms import (
    DateOverrideForm,
    DomainErrorForm,
    TimeOffForm,
    WeeklyHoursForm,
)
from mentora.scheduling.cadence import services as cadence_services
from mentora.scheduling.cadence.forms import CadenceForm
from mentora.scheduling.errors import SchedulingCode, SchedulingError
from mentora.scheduling.models import Cadence, DateOverride, TimeOff, WeeklyHours

router = Router(tags=["availability"])

# More ranges than a week could sensibly hold (a quarter hour each, every day).
MAX_WEEKLY_RANGES = 7 * 48
DELETE_ERRORS: dict[int, Any] = {204: None, **WRITE_ERRORS}

IN_ZONE = "wall-clock time in the mentor's own zone (`time_zone`)"


class WeeklyRangeOut(Schema):
    id: int
    weekday: int = Field(description="0 is Monday, in the mentor's zone.")
    start_time: str = Field(description=f"HH:MM, {IN_ZONE}.", examples=["09:00"])
    end_time: str = Field(description=f"HH:MM, {IN_ZONE}; after the start.", examples=["12:00"])


class DateOverrideOut(Schema):
    id: int
    date: dt.date = Field(description="A date of the mentor's own calendar.")
    kind: str = Field(description="extra (extra hours) or day_off.")
    start_time: str | None = Field(None, description=f"HH:MM, {IN_ZONE} (extra hours only).")
    end_time: str | None = Field(None, description=f"HH:MM, {IN_ZONE} (extra hours only).")


class TimeOffOut(Schema):
    id: int
    starts_on: dt.date = Field(description="The first day away (the mentor's own calendar).")
    ends_on: dt.date = Field(description="The last day away, inclusive.")
    note: str = ""


class AvailabilityOut(Schema):
    mentor: PersonOut
    time_zone: str = Field(
        description="The mentor's zone (IANA): every time here is wall-clock time in it."
    )
    weekly_hours: list[WeeklyRangeOut] = Field(description="By weekday, then start.")
    overrides: list[DateOverrideOut] = Field(description="From the mentor's today on.")
    time_off: list[TimeOffOut] = Field(description="Not yet over, by first day.")


class WeeklyRangeIn(Schema):
    weekday: int = Field(description="0 is Monday ... 6 is Sunday, in the mentor's zone.")
    start_time: str = Field(description=f"HH:MM, {IN_ZONE}.", examples=["09:00"])
    end_time: str = Field(
        description=f"HH:MM, {IN_ZONE}; after the start (no range runs past midnight).",
        examples=["12:00"],
    )


class WeeklyHoursIn(Schema):
    hours: list[WeeklyRangeIn] = Field(
        max_length=MAX_WEEKLY_RANGES,
        description=(
            "The whole week, replacing every range kept now (an empty list: no weekly "
            "hours). Ranges of the same day may touch but not overlap."
        ),
    )


class DateOverrideIn(Schema):
    date: str = Field(
        description="YYYY-MM-DD, the mentor's today or later.", examples=["2027-03-14"]
    )
    kind: str = Field(description="extra (extra hours) or day_off.", examples=["day_off"])
    start_time: str | None = Field(
        None, description=f"HH:MM, {IN_ZONE}: extra hours only.", examples=["18:00"]
    )
    end_time: str | None = Field(
        None, description=f"HH:MM, {IN_ZONE}: extra hours only.", examples=["20:00"]
    )


class TimeOffIn(Schema):
    starts_on: str = Field(description="The first day away, YYYY-MM-DD.", examples=["2027-07-01"])
    ends_on: str = Field(
        description="The last day away, inclusive (at most a year after the first).",
        examples=["2027-07-14"],
    )
    note: str = Field("", description="Optional, at most 200 characters.")


class RegularTimeOut(Schema):
    frequency: str = Field(description="weekly or biweekly.")
    weekday: int = Field(description="0 is Monday, in the mentor's zone.")
    time_of_day: str = Field(description="HH:MM, wall-clock time in `time_zone`.")
    time_zone: str = Field(description="The mentor's zone (IANA), where the time is kept.")
    length_minutes: int
    starts_on: dt.date = Field(description="The first regular session is on or after this date.")
    updated_at: dt.datetime


class CadenceOut(Schema):
    mentorship_id: int
    cadence: RegularTimeOut | None = Field(None, description="None: no regular time agreed yet.")


class CadenceSyncOut(Schema):
    created: list[int] = Field(description="Regular sessions booked (ids).")
    moved: list[int] = Field(description="Future regular sessions moved to the new time (ids).")
    cancelled: list[int] = Field(description="Future regular sessions no longer wanted (ids).")
    conflicts: list[dt.datetime] = Field(
        description="Regular times skipped: the mentor has another session then."
    )


class CadenceSetOut(CadenceOut):
    sync: CadenceSyncOut


class CadenceIn(Schema):
    frequency: str = Field("weekly", description="weekly or biweekly.")
    weekday: int = Field(description="0 is Monday ... 6 is Sunday, in the mentor's zone.")
    time_of_day: str = Field(
        description="HH:MM, wall-clock time in the mentor's zone.", examples=["17:00"]
    )
    length_minutes: int | None = Field(
        None, description="15 to 240; default: the program's session length."
    )
    starts_on: str = Field(
        description="YYYY-MM-DD: the first regular session is on or after it.",
        examples=["2027-01-11"],
    )


# --- helpers ---------------------------------------------------------------------


def _hm(at: dt.time | None) -> str | None:
    if at is None:
        return None
    return at.isoformat(timespec="seconds" if at.second else "minutes")


def _mentor(request: HttpRequest, slug: str) -> tuple[Program, Any]:
    """The program and the calling mentor: the availability page's rule (mentors
    only), with its 404 for anyone else."""
    program = program_for_caller(request, slug)
    mentor = caller(request)
    program_access.require(
        program_access.has_role(mentor, program, Role.MENTOR), _("No such page.")
    )
    return program, mentor


def _parsed(form: DomainErrorForm, prefix: str = "") -> dict[str, Any]:
    """The form's cleaned data, or its first error as a 422 naming the field."""
    if not form.is_valid():
        for name, messages in form.errors.items():
            raise SchedulingError(
                SchedulingCode.INVALID,
                str(messages[0]),
                field=None if name == "__all__" else f"{prefix}{name}",
            )
    return form.cleaned_data


def _refusal(form: DomainErrorForm, error: SchedulingError, prefix: str = "") -> SchedulingError:
    """The service's refusal, naming the field the page shows it next to."""
    form.add_domain_error(error)
    named = [name for name in form.errors if name != "__all__"]
    error.field = f"{prefix}{named[0]}" if named else None
    return error


def _form_data(form_class: type[DomainErrorForm], values: dict[str, Any]) -> dict[str, Any]:
    """Values as a page would post them (the form's prefix, empty for None)."""
    return {
        f"{form_class.prefix}-{name}": "" if value is None else value
        for name, value in values.items()
    }


def _removed_or_404(call: Any) -> Status:
    try:
        call()
    except SchedulingError as error:
        # Not the mentor's, or already removed: the 404 of a missing id.
        program_access.require(error.code != SchedulingCode.NOT_FOUND, error.message)
        raise
    return Status(204, None)


def _weekly_out(hours: WeeklyHours) -> dict[str, Any]:
    return {
        "id": hours.pk,
        "weekday": hours.weekday,
        "start_time": _hm(hours.start_time),
        "end_time": _hm(hours.end_time),
    }


def _override_out(override: DateOverride) -> dict[str, Any]:
    return {
        "id": override.pk,
        "date": override.date,
        "kind": override.kind,
        "start_time": _hm(override.start_time),
        "end_time": _hm(override.end_time),
    }


def _time_off_out(time_off: TimeOff) -> dict[str, Any]:
    return {
        "id": time_off.pk,
        "starts_on": time_off.starts_on,
        "ends_on": time_off.ends_on,
        "note": time_off.note,
    }


def _availability_out(mentor: Any) -> dict[str, Any]:
    """What the availability page lists: the week, and the dates from the mentor's today on."""
    today = services.mentor_today(mentor, timezone.now())
    weekly = WeeklyHours.objects.filter(mentor=mentor).order_by("weekday", "start_time")
    overrides = DateOverride.objects.filter(mentor=mentor, date__gte=today)
    time_off = TimeOff.objects.filter(mentor=mentor, ends_on__gte=today)
    return {
        "mentor": person_out(mentor),
        "time_zone": mentor.time_zone,
        "weekly_hours": [_weekly_out(h) for h in weekly],
        "overrides": [_override_out(o) for o in overrides.order_by("date", "start_time", "pk")],
        "time_off": [_time_off_out(t) for t in time_off.order_by("starts_on", "pk")],
    }


# --- availability ----------------------------------------------------------------


@router.get(
    "/{slug}/availability",
    response={200: AvailabilityOut, **ERRORS},
    operation_id="availability_get",
    summary="The calling mentor's weekly hours (in their zone), date overrides and time off ahead",
)
def availability_get(request: HttpRequest, slug: str) -> Any:
    _program, mentor = _mentor(request, slug)
    return _availability_out(mentor)


@router.put(
    "/{slug}/availability/weekly-hours",
    response={200: AvailabilityOut, **WRITE_ERRORS},
    operation_id="availability_weekly_hours_put",
    summary="Replace the calling mentor's whole week of hours (in their zone), all or nothing",
)
def availability_weekly_hours_put(request: HttpRequest, slug: str, payload: WeeklyHoursIn) -> Any:
    _program, mentor = _mentor(request, slug)
    forms, ranges = [], []
    for index, given in enumerate(payload.hours):
        form = WeeklyHoursForm(_form_data(WeeklyHoursForm, given.model_dump()))
        cleaned = _parsed(form, f"hours.{index}.")
        forms.append(form)
        ranges.append((cleaned["weekday"], cleaned["start_time"], cleaned["end_time"]))
    try:
        services.weekly_hours_replace(mentor=mentor, ranges=ranges)
    except SchedulingError as error:
        if error.field is None or not error.field.isdigit():
            raise
        index = int(error.field)
        raise _refusal(forms[index], error, f"hours.{index}.") from None
    return _availability_out(mentor)


@router.post(
    "/{slug}/availability/overrides",
    response={201: DateOverrideOut, **WRITE_ERRORS},
    operation_id="availability_override_add",
    summary="Extra hours on one date (in the mentor's zone), or that date off",
)
def availability_override_add(request: HttpRequest, slug: str, payload: DateOverrideIn) -> Any:
    _program, mentor = _mentor(request, slug)
    form = DateOverrideForm(_form_data(DateOverrideForm, payload.model_dump()))
    cleaned = _parsed(form)
    try:
        override = services.date_override_add(mentor=mentor, now=timezone.now(), **cleaned)
    except SchedulingError as error:
        raise _refusal(form, error) from None
    return Status(201, _override_out(override))


@router.delete(
    "/{slug}/availability/overrides/{override_id}",
    response=DELETE_ERRORS,
    operation_id="availability_override_remove",
    summary="Remove one of the calling mentor's date overrides",
)
def availability_override_remove(request: HttpRequest, slug: str, override_id: int) -> Any:
    _program, mentor = _mentor(request, slug)
    pk = object_id(override_id)
    return _removed_or_404(
        lambda: services.date_override_remove(mentor=mentor, date_override_id=pk)
    )


@router.post(
    "/{slug}/availability/time-off",
    response={201: TimeOffOut, **WRITE_ERRORS},
    operation_id="availability_time_off_add",
    summary="Time away, first and last day inclusive: no open times on those dates",
)
def availability_time_off_add(request: HttpRequest, slug: str, payload: TimeOffIn) -> Any:
    _program, mentor = _mentor(request, slug)
    form = TimeOffForm(_form_data(TimeOffForm, payload.model_dump()))
    cleaned = _parsed(form)
    try:
        time_off = services.time_off_add(mentor=mentor, now=timezone.now(), **cleaned)
    except SchedulingError as error:
        raise _refusal(form, error) from None
    return Status(201, _time_off_out(time_off))


@router.delete(
    "/{slug}/availability/time-off/{time_off_id}",
    response=DELETE_ERRORS,
    operation_id="availability_time_off_remove",
    summary="Remove one of the calling mentor's stretches of time off",
)
def availability_time_off_remove(request: HttpRequest, slug: str, time_off_id: int) -> Any:
    _program, mentor = _mentor(request, slug)
    pk = object_id(time_off_id)
    return _removed_or_404(lambda: services.time_off_remove(mentor=mentor, time_off_id=pk))


# --- the regular time (cadence) --------------------------------------------------


def _cadence_out(mentorship_id: int) -> dict[str, Any]:
    cadence = Cadence.objects.filter(mentorship_id=mentorship_id).first()
    regular = None
    if cadence is not None:
        regular = {
            "frequency": cadence.frequency,
            "weekday": cadence.weekday,
            "time_of_day": _hm(cadence.time_of_day),
            "time_zone": cadence.time_zone,
            "length_minutes": cadence.length_minutes,
            "starts_on": cadence.starts_on,
            "updated_at": cadence.updated_at,
        }
    return {"mentorship_id": mentorship_id, "cadence": regular}


@router.get(
    "/{slug}/mentorships/{mentorship_id}/cadence",
    response={200: CadenceOut, **ERRORS},
    operation_id="cadence_get",
    summary="A mentorship's regular time (in the mentor's zone), for its mentor and mentee",
)
def cadence_get(request: HttpRequest, slug: str, mentorship_id: int) -> Any:
    program = program_for_caller(request, slug)
    mentorship = access.mentorship_for_party(caller(request), program, object_id(mentorship_id))
    return _cadence_out(mentorship.pk)


@router.put(
    "/{slug}/mentorships/{mentorship_id}/cadence",
    response={200: CadenceSetOut, **WRITE_ERRORS},
    operation_id="cadence_set",
    summary="Agree the regular time (either party); future regular sessions follow it",
)
def cadence_set(request: HttpRequest, slug: str, mentorship_id: int, payload: CadenceIn) -> Any:
    program = program_for_caller(request, slug)
    mentorship = access.mentorship_for_party(caller(request), program, object_id(mentorship_id))
    length = payload.length_minutes
    form = CadenceForm(
        {
            "frequency": payload.frequency,
            "weekday": payload.weekday,
            "time_of_day": payload.time_of_day,
            "length_minutes": program.default_session_minutes if length is None else length,
            "starts_on": payload.starts_on,
        }
    )
    if not form.is_valid():
        lists.refuse_form(form)
    result = cadence_services.cadence_set(
        mentorship=mentorship, by=caller(request), now=timezone.now(), **form.cleaned_data
    )
    return {
        **_cadence_out(mentorship.pk),
        "sync": {
            "created": [s.pk for s in result.created],
            "moved": [s.pk for s in result.moved],
            "cancelled": [s.pk for s in result.cancelled],
            "conflicts": result.conflicts,
        },
    }
