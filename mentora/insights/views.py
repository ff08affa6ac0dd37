"""Insights pages: the caseload, a mentee's timeline, the mentor view, program insights
and their CSV, and the risk rules. Thin views: @program_view lets in the program's
people, `access` narrows them to the page's staff and gives their scope (404 for
anyone else), the filters are read (a bad one is reported on the page, never a
500), one query is called, and the page rendered."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora import spreadsheet
from mentora.insights import access, charts, figures, queries, service_levels, services
from mentora.insights.forms import CaseloadFilterForm, PeriodForm, RiskPolicyForm
from mentora.insights.models import RiskPolicy
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Program


def _today(program: Program) -> date:
    return timezone.now().astimezone(ZoneInfo(program.time_zone)).date()


@program_view
def caseload(request: ProgramRequest) -> HttpResponse:
    program = request.program
    scope = access.caseload_scope(request.user, program)
    form = CaseloadFilterForm(request.GET or None, program=program)
    filters = form.filters()
    page = queries.caseload(scope, timezone.now(), filters, form.page_number())
    query = request.GET.copy()
    query.pop("page", None)
    # The selects are written out in the template: a widget per option is slow
    # with hundreds of mentors.
    choices = {
        "cohorts": queries.cohorts_of(program).values_list("pk", "name"),
        "mentors": queries.mentors_of(program).values_list("pk", "name"),
        "cohort": filters.cohort.pk if filters.cohort else None,
        "mentor": filters.mentor.pk if filters.mentor else None,
    }
    return render(
        request,
        "insights/caseload.html",
        {
            "program": program,
            "scope": scope,
            "form": form,
            "choices": choices,
            "page": page,
            "query": query.urlencode(),
        },
    )


@program_view
def caseload_mentee(request: ProgramRequest, user_id: int) -> HttpResponse:
    program = request.program
    scope = access.caseload_scope(request.user, program)
    membership = access.mentee_in_scope(scope, user_id)
    page = queries.timeline(scope, membership, timezone.now())
    live = [m for m in page.mentorships if m.is_live]
    return render(
        request,
        "insights/mentee.html",
        {"program": program, "page": page, "live": live, "mentee": membership.user},
    )


@program_view(allow=access.sees_mentor_numbers)
def staff_mentors(request: ProgramRequest) -> HttpResponse:
    program = request.program
    form = PeriodForm(request.GET or None, program=program, today=_today(program))
    first, last, _cohort = form.period()
    period = figures.Period.covering(first, last, ZoneInfo(program.time_zone))
    rows = queries.mentor_rows(program, period.start, period.end, timezone.now())
    return render(
        request,
        "insights/mentors.html",
        {"program": program, "form": form, "rows": rows, "period": period},
    )


def _figures(request: ProgramRequest) -> tuple[Program, PeriodForm, figures.Figures]:
    program = request.program
    scope = access.caseload_scope(request.user, program)
    form = PeriodForm(request.GET or None, program=program, today=_today(program))
    first, last, cohort = form.period()
    period = figures.Period.covering(first, last, ZoneInfo(program.time_zone))
    return program, form, figures.figures(scope, period, cohort)


@program_view
def insights(request: ProgramRequest) -> HttpResponse:
    program, form, fig = _figures(request)
    return render(
        request,
        "insights/insights.html",
        {
            "program": program,
            "form": form,
            "fig": fig,
            "charts": charts.all_charts(fig),
            "levels": service_levels.service_levels(
                fig.scope, fig.period, fig.cohort, timezone.now()
            ),
            "csv_query": request.GET.urlencode(),
        },
    )


@program_view
def insights_csv(request: ProgramRequest) -> HttpResponse:
    program, form, fig = _figures(request)
    if form.is_bound and not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(
            _("Can't export: %(message)s") % {"message": message},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    name = f"{program.slug}-insights-{fig.period.first}-{fig.period.last}.csv"
    return spreadsheet.csv_response(filename=name, rows=figures.csv_rows(fig))


@program_view(allow=access.changes_risk_rules)
def risk_policy_edit(request: ProgramRequest) -> HttpResponse:
    program = request.program
    policy = RiskPolicy.for_program(program)
    form = RiskPolicyForm(request.POST if request.method == "POST" else None, instance=policy)
    context = {"program": program, "form": form}
    if request.method != "POST":
        return render(request, "insights/risk_policy.html", context)
    if not form.is_valid():
        return render(request, "insights/risk_policy.html", context, status=400)
    services.risk_policy_update(policy=policy, values=form.cleaned_data)
    messages.success(request, _("Risk rules saved. The caseload is ordered by them from now on."))
    return redirect("caseload", slug=program.slug)
