"""Staff matching pages: a mentee's suggested mentors, and whole-cohort bulk matching.

Thin views: look the mentee or run up through staff_queries (404 for anyone
not allowed), validate a form, call one service, redirect. A MatchingError
becomes a message on the page (409, or 400 for a form), never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentora.accounts.http import AuthedRequest
from mentora.matching.errors import MatchingError
from mentora.matching.models import BulkMatchRun
from mentora.matching.staff import queries as staff_queries
from mentora.matching.staff import services as staff
from mentora.matching.staff.forms import BulkMatchForm, MatchForm, PinsForm
from mentora.programs import queries as program_queries
from mentora.programs.models import Program


@login_required
def mentee_suggestions(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    page = staff_queries.suggestions_page(
        program=program, viewer=request.user, mentee_id=user_id, now=timezone.now()
    )
    return render(request, "matching/staff_suggestions.html", {"program": program, "page": page})


@login_required
@require_POST
def mentee_match(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    membership = staff_queries.mentee_for_matching(request.user, program, user_id)
    form = MatchForm(request.POST)
    try:
        if not form.is_valid():
            raise MatchingError("bad_mentor", "Choose a mentor from the suggestions.")
        mentorship = staff.match_from_suggestion(
            program=program,
            mentee=membership.user,
            mentor_id=form.cleaned_data["mentor"],
            by=request.user,
        )
    except MatchingError as error:
        messages.error(request, error.message)
        page = staff_queries.suggestions_page(
            program=program, viewer=request.user, mentee_id=user_id, now=timezone.now()
        )
        context = {"program": program, "page": page}
        return render(request, "matching/staff_suggestions.html", context, status=409)
    messages.success(
        request, f"{mentorship.mentee.name} is now matched with {mentorship.mentor.name}."
    )
    return redirect("mentee_detail", slug=program.slug, user_id=membership.user_id)


def _cohort_id(program: Program, raw: str | None) -> int | None:
    """The chosen cohort of this program, or None (all cohorts) for anything else."""
    try:
        cohort_id = int(raw or "")
    except ValueError:
        return None
    return cohort_id if program.cohorts.filter(pk=cohort_id).exists() else None


@login_required
def bulk_match_new(request: AuthedRequest, slug: str) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    staff_queries.require_program_admin(request.user, program)
    source = request.POST if request.method == "POST" else request.GET
    cohort_id = _cohort_id(program, source.get("cohort"))
    form = BulkMatchForm(
        request.POST if request.method == "POST" else None, program=program, cohort_id=cohort_id
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
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("bulk_match_preview", slug=program.slug, run_id=run.pk)
    context = {
        "program": program,
        "form": form,
        "cohorts": program.cohorts.order_by("name"),
        "cohort_id": cohort_id,
        "runs": staff_queries.recent_runs(program),
    }
    return render(request, "matching/bulk_new.html", context, status=400 if form.errors else 200)


def _preview(
    request: AuthedRequest,
    program: Program,
    run: BulkMatchRun,
    *,
    pins_form: PinsForm | None = None,
    conflicts: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    if status != 200:  # a refused action: show the run as it is now, not as it was read
        run.refresh_from_db(fields=["status", "published_at"])
    page = staff_queries.preview_page(run)
    if pins_form is None:
        pins_form = PinsForm(
            rows=page.matched + page.unmatched, pool=page.pool, pins=staff_queries.run_pins(run)
        )
    conflicts = page.conflicts if conflicts is None else conflicts
    context: dict[str, Any] = {
        "program": program,
        "page": page,
        "pins_form": pins_form,
        "table": [(row, box, conflicts.get(row.pk, "")) for row, box in pins_form.row_fields()],
        "conflicts": conflicts,
    }
    return render(request, "matching/bulk_preview.html", context, status=status)


@login_required
def bulk_match_preview(request: AuthedRequest, slug: str, run_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    run = staff_queries.run_for_admin(request.user, program, run_id)
    return _preview(request, program, run)


@login_required
@require_POST
def bulk_match_publish(request: AuthedRequest, slug: str, run_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    run = staff_queries.run_for_admin(request.user, program, run_id)
    try:
        started = staff.bulk_publish(run=run, by=request.user)
    except staff.PublishConflict as conflict:
        messages.error(request, conflict.message)
        return _preview(request, program, run, conflicts=conflict.rows, status=409)
    except MatchingError as error:
        messages.error(request, error.message)
        return _preview(request, program, run, status=409)
    count = len(started)
    messages.success(request, f"Published: {count} mentorship{'s' if count != 1 else ''} started.")
    return redirect("bulk_match_preview", slug=program.slug, run_id=run.pk)


@login_required
@require_POST
def bulk_match_revise(request: AuthedRequest, slug: str, run_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    run = staff_queries.run_for_admin(request.user, program, run_id)
    rows = staff_queries.run_rows(run)
    form = PinsForm(
        request.POST,
        rows=rows,
        pool=staff_queries.run_pool(run),
        pins=staff_queries.run_pins(run),
    )
    if not form.is_valid():
        messages.error(request, "Choose a mentee of this preview and a mentor of its pool.")
        return _preview(request, program, run, pins_form=form, status=400)
    try:
        new = staff.bulk_revise(
            run=run, by=request.user, pins=form.pins(), excluded=form.excluded()
        )
    except MatchingError as error:
        messages.error(request, error.message)
        return _preview(request, program, run, pins_form=form, status=409)
    messages.success(request, "Here is the new preview with your pins and exclusions.")
    return redirect("bulk_match_preview", slug=program.slug, run_id=new.pk)


@login_required
@require_POST
def bulk_match_discard(request: AuthedRequest, slug: str, run_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    run = staff_queries.run_for_admin(request.user, program, run_id)
    try:
        staff.bulk_discard(run=run, by=request.user)
    except MatchingError as error:
        messages.error(request, error.message)
        return _preview(request, program, run, status=409)
    messages.success(request, "The preview is discarded. Nothing was created.")
    return redirect("bulk_match_new", slug=program.slug)
