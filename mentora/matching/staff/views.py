"""Staff matching pages: a mentee's suggested mentors, and whole-cohort bulk matching.

Thin views: the mentee or run through `matching.access` (404 for anyone not
allowed; bulk matching is for program admins), validate a form, call one
service, redirect. A MatchingError becomes a message on the page (409, or 400
for a form), never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora import errors
from mentora.matching import access
from mentora.matching.errors import MatchingCode, MatchingError
from mentora.matching.models import BulkMatchRun
from mentora.matching.staff import queries as staff_queries
from mentora.matching.staff import services as staff
from mentora.matching.staff.forms import SEARCH_MAX, BulkMatchForm, MatchForm, PinsForm
from mentora.programs import access as program_access
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Membership, Program


def _suggestions(
    request: ProgramRequest, membership: Membership, status: int = 200
) -> HttpResponse:
    page = staff_queries.suggestions_page(
        program=request.program, membership=membership, now=timezone.now()
    )
    context = {"program": request.program, "page": page}
    return render(request, "matching/staff_suggestions.html", context, status=status)


@program_view
def mentee_suggestions(request: ProgramRequest, user_id: int) -> HttpResponse:
    membership = access.mentee_for_matching(request.user, request.program, user_id)
    return _suggestions(request, membership)


@program_view
@require_POST
def mentee_match(request: ProgramRequest, user_id: int) -> HttpResponse:
    program = request.program
    membership = access.mentee_for_matching(request.user, program, user_id)
    form = MatchForm(request.POST)
    try:
        if not form.is_valid():
            raise MatchingError(MatchingCode.BAD_MENTOR, _("Choose a mentor from the suggestions."))
        mentorship = staff.match_from_suggestion(
            program=program,
            mentee=membership.user,
            mentor_id=form.cleaned_data["mentor"],
            by=request.user,
        )
    except MatchingError as error:
        errors.page_error(request, error)
        # Read the mentee again: the page shows them as they are after the refusal.
        membership = access.mentee_for_matching(request.user, program, user_id)
        return _suggestions(request, membership, status=409)
    messages.success(
        request,
        _("%(mentee)s is now matched with %(mentor)s.")
        % {"mentee": mentorship.mentee.name, "mentor": mentorship.mentor.name},
    )
    return redirect("mentee_detail", slug=program.slug, user_id=membership.user_id)


def _cohort_id(program: Program, raw: str | None) -> int | None:
    """The chosen cohort of this program, or None (all cohorts) for anything else."""
    try:
        cohort_id = int(raw or "")
    except ValueError:
        return None
    return cohort_id if program.cohorts.filter(pk=cohort_id).exists() else None


def _search(raw: str | None) -> str:
    """A search as typed, trimmed; an overlong one is cut rather than refused."""
    return (raw or "").strip()[:SEARCH_MAX]


@program_view(allow=program_access.is_program_admin)
def bulk_match_new(request: ProgramRequest) -> HttpResponse:
    program = request.program
    source = request.POST if request.method == "POST" else request.GET
    cohort_id = _cohort_id(program, source.get("cohort"))
    form = BulkMatchForm(
        request.POST if request.method == "POST" else None,
        program=program,
        cohort_id=cohort_id,
        search=_search(source.get("q")),
        mentor_search=_search(source.get("mq")),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = staff.bulk_preview(
                program=program,
                by=request.user,
                mentee_ids=data["mentees"],
                mentor_ids=data["mentors"],
                objective=data["objective"],
                min_score=data["min_score"],
                cohort_id=cohort_id,
            )
        except MatchingError as error:
            errors.form_error(form, error)
        else:
            return redirect("bulk_match_preview", slug=program.slug, run_id=run.pk)
    listed = staff_queries.listed_page
    context = {
        "program": program,
        "form": form,
        "cohorts": program.cohorts.order_by("name"),
        "cohort_id": cohort_id,
        "mentee_page": listed(form.mentee_set, request.GET.get("page"))
        if form.mentees_listed
        else None,
        "mentor_page": listed(form.mentor_set, request.GET.get("mentors_page"))
        if form.mentors_listed
        else None,
        "runs": staff_queries.recent_runs(program),
    }
    return render(request, "matching/bulk_new.html", context, status=400 if form.errors else 200)


def _preview_filters(request: ProgramRequest) -> staff_queries.PreviewFilters:
    show = request.GET.get("show", "")
    return staff_queries.PreviewFilters(
        search=_search(request.GET.get("q")),
        show=show if show in staff_queries.Show.CHOICES else staff_queries.Show.ALL,
        page=request.GET.get("page"),
        mentors_page=request.GET.get("mentors_page"),
    )


def _preview(
    request: ProgramRequest,
    run: BulkMatchRun,
    *,
    pins_form: PinsForm | None = None,
    conflicts: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    if status != 200:  # a refused action: show the run as it is now, not as it was read
        run.refresh_from_db(fields=["status", "published_at"])
    page = staff_queries.preview_page(run, _preview_filters(request))
    if pins_form is None:
        pins_form = PinsForm(rows=list(page.rows), pool=page.pool, pins=staff_queries.run_pins(run))
    if conflicts is None:
        conflicts, conflict_count = page.conflicts, page.conflict_count
    else:  # refused at publishing: what publishing found, for the rows shown
        conflict_count = len(conflicts)
    context: dict[str, Any] = {
        "program": request.program,
        "progress": staff.run_progress(run),  # a job's failure, in words
        "page": page,
        "pins_form": pins_form,
        "table": [(row, pins_form.box_for(row), conflicts.get(row.pk, "")) for row in page.rows],
        "conflicts": conflicts,
        "conflict_count": conflict_count,
    }
    return render(request, "matching/bulk_preview.html", context, status=status)


@program_view
def bulk_match_preview(request: ProgramRequest, run_id: int) -> HttpResponse:
    run = access.run_for_admin(request.user, request.program, run_id)
    progress = staff.run_progress(run)
    if progress is not None and progress.working:  # the worker is computing or publishing it
        return redirect("bulk_match_progress", slug=request.program.slug, run_id=run.pk)
    return _preview(request, run)


@program_view
@require_POST
def bulk_match_revise(request: ProgramRequest, run_id: int) -> HttpResponse:
    run = access.run_for_admin(request.user, request.program, run_id)
    form = PinsForm(
        request.POST,
        rows=staff_queries.run_rows_to_pin(run),
        pool=staff_queries.run_pool(run),
        pins=staff_queries.run_pins(run),
    )
    if not form.is_valid():
        messages.error(request, _("Choose a mentee of this preview and a mentor of its pool."))
        return _preview(request, run, pins_form=form, status=400)
    try:
        new = staff.bulk_revise(
            run=run, by=request.user, pins=form.pins(), excluded=form.excluded()
        )
    except MatchingError as error:
        errors.page_error(request, error)
        return _preview(request, run, pins_form=form, status=409)
    messages.success(request, _("Here is the new preview with your pins and exclusions."))
    return redirect("bulk_match_preview", slug=request.program.slug, run_id=new.pk)


@program_view
@require_POST
def bulk_match_discard(request: ProgramRequest, run_id: int) -> HttpResponse:
    run = access.run_for_admin(request.user, request.program, run_id)
    try:
        staff.bulk_discard(run=run, by=request.user)
    except MatchingError as error:
        errors.page_error(request, error)
        return _preview(request, run, status=409)
    messages.success(request, _("The preview is discarded. Nothing was created."))
    return redirect("bulk_match_new", slug=request.program.slug)
