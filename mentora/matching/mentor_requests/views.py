"""Mentor directory and request pages.

Thin views: the program through `@program_view` (404 for outsiders), the
request through `matching.access` (404 for anyone who isn't its mentee, its
mentor or staff allowed to see that mentee), one service call. A MatchingError
becomes a message next to its field with status 409; nothing is half-saved.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora import errors, inputs
from mentora.matching import access
from mentora.matching.errors import MatchingError
from mentora.matching.mentor_requests import directory
from mentora.matching.mentor_requests import queries as request_queries
from mentora.matching.mentor_requests import services as requests
from mentora.matching.mentor_requests.forms import (
    AcceptForm,
    DeclineForm,
    DirectoryFilterForm,
    RequestForm,
)
from mentora.matching.models import MentorRequest
from mentora.programs import queries as program_queries
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Role

MAX_PAGE = 10_000  # past the last page the pager shows the last one anyway


def _closed(asked: MentorRequest) -> str | None:
    """The message for answering a request that isn't waiting any more."""
    if request_queries.is_waiting(asked):
        return None
    return request_queries.closed_reason(asked.status)


@program_view
def mentor_directory(request: ProgramRequest) -> HttpResponse:
    program, now = request.program, timezone.now()
    candidates = directory.directory_candidates(program=program, viewer=request.user, now=now)
    form = DirectoryFilterForm(
        request.GET,
        stack_choices=candidates.stack_choices,
        for_mentee=candidates.for_mentee,
        day=candidates.viewer_day,
    )
    form.is_valid()  # invalid filters are shown with their error and left out
    found = directory.directory_page(
        program=program,
        viewer=request.user,
        candidates=candidates,
        filters=form.filters(),
        page=inputs.query_int(request.GET, "page", default=1, minimum=1, maximum=MAX_PAGE),
        now=now,
    )
    context = {
        "program": program,
        "form": form,
        "directory": found,
        "can_request": access.may_request_mentors(request.user, program),
    }
    return render(request, "matching/directory.html", context)


@program_view
def mentor_request(request: ProgramRequest, user_id: int) -> HttpResponse:
    program, now = request.program, timezone.now()
    mentor = program_queries.mentor_in_program(program, user_id)
    form = RequestForm(request.POST if request.method == "POST" else None)
    refusal = request_queries.request_refusal(
        program=program, mentee=request.user, mentor=mentor, now=now
    )
    context: dict[str, Any] = {
        "program": program,
        "mentor": mentor,
        "form": form,
        "refusal": refusal,
        "open_count": request_queries.pending(program, now).filter(mentee=request.user).count(),
    }
    template = "matching/request_form.html"
    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        sent = requests.request_create(
            program=program,
            mentee=request.user,
            mentor=mentor,
            message=form.cleaned_data["message"],
            now=now,
        )
    except MatchingError as error:
        errors.form_error(form, error)
        return render(request, template, context, status=409)
    messages.success(
        request,
        _("Your request went to %(mentor)s. They have %(days)d days to answer.")
        % {"mentor": mentor, "days": program.request_expiry_days},
    )
    return redirect("request_detail", slug=program.slug, request_id=sent.pk)


@program_view
def requests_list(request: ProgramRequest) -> HttpResponse:
    lists = access.request_lists(request.user, request.program, timezone.now())
    return render(
        request, "matching/requests_list.html", {"program": request.program, "lists": lists}
    )


def _detail(
    request: ProgramRequest,
    asked: MentorRequest,
    now: datetime,
    *,
    accept_form: AcceptForm | None = None,
    decline_form: DeclineForm | None = None,
    refusal: str | None = None,
    status: int = 200,
) -> HttpResponse:
    program = request.program
    if status != 200:  # a refused answer: show the request as it now is
        asked = access.request_for_viewer(request.user, program, asked.pk, now)
    waiting = request_queries.is_waiting(asked)
    answers = access.answers_request(request.user, asked)
    context: dict[str, Any] = {
        "program": program,
        "asked": asked,
        "waiting": waiting,
        "is_mentor": answers,
        "is_mentee": access.withdraws_request(request.user, asked),
        # A refusal not tied to a field: shown at the top, since the forms may be gone.
        "refusal": refusal,
    }
    if waiting and answers:
        times = request_queries.weekly_times(
            program=program, mentor=asked.mentor, mentee_zone=asked.mentee.time_zone, now=now
        )
        context["has_times"] = bool(times)
        context["accept_form"] = accept_form or AcceptForm(times=times)
        context["decline_form"] = decline_form or DeclineForm()
    return render(request, "matching/request_detail.html", context, status=status)


@program_view
def request_detail(request: ProgramRequest, request_id: int) -> HttpResponse:
    now = timezone.now()
    asked = access.request_for_viewer(request.user, request.program, request_id, now)
    return _detail(request, asked, now)


@program_view
@require_POST
def request_accept(request: ProgramRequest, request_id: int) -> HttpResponse:
    program, now = request.program, timezone.now()
    asked = access.request_for_party(request.user, program, request_id, now, as_role=Role.MENTOR)
    times = request_queries.weekly_times(
        program=program, mentor=asked.mentor, mentee_zone=asked.mentee.time_zone, now=now
    )
    if closed := _closed(asked):
        return _detail(request, asked, now, refusal=closed, status=409)
    form = AcceptForm(request.POST, times=times)
    if not form.is_valid():
        return _detail(request, asked, now, accept_form=form, status=400)
    weekday, at = form.weekly_time()
    try:
        requests.request_accept(
            request=asked,
            by=request.user,
            weekday=weekday,
            time_of_day=at,
            frequency=form.cleaned_data["frequency"],
            now=now,
        )
    except MatchingError as error:
        errors.form_error(form, error)
        refusal = None if error.field else error.message
        return _detail(request, asked, now, accept_form=form, refusal=refusal, status=409)
    messages.success(
        request,
        _("You're now %(mentee)s's mentor. Your regular sessions are in both schedules.")
        % {"mentee": asked.mentee},
    )
    return redirect("request_detail", slug=program.slug, request_id=asked.pk)


@program_view
@require_POST
def request_decline(request: ProgramRequest, request_id: int) -> HttpResponse:
    program, now = request.program, timezone.now()
    asked = access.request_for_party(request.user, program, request_id, now, as_role=Role.MENTOR)
    if closed := _closed(asked):
        return _detail(request, asked, now, refusal=closed, status=409)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _detail(request, asked, now, decline_form=form, status=400)
    try:
        requests.request_decline(
            request=asked,
            by=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            now=now,
        )
    except MatchingError as error:
        errors.form_error(form, error)
        refusal = None if error.field else error.message
        return _detail(request, asked, now, decline_form=form, refusal=refusal, status=409)
    messages.success(
        request,
        _("You declined %(mentee)s's request; they'll hear why.") % {"mentee": asked.mentee},
    )
    return redirect("requests_list", slug=program.slug)


@program_view
@require_POST
def request_withdraw(request: ProgramRequest, request_id: int) -> HttpResponse:
    program, now = request.program, timezone.now()
    asked = access.request_for_party(request.user, program, request_id, now, as_role=Role.MENTEE)
    try:
        requests.request_withdraw(request=asked, by=request.user, now=now)
    except MatchingError as error:
        errors.page_error(request, error)
        return redirect("request_detail", slug=program.slug, request_id=asked.pk)
    messages.success(
        request, _("Your request to %(mentor)s is withdrawn.") % {"mentor": asked.mentor}
    )
    return redirect("requests_list", slug=program.slug)
