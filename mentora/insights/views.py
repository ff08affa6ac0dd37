"""Insights pages: the caseload, a mentee's timeline, the mentor view, program insights
and their CSV. Thin views: look the scope up (404 for anyone else), read the
filters (a bad one is reported on the page, never a 500), call one query, render."""

from __future__ import annotations

import csv
from datetime import date
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mentora.accounts.http import AuthedRequest
from mentora.insights import access, charts, figures, queries, services
from mentora.insights.forms import CaseloadFilterForm, PeriodForm, RiskPolicyForm
from mentora.insights.models import RiskPolicy
from mentora.programs import queries as program_queries
from mentora.programs.models import Program


def _today(program: Program) -> date:
    return timezone.now().astimezone(ZoneInfo(program.time_zone)).date()


@login_required
def caseload(request: AuthedRequest, slug: str) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
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


@login_required
def caseload_mentee(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    scope = access.caseload_scope(request.user, program)
    membership = access.mentee_in_scope(scope, user_id)
    page = queries.timeline(scope, membership, timezone.now())
    live = [m for m in page.mentorships if m.is_live]
    return render(
        request,
        "insights/mentee.html",
        {"program": program, "page": page, "live": live, "mentee": membership.user},
    )


@login_required
def staff_mentors(request: AuthedRequest, slug: str) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    access.require_staff(request.user, program)
    form = PeriodForm(request.GET or None, program=program, today=_today(program))
    first, last, _ = form.period()
    period = figures.Period.covering(first, last, ZoneInfo(program.time_zone))
    rows = queries.mentor_rows(program, period.start, period.end, timezone.now())
    return render(
        request,
        "insights/mentors.html",
        {"program": program, "form": form, "rows": rows, "period": period},
    )


def _figures(request: AuthedRequest, slug: str) -> tuple[Program, PeriodForm, figures.Figures]:
    program = program_queries.program_for_member(request.user, slug)
    scope = access.caseload_scope(request.user, program)
    form = PeriodForm(request.GET or None, program=program, today=_today(program))
    first, last, cohort = form.period()
    period = figures.Period.covering(first, last, ZoneInfo(program.time_zone))
    return program, form, figures.figures(scope, period, cohort)


@login_required
def insights(request: AuthedRequest, slug: str) -> HttpResponse:
    program, form, fig = _figures(request, slug)
    return render(
        request,
        "insights/insights.html",
        {
            "program": program,
            "form": form,
            "fig": fig,
            "charts": charts.all_charts(fig),
            "csv_query": request.GET.urlencode(),
        },
    )


@login_required
def insights_csv(request: AuthedRequest, slug: str) -> HttpResponse:
    program, form, fig = _figures(request, slug)
    if form.is_bound and not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(
            f"Can't export: {message}", status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{program.slug}-insights-{fig.period.first}-{fig.period.last}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    csv.writer(response).writerows(figures.csv_rows(fig))
    return response


@login_required
def risk_policy_edit(request: AuthedRequest, slug: str) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    access.require_program_admin(request.user, program)
    policy = RiskPolicy.for_program(program)
    form = RiskPolicyForm(request.POST if request.method == "POST" else None, instance=policy)
    context = {"program": program, "form": form}
    if request.method != "POST":
        return render(request, "insights/risk_policy.html", context)
    if not form.is_valid():
        return render(request, "insights/risk_policy.html", context, status=400)
    services.risk_policy_update(policy=policy, values=form.cleaned_data)
    messages.success(request, "Risk rules saved. The caseload is ordered by them from now on.")
    return redirect("caseload", slug=program.slug)
