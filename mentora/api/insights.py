"""The insights figures over the API: the weekly numbers the insights page and its
CSV show (sessions, attendance, preparation, goals met, feedback, action items,
mentorships), for the same scope (an admin: the program; a success manager: their
caseload; anyone else 404) and the same period form (whole weeks in the
program's zone; a bad period is a 422 here, where the page falls back).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from mentora.api import lists
from mentora.api.access import caller, program_for_caller
from mentora.api.sessions import ERRORS
from mentora.insights import access, figures
from mentora.insights.forms import PeriodForm

router = Router(tags=["insights"])
# The week's numbers, named as the CSV's columns (its first, the week, is apart).
WEEK_FIELDS = [key for key, _label in figures.CSV_COLUMNS if key not in ("week_starting",)]


class InsightsQuery(Schema):
    start: str | None = Field(None, description="First day (YYYY-MM-DD); default 12 weeks ago.")
    end: str | None = Field(None, description="Last day (YYYY-MM-DD); default today.")
    cohort: str | None = Field(None, description="One cohort's id; default every cohort.")


class WeekOut(Schema):
    week_starting: str | None  # the Monday; None for the period's total
    numbers: dict[str, float | int | None]


class InsightsOut(Schema):
    first_day: str
    last_day: str
    time_zone: str
    cohort_id: int | None
    whole_program: bool  # False: the calling success manager's caseload
    weeks: list[WeekOut]
    total: WeekOut
    mentor_capacity: int | None
    live_mentorships_now: int | None


def _week_out(fig: figures.Figures, week: figures.Week) -> dict[str, Any]:
    utilisation = fig.week_utilisation(week) if week.starts_on else fig.utilisation
    numbers = {
        key: utilisation if key == "utilisation" else getattr(week, key) for key in WEEK_FIELDS
    }
    return {
        "week_starting": week.starts_on.isoformat() if week.starts_on else None,
        "numbers": numbers,
    }


@router.get(
    "/{slug}/insights",
    response={200: InsightsOut, **ERRORS},
    operation_id="insights_figures",
    summary="The insights page's weekly figures for the caller's scope and a period",
)
def insights_figures(
    request: HttpRequest,
    slug: str,
    given: Query[InsightsQuery],  # type: ignore[type-arg]
) -> Any:
    program = program_for_caller(request, slug)
    scope = access.caseload_scope(caller(request), program)
    zone = ZoneInfo(program.time_zone)
    data = {k: v for k, v in given.dict().items() if v}
    form = PeriodForm(data or None, program=program, today=timezone.now().astimezone(zone).date())
    if form.is_bound and not form.is_valid():
        lists.refuse_form(form)
    first, last, cohort = form.period()
    fig = figures.figures(scope, figures.Period.covering(first, last, zone), cohort)
    return {
        "first_day": fig.period.first.isoformat(),
        "last_day": fig.period.last.isoformat(),
        "time_zone": program.time_zone,
        "cohort_id": cohort.pk if cohort else None,
        "whole_program": scope.whole_program,
        "weeks": [_week_out(fig, w) for w in fig.weeks],
        "total": _week_out(fig, fig.total),
        "mentor_capacity": fig.capacity,
        "live_mentorships_now": fig.live_now,
    }
