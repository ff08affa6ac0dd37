"""The mentor's availability editor: weekly hours, date overrides, time off.

One page, several small forms. A POST names its `action`; the view parses the
matching form, calls one service, and redirects back (post/redirect/get). A
refusal re-renders the page with status 400 and the message next to its field;
nothing is saved. Only mentors reach the page (`@program_view(roles=...)`).
Availability belongs to the mentor, not to the program: the program only
decides the booking rules the preview applies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mentora.accounts.models import User
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Program, Role
from mentora.scheduling import queries
from mentora.scheduling.availability import services
from mentora.scheduling.availability.forms import (
    DateOverrideForm,
    DomainErrorForm,
    RemoveForm,
    TimeOffForm,
    WeeklyHoursForm,
)
from mentora.scheduling.calendars import busy as calendar_busy
from mentora.scheduling.errors import SchedulingError
from mentora.scheduling.models import DateOverride, TimeOff, Weekday, WeeklyHours

PREVIEW_DAYS = 14  # the preview shows every open start time of these days, as it says
UNKNOWN_ACTION = gettext_lazy(
    "This page doesn't know that action. Nothing was changed; please try again."
)


@program_view(roles={Role.MENTOR})
@require_http_methods(["GET", "HEAD", "POST"])
def availability_edit(request: ProgramRequest) -> HttpResponse:
    program = request.program
    if request.method != "POST":
        return _render(request, program)
    handler = ACTIONS.get(request.POST.get("action", ""))
    if handler is None:
        return _render(request, program, error=str(UNKNOWN_ACTION), status=400)
    outcome = handler(request.user, request.POST)
    if outcome.refused:
        # 400 tells scripts and tests the submission was refused; people see the messages.
        return _render(request, program, bound=outcome.form, error=outcome.error, status=400)
    messages.success(request, outcome.message)
    return redirect("availability_edit", slug=program.slug)


# --- Actions: parse one form, call one service ---------------------------------


@dataclass(frozen=True)
class Outcome:
    message: str = ""  # what was done, when it was
    error: str = ""  # a refusal that belongs above the forms
    form: DomainErrorForm | None = None  # a bound form carrying its field errors

    @property
    def refused(self) -> bool:
        return not self.message


def _submit(form: DomainErrorForm, call: Callable[[], str]) -> Outcome:
    if form.is_valid():
        try:
            return Outcome(message=call())
        except SchedulingError as error:
            form.add_domain_error(error)
    return Outcome(form=form)


def _remove(data: QueryDict, what: str, call: Callable[[int], str]) -> Outcome:
    form = RemoveForm(data)
    if not form.is_valid():
        return Outcome(
            error=_("That %(what)s couldn't be found. Nothing was changed.") % {"what": what}
        )
    try:
        return Outcome(message=call(form.cleaned_data["id"]))
    except SchedulingError as error:
        return Outcome(error=_("%(refusal)s Nothing was changed.") % {"refusal": error.message})


def _add_weekly(mentor: User, data: QueryDict) -> Outcome:
    form = WeeklyHoursForm(data)

    def call() -> str:
        hours = services.weekly_hours_add(mentor=mentor, **form.cleaned_data)
        return _("Added %(hours)s.") % {"hours": hours}

    return _submit(form, call)


def _remove_weekly(mentor: User, data: QueryDict) -> Outcome:
    def call(pk: int) -> str:
        hours = services.weekly_hours_remove(mentor=mentor, weekly_hours_id=pk)
        return _("Removed %(hours)s.") % {"hours": hours}

    return _remove(data, _("weekly range"), call)


def _add_override(mentor: User, data: QueryDict) -> Outcome:
    form = DateOverrideForm(data)

    def call() -> str:
        override = services.date_override_add(mentor=mentor, **form.cleaned_data)
        return _("Added %(override)s.") % {"override": _describe_override(override)}

    return _submit(form, call)


def _remove_override(mentor: User, data: QueryDict) -> Outcome:
    def call(pk: int) -> str:
        override = services.date_override_remove(mentor=mentor, date_override_id=pk)
        return _("Removed %(override)s.") % {"override": _describe_override(override)}

    return _remove(data, _("date"), call)


def _add_time_off(mentor: User, data: QueryDict) -> Outcome:
    form = TimeOffForm(data)

    def call() -> str:
        time_off = services.time_off_add(mentor=mentor, **form.cleaned_data)
        return _("Added time off %(when)s.") % {"when": _describe_time_off(time_off)}

    return _submit(form, call)


def _remove_time_off(mentor: User, data: QueryDict) -> Outcome:
    def call(pk: int) -> str:
        time_off = services.time_off_remove(mentor=mentor, time_off_id=pk)
        return _("Removed time off %(when)s.") % {"when": _describe_time_off(time_off)}

    return _remove(data, _("time off"), call)


ACTIONS: dict[str, Callable[[User, QueryDict], Outcome]] = {
    "add_weekly": _add_weekly,
    "remove_weekly": _remove_weekly,
    "add_override": _add_override,
    "remove_override": _remove_override,
    "add_time_off": _add_time_off,
    "remove_time_off": _remove_time_off,
}


# --- Reading the page ------------------------------------------------------------


def _day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _describe_override(override: DateOverride) -> str:
    when = _day_label(override.date)
    if override.start_time and override.end_time:
        return _("extra hours on %(day)s, %(start)s–%(end)s") % {
            "day": when,
            "start": f"{override.start_time:%H:%M}",
            "end": f"{override.end_time:%H:%M}",
        }
    return _("a day off on %(day)s") % {"day": when}


def _describe_time_off(time_off: TimeOff) -> str:
    if time_off.starts_on == time_off.ends_on:
        return _("on %(day)s") % {"day": _day_label(time_off.starts_on)}
    return _("from %(first)s to %(last)s") % {
        "first": _day_label(time_off.starts_on),
        "last": _day_label(time_off.ends_on),
    }


@dataclass(frozen=True)
class WeekdayHours:
    label: str
    ranges: list[WeeklyHours]


@dataclass(frozen=True)
class PreviewDay:
    label: str
    times: list[str]  # "HH:MM" in the mentor's zone, formatted here so no template converts it


def _weekly_by_day(mentor: User) -> list[WeekdayHours]:
    rows = list(WeeklyHours.objects.filter(mentor=mentor).order_by("weekday", "start_time"))
    return [
        WeekdayHours(label=label, ranges=[r for r in rows if r.weekday == value])
        for value, label in Weekday.choices
    ]


def _preview(
    mentor: User, program: Program, now: datetime, calendar: calendar_busy.CalendarState
) -> list[PreviewDay]:
    """Every open start time of the next PREVIEW_DAYS days, grouped by the mentor's
    local day: the page says "the next 14 days", so no day is cut short by a count."""
    window = (now, now + timedelta(days=PREVIEW_DAYS))
    starts = queries.mentor_open_slots(
        mentor=mentor, program=program, window=window, now=now, calendar=calendar
    )
    zone = ZoneInfo(mentor.time_zone)
    days: dict[date, list[str]] = {}
    for start in starts:
        local = start.astimezone(zone)
        days.setdefault(local.date(), []).append(f"{local:%H:%M}")
    return [PreviewDay(label=f"{day:%A} {day.day} {day:%B}", times=t) for day, t in days.items()]


def _render(
    request: ProgramRequest,
    program: Program,
    *,
    bound: DomainErrorForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    mentor, now = request.user, timezone.now()
    today = services.mentor_today(mentor, now)
    forms: dict[str, DomainErrorForm] = {
        "weekly": WeeklyHoursForm(),
        "override": DateOverrideForm(),
        "time_off": TimeOffForm(),
    }
    if bound is not None and bound.prefix:
        forms[bound.prefix] = bound
    weekly = _weekly_by_day(mentor)
    calendar = calendar_busy.calendar_state(mentor.pk, program, now)
    context = {
        "program": program,
        "zone": mentor.time_zone,
        "forms": forms,
        "error": error,
        "weekly": weekly,
        "has_weekly_hours": any(day.ranges for day in weekly),
        "overrides": DateOverride.objects.filter(mentor=mentor, date__gte=today),
        "time_off": TimeOff.objects.filter(mentor=mentor, ends_on__gte=today),
        "preview": _preview(mentor, program, now, calendar),
        "calendar_note": (
            calendar_busy.stale_notice(calendar.stale_since, mentor.time_zone, now)
            if calendar.stale_since is not None
            else ""
        ),
        "preview_days": PREVIEW_DAYS,
    }
    return render(request, "scheduling/availability.html", context, status=status)
