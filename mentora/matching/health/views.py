"""Relationship-health pages: pulses, concerns, re-matching, a mentee's history.

Thin views: look the object up through `matching.access` (404 for anyone who
may not see it), validate a form, call one service, redirect. A MatchingError
becomes a message next to its field, status 409.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora import errors, inputs
from mentora.matching import access
from mentora.matching.engine.suggestions import ranked_mentors_for
from mentora.matching.errors import MatchingError
from mentora.matching.health import queries as health_queries
from mentora.matching.health import services as health
from mentora.matching.health.forms import ConcernForm, PulseAnswerForm, RematchForm, ResolveForm
from mentora.matching.lifecycle import services as lifecycle
from mentora.matching.models import Concern, ConcernOutcome, ConcernStatus
from mentora.programs import access as program_access
from mentora.programs import queries as program_queries
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import EndReason, Mentorship
from mentora.scheduling.access import mentorship_for_party

CONCERNS_SHOWN = 100


def _posted(request: ProgramRequest) -> QueryDict | None:
    """The posted data, so that an empty POST is a bound form with errors."""
    return request.POST if request.method == "POST" else None


# --- pulses -----------------------------------------------------------------------------


@program_view
def pulse_answer(request: ProgramRequest, pulse_id: int) -> HttpResponse:
    pulse = access.pulse_for_respondent(request.user, request.program, pulse_id)
    form = PulseAnswerForm(_posted(request))
    context = {"program": request.program, "pulse": pulse, "form": form}
    if request.method != "POST" or pulse.answer:
        return render(request, "matching/pulse_answer.html", context)
    if not form.is_valid():
        return render(request, "matching/pulse_answer.html", context, status=400)
    try:
        health.pulse_answer(pulse=pulse, by=request.user, **form.cleaned_data)
    except MatchingError as error:
        errors.form_error(form, error)
        return render(request, "matching/pulse_answer.html", context, status=409)
    messages.success(request, _("Thanks for answering. Your success manager sees your answer."))
    return redirect("program_home", slug=request.program.slug)


# --- concerns ---------------------------------------------------------------------------


@program_view
def concern_new(request: ProgramRequest, mentorship_id: int) -> HttpResponse:
    program = request.program
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
        "raised": health_queries.concerns_raised_by(request.user, mentorship)[:5],
    }
    if request.method != "POST":
        return render(request, "matching/concern_new.html", context)
    if not form.is_valid():
        return render(request, "matching/concern_new.html", context, status=400)
    try:
        concern = health.concern_raise(mentorship=mentorship, by=request.user, **form.cleaned_data)
    except MatchingError as error:
        errors.form_error(form, error)
        return render(request, "matching/concern_new.html", context, status=409)
    messages.success(request, _("Your concern went to your success manager. They'll be in touch."))
    return redirect("concern_detail", slug=program.slug, concern_id=concern.pk)


@program_view(allow=program_access.is_program_staff)
def concern_list(request: ProgramRequest) -> HttpResponse:
    resolved = request.GET.get("status") == ConcernStatus.RESOLVED
    status = ConcernStatus.RESOLVED if resolved else ConcernStatus.OPEN
    concerns = access.concerns_for_staff(request.user, request.program, status=status)
    context = {
        "program": request.program,
        "resolved": resolved,
        "concerns": concerns[:CONCERNS_SHOWN],
    }
    return render(request, "matching/concern_list.html", context)


def _concern_context(
    request: ProgramRequest, concern: Concern, form: ResolveForm | None = None
) -> dict[str, Any]:
    """The concern page: the file (sessions, pulses) and the resolve form for its staff."""
    is_manager = access.manages_concern(request.user, request.program, concern)
    context: dict[str, Any] = {
        "program": request.program,
        "concern": concern,
        "is_manager": is_manager,
    }
    if is_manager:
        context.update(
            sessions=health_queries.mentorship_sessions(concern.mentorship)[:20],
            pulses=health_queries.mentorship_pulses(concern.mentorship),
            can_resolve=concern.status == ConcernStatus.OPEN,
            resolve_form=form or ResolveForm(),
        )
    return context


@program_view
def concern_detail(request: ProgramRequest, concern_id: int) -> HttpResponse:
    concern = access.concern_for_viewer(request.user, request.program, concern_id)
    return render(request, "matching/concern_detail.html", _concern_context(request, concern))


@program_view
def concern_resolve(request: ProgramRequest, concern_id: int) -> HttpResponse:
    program = request.program
    concern = access.concern_for_manager(request.user, program, concern_id)
    if request.method != "POST":
        return redirect("concern_detail", slug=program.slug, concern_id=concern.pk)
    form = ResolveForm(request.POST)
    context = _concern_context(request, concern, form)
    if not form.is_valid():
        return render(request, "matching/concern_detail.html", context, status=400)
    try:
        health.concern_resolve(concern=concern, by=request.user, **form.cleaned_data)
    except MatchingError as error:
        concern.refresh_from_db()  # the refused resolution was rolled back
        concern.mentorship.refresh_from_db()
        errors.form_error(form, error)
        context.update(_concern_context(request, concern, form), error=error.message)
        return render(request, "matching/concern_detail.html", context, status=409)
    label = ConcernOutcome(form.cleaned_data["outcome"]).label
    messages.success(
        request,
        _("Concern resolved: %(outcome)s. The person who raised it is told.") % {"outcome": label},
    )
    return redirect("concern_detail", slug=program.slug, concern_id=concern.pk)


# --- re-matching ------------------------------------------------------------------------


def _rematch_concern(request: ProgramRequest, mentorship: Mentorship) -> Concern | None:
    """The open concern a re-match resolves, when the page was opened from one."""
    concern_id = inputs.query_id(request.POST, "concern") or inputs.query_id(request.GET, "concern")
    if concern_id is None:  # none, or not an id ("²" passes isdigit but not int)
        return None
    return access.concern_for_rematch(request.user, request.program, mentorship, concern_id)


@program_view
def mentorship_rematch(request: ProgramRequest, mentorship_id: int) -> HttpResponse:
    program = request.program
    mentorship = access.mentorship_for_manager(request.user, program, mentorship_id)
    concern = _rematch_concern(request, mentorship)
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
        "choices": health_queries.rematch_choices(ranked),
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
        errors.form_error(form, error)
        return render(request, "matching/rematch.html", context, status=409)
    messages.success(
        request,
        _(
            "%(mentee)s is now matched with %(new)s. The mentorship with %(old)s ended; "
            "its future sessions are cancelled."
        )
        % {
            "mentee": result.new.mentee.name,
            "new": result.new.mentor.name,
            "old": mentorship.mentor.name,
        },
    )
    return redirect("mentee_history", slug=program.slug, user_id=result.new.mentee_id)


@program_view
@require_POST
def mentorship_resume(request: ProgramRequest, mentorship_id: int) -> HttpResponse:
    mentorship = access.mentorship_for_manager(request.user, request.program, mentorship_id)
    try:
        lifecycle.mentorship_resume(mentorship=mentorship)
    except MatchingError as error:
        errors.page_error(request, error)
    else:
        messages.success(
            request,
            _("The mentorship with %(mentor)s is active again.")
            % {"mentor": mentorship.mentor.name},
        )
    return redirect("mentee_history", slug=request.program.slug, user_id=mentorship.mentee_id)


# --- history ----------------------------------------------------------------------------


@program_view
def mentee_history(request: ProgramRequest, user_id: int) -> HttpResponse:
    program = request.program
    mentee, is_manager = access.mentee_for_history(request.user, program, user_id)
    context = {
        "program": program,
        "subject": mentee,
        "is_self": request.user.pk == mentee.pk,
        "is_manager": is_manager,
        "history": health_queries.mentorship_history(program, mentee, for_staff=is_manager),
    }
    return render(request, "matching/history.html", context)
