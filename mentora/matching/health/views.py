"""Relationship-health pages: pulses, concerns, re-matching, a mentee's history.

Thin views: look the object up through a permission helper in health_queries
(404 for anyone who may not see it), validate a form, call one service,
redirect. A MatchingError becomes a message next to its field, status 409.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentora.accounts.http import AuthedRequest
from mentora.matching.engine.suggestions import ranked_mentors_for
from mentora.matching.errors import MatchingError
from mentora.matching.health import queries as health_queries
from mentora.matching.health import services as health
from mentora.matching.health.forms import ConcernForm, PulseAnswerForm, RematchForm, ResolveForm
from mentora.matching.lifecycle import services
from mentora.matching.models import Concern, ConcernOutcome, ConcernStatus
from mentora.programs import access as program_access
from mentora.programs import queries as program_queries
from mentora.programs.models import EndReason, Mentorship, Program
from mentora.scheduling.queries import mentorship_for_party

CONCERNS_SHOWN = 100


def _posted(request: AuthedRequest) -> QueryDict | None:
    """The posted data, so that an empty POST is a bound form with errors."""
    return request.POST if request.method == "POST" else None


def _form_error(form: Any, error: MatchingError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# --- pulses -----------------------------------------------------------------------------


@login_required
def pulse_answer(request: AuthedRequest, slug: str, pulse_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    pulse = health_queries.pulse_for_respondent(request.user, program, pulse_id)
    form = PulseAnswerForm(_posted(request))
    context = {"program": program, "pulse": pulse, "form": form}
    if request.method != "POST" or pulse.answer:
        return render(request, "matching/pulse_answer.html", context)
    if not form.is_valid():
        return render(request, "matching/pulse_answer.html", context, status=400)
    try:
        health.pulse_answer(pulse=pulse, by=request.user, **form.cleaned_data)
    except MatchingError as error:
        _form_error(form, error)
        return render(request, "matching/pulse_answer.html", context, status=409)
    messages.success(request, "Thanks for answering. Your success manager sees your answer.")
    return redirect("program_home", slug=program.slug)


# --- concerns ---------------------------------------------------------------------------


@login_required
def concern_new(request: AuthedRequest, slug: str, mentorship_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    mentorship = mentorship_for_party(request.user, program, mentorship_id)
    membership = program_queries.mentee_membership(program, mentorship.mentee)
    form = ConcernForm(_posted(request))
    context = {
        "program": program,
        "mentorship": mentorship,
        "form": form,
        "other": mentorship.mentor
        if request.user.pk == mentorship.mentee_id
        else mentorship.mentee,
        "success_manager": membership.success_manager if membership else None,
    }
    if request.method != "POST":
        return render(request, "matching/concern_new.html", context)
    if not form.is_valid():
        return render(request, "matching/concern_new.html", context, status=400)
    try:
        concern = health.concern_raise(mentorship=mentorship, by=request.user, **form.cleaned_data)
    except MatchingError as error:
        _form_error(form, error)
        return render(request, "matching/concern_new.html", context, status=409)
    messages.success(request, "Your concern went to your success manager. They'll be in touch.")
    return redirect("concern_detail", slug=program.slug, concern_id=concern.pk)


@login_required
def concern_list(request: AuthedRequest, slug: str) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    if not program_access.is_program_staff(request.user, program):
        raise Http404("Only program staff see concerns.")
    resolved = request.GET.get("status") == ConcernStatus.RESOLVED
    status = ConcernStatus.RESOLVED if resolved else ConcernStatus.OPEN
    context = {
        "program": program,
        "resolved": resolved,
        "concerns": health_queries.concerns_for_staff(program, request.user, status=status)[
            :CONCERNS_SHOWN
        ],
    }
    return render(request, "matching/concern_list.html", context)


def _concern_context(
    request: AuthedRequest, program: Program, concern: Concern, form: ResolveForm | None = None
) -> dict[str, Any]:
    is_manager = health_queries.can_manage_mentee(request.user, program, concern.mentorship.mentee)
    context: dict[str, Any] = {"program": program, "concern": concern, "is_manager": is_manager}
    if is_manager:
        context.update(
            sessions=health_queries.mentorship_sessions(concern.mentorship)[:20],
            pulses=health_queries.mentorship_pulses(concern.mentorship),
            can_resolve=concern.status == ConcernStatus.OPEN,
            resolve_form=form or ResolveForm(),
        )
    return context


@login_required
def concern_detail(request: AuthedRequest, slug: str, concern_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    concern = health_queries.concern_for_viewer(request.user, program, concern_id)
    return render(
        request, "matching/concern_detail.html", _concern_context(request, program, concern)
    )


@login_required
def concern_resolve(request: AuthedRequest, slug: str, concern_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    concern = health_queries.concern_for_manager(request.user, program, concern_id)
    if request.method != "POST":
        return redirect("concern_detail", slug=program.slug, concern_id=concern.pk)
    form = ResolveForm(request.POST)
    context = _concern_context(request, program, concern, form)
    if not form.is_valid():
        return render(request, "matching/concern_detail.html", context, status=400)
    try:
        health.concern_resolve(concern=concern, by=request.user, **form.cleaned_data)
    except MatchingError as error:
        concern.refresh_from_db()  # the refused resolution was rolled back
        concern.mentorship.refresh_from_db()
        _form_error(form, error)
        context.update(_concern_context(request, program, concern, form), error=error.message)
        return render(request, "matching/concern_detail.html", context, status=409)
    label = ConcernOutcome(form.cleaned_data["outcome"]).label
    messages.success(request, f"Concern resolved: {label}. The person who raised it is told.")
    return redirect("concern_detail", slug=program.slug, concern_id=concern.pk)


# --- re-matching ------------------------------------------------------------------------


def _rematch_concern(
    request: AuthedRequest, program: Program, mentorship: Mentorship
) -> Concern | None:
    """The open concern a re-match resolves, when the page was opened from one."""
    raw = request.POST.get("concern") or request.GET.get("concern") or ""
    if not raw.isdigit():
        return None
    concern = health_queries.concern_for_manager(request.user, program, int(raw))
    if concern.mentorship_id != mentorship.pk:
        raise Http404("That concern is about another mentorship.")
    return concern


@login_required
def mentorship_rematch(request: AuthedRequest, slug: str, mentorship_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    mentorship = health_queries.mentorship_for_manager(request.user, program, mentorship_id)
    concern = _rematch_concern(request, program, mentorship)
    now = timezone.now()
    ranked = ranked_mentors_for(
        program, mentorship.mentee_id, now.date(), exclude=(mentorship.mentor_id,)
    )
    form = RematchForm(
        _posted(request),
        mentors=[(r.mentor.user_id, r.mentor.name) for r in ranked],
        initial={"reason": EndReason.REMATCHED},
    )
    context = {
        "program": program,
        "mentorship": mentorship,
        "concern": concern,
        "ranked": ranked,
        "form": form,
    }
    if request.method != "POST" or not mentorship.is_live:
        return render(request, "matching/rematch.html", context)
    if not form.is_valid():
        return render(request, "matching/rematch.html", context, status=400)
    new_mentor = program_queries.mentor_in_program(program, form.cleaned_data["mentor"])
    try:
        result = health.mentorship_rematch(
            mentorship=mentorship,
            new_mentor=new_mentor,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            by=request.user,
            now=now,
            concern=concern,
        )
    except MatchingError as error:
        mentorship.refresh_from_db()  # the refused re-match was rolled back
        _form_error(form, error)
        return render(request, "matching/rematch.html", context, status=409)
    messages.success(
        request,
        f"{result.new.mentee.name} is now matched with {result.new.mentor.name}. "
        f"The mentorship with {mentorship.mentor.name} ended; its future sessions are cancelled.",
    )
    return redirect("mentee_history", slug=program.slug, user_id=result.new.mentee_id)


@login_required
@require_POST
def mentorship_resume(request: AuthedRequest, slug: str, mentorship_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    mentorship = health_queries.mentorship_for_manager(request.user, program, mentorship_id)
    try:
        services.mentorship_resume(mentorship=mentorship)
    except MatchingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The mentorship with {mentorship.mentor.name} is active again.")
    return redirect("mentee_history", slug=program.slug, user_id=mentorship.mentee_id)


# --- history ----------------------------------------------------------------------------


@login_required
def mentee_history(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    mentee, is_manager = health_queries.mentee_for_history(request.user, program, user_id)
    is_self = request.user.pk == mentee.pk
    context = {
        "program": program,
        "subject": mentee,
        "is_self": is_self,
        "is_manager": is_manager,
        "history": health_queries.mentorship_history(program, mentee, for_staff=is_manager),
    }
    return render(request, "matching/history.html", context)
