"""Mentor directory and request pages.

Thin views: the program through `program_for_member` (404 for outsiders), the
request through `request_queries` (404 for anyone who isn't its mentee, its
mentor or staff allowed to see that mentee), one service call. A MatchingError
becomes a message next to its field with status 409; nothing is half-saved.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentora.accounts.http import AuthedRequest
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
from mentora.programs.models import Program, Role


def _refused(form: Form, error: MatchingError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _closed(asked: MentorRequest) -> str | None:
    """The message for answering a request that isn't waiting any more."""
    if request_queries.is_waiting(asked):
        return None
    return request_queries.closed_reason(asked.status)


@login_required
def mentor_directory(request: AuthedRequest, slug: str) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    now = timezone.now()
    candidates = directory.directory_candidates(program=program, viewer=request.user, now=now)
    form = DirectoryFilterForm(
        request.GET, stack_choices=candidates.stack_choices, for_mentee=candidates.for_mentee
    )
    form.is_valid()  # invalid filters are shown with their error and left out
    found = directory.directory_page(
        program=program,
        viewer=request.user,
        candidates=candidates,
        filters=form.filters(),
        page=request.GET.get("page"),
        now=now,
    )
    can_request = (
        candidates.for_mentee
        and program.self_requests_enabled
        and not program_queries.live_mentorships_of_mentee(program, request.user).exists()
    )
    context = {"program": program, "form": form, "directory": found, "can_request": can_request}
    return render(request, "matching/directory.html", context)


@login_required
def mentor_request(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    mentor = program_queries.mentor_in_program(program, user_id)
    now = timezone.now()
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
        _refused(form, error)
        return render(request, template, context, status=409)
    messages.success(
        request,
        f"Your request went to {mentor}. They have {program.request_expiry_days} days to answer.",
    )
    return redirect("request_detail", slug=program.slug, request_id=sent.pk)


@login_required
def requests_list(request: AuthedRequest, slug: str) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    lists = request_queries.request_lists(program, request.user, timezone.now())
    return render(request, "matching/requests_list.html", {"program": program, "lists": lists})


def _detail(
    request: AuthedRequest,
    program: Program,
    asked: MentorRequest,
    now: datetime,
    *,
    accept_form: AcceptForm | None = None,
    decline_form: DeclineForm | None = None,
    refusal: str | None = None,
    status: int = 200,
) -> HttpResponse:
    if status != 200:  # a refused answer: show the request as it now is
        asked = request_queries.request_for_viewer(program, request.user, asked.pk, now)
    waiting = request_queries.is_waiting(asked)
    is_mentor = request.user.pk == asked.mentor_id
    context: dict[str, Any] = {
        "program": program,
        "asked": asked,
        "waiting": waiting,
        "is_mentor": is_mentor,
        "is_mentee": request.user.pk == asked.mentee_id,
        # A refusal not tied to a field: shown at the top, since the forms may be gone.
        "refusal": refusal,
    }
    if waiting and is_mentor:
        times = request_queries.weekly_times(
            program=program, mentor=asked.mentor, mentee_zone=asked.mentee.time_zone, now=now
        )
        context["has_times"] = bool(times)
        context["accept_form"] = accept_form or AcceptForm(times=times)
        context["decline_form"] = decline_form or DeclineForm()
    return render(request, "matching/request_detail.html", context, status=status)


@login_required
def request_detail(request: AuthedRequest, slug: str, request_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    now = timezone.now()
    asked = request_queries.request_for_viewer(program, request.user, request_id, now)
    return _detail(request, program, asked, now)


@login_required
@require_POST
def request_accept(request: AuthedRequest, slug: str, request_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    now = timezone.now()
    asked = request_queries.request_for_party(
        program, request.user, request_id, now, as_role=Role.MENTOR
    )
    times = request_queries.weekly_times(
        program=program, mentor=asked.mentor, mentee_zone=asked.mentee.time_zone, now=now
    )
    if closed := _closed(asked):
        return _detail(request, program, asked, now, refusal=closed, status=409)
    form = AcceptForm(request.POST, times=times)
    if not form.is_valid():
        return _detail(request, program, asked, now, accept_form=form, status=400)
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
        _refused(form, error)
        refusal = None if error.field else error.message
        return _detail(request, program, asked, now, accept_form=form, refusal=refusal, status=409)
    messages.success(
        request,
        f"You're now {asked.mentee}'s mentor. Your regular sessions are in both schedules.",
    )
    return redirect("request_detail", slug=program.slug, request_id=asked.pk)


@login_required
@require_POST
def request_decline(request: AuthedRequest, slug: str, request_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    now = timezone.now()
    asked = request_queries.request_for_party(
        program, request.user, request_id, now, as_role=Role.MENTOR
    )
    if closed := _closed(asked):
        return _detail(request, program, asked, now, refusal=closed, status=409)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _detail(request, program, asked, now, decline_form=form, status=400)
    try:
        requests.request_decline(
            request=asked,
            by=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            now=now,
        )
    except MatchingError as error:
        _refused(form, error)
        refusal = None if error.field else error.message
        return _detail(request, program, asked, now, decline_form=form, refusal=refusal, status=409)
    messages.success(request, f"You declined {asked.mentee}'s request; they'll hear why.")
    return redirect("requests_list", slug=program.slug)


@login_required
@require_POST
def request_withdraw(request: AuthedRequest, slug: str, request_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    now = timezone.now()
    asked = request_queries.request_for_party(
        program, request.user, request_id, now, as_role=Role.MENTEE
    )
    try:
        requests.request_withdraw(request=asked, by=request.user, now=now)
    except MatchingError as error:
        messages.error(request, error.message)
        return redirect("request_detail", slug=program.slug, request_id=asked.pk)
    messages.success(request, f"Your request to {asked.mentor} is withdrawn.")
    return redirect("requests_list", slug=program.slug)
