"""The applications pages.

Program pages (through @program_view): the rounds and their questions
(/p/<slug>/applications/rounds/, admins), the review queue and an application's
page (/p/<slug>/applications/, reviewers). Public pages (no login):
/apply/<slug>/ (the open rounds), /apply/<slug>/<round_id>/ (the form) and the
applicant's own link /apply/<slug>/a/<token>/ (confirm, status, edit a draft,
withdraw).
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentora import errors, inputs
from mentora.accounts.lockout import client_ip
from mentora.accounts.timezones import time_zone_names
from mentora.applications import access, limits, queries, services
from mentora.applications.errors import ApplicationCode, ApplicationError
from mentora.applications.forms import (
    TIME_ZONE_LIST_ID,
    AdmitForm,
    ApplyForm,
    DeclineForm,
    DeclineTemplateForm,
    DeclineTemplateRemoveForm,
    DraftForm,
    LinkActionForm,
    MoveForm,
    QuestionForm,
    QueueFilterForm,
    RoundActionForm,
    RoundEditForm,
    RoundForm,
    WaitlistForm,
)
from mentora.applications.models import (
    ADMITTABLE,
    DECLINABLE,
    WAITLISTABLE,
    ApplicationRound,
    ApplicationStatus,
    RoundRole,
)
from mentora.programs.decorators import ProgramRequest, program_view

PAGE_SIZE = 50


def _local_initial(round_: ApplicationRound, zone: str) -> dict[str, Any]:
    """The round's dates as the program's wall clock (the form reads them so)."""
    tz = zoneinfo.ZoneInfo(zone or "UTC")

    def wall(moment: Any) -> Any:
        return timezone.localtime(moment, tz).replace(tzinfo=None) if moment else None

    return {
        "opens_at": wall(round_.opens_at),
        "closes_at": wall(round_.closes_at),
        "intro": round_.intro,
    }


def _valid_in_zone(form: Any, zone: str) -> bool:
    """Validate with the datetimes read in the program's zone."""
    with timezone.override(zone or "UTC"):
        return bool(form.is_valid())


# --- Rounds and questions (program admins) -------------------------------------


@program_view(allow=access.manages_rounds)
def application_rounds(request: ProgramRequest) -> HttpResponse:
    program = request.program
    zone = program.time_zone
    form = RoundForm(zone=zone)
    template_form = DeclineTemplateForm()
    status = 200
    if request.method == "POST" and "remove_template" in request.POST:
        remove = DeclineTemplateRemoveForm(request.POST)
        if remove.is_valid():
            template = access.decline_template_in_program(
                program, remove.cleaned_data["remove_template"]
            )
            services.decline_template_remove(template=template)
            messages.success(request, _("Message removed."))
        else:
            messages.error(request, _("That isn't a button here."))
        return redirect("application_rounds", slug=program.slug)
    if request.method == "POST" and "add_template" in request.POST:
        template_form = DeclineTemplateForm(request.POST)
        if template_form.is_valid():
            try:
                services.decline_template_add(
                    program=program,
                    name=template_form.cleaned_data["name"],
                    body=template_form.cleaned_data["body"],
                )
            except ApplicationError as error:
                errors.form_error(template_form, error)
            else:
                messages.success(request, _("Message added."))
                return redirect("application_rounds", slug=program.slug)
        status = 400
    elif request.method == "POST":
        form = RoundForm(request.POST, zone=zone)
        if _valid_in_zone(form, zone):
            try:
                created = services.round_create(
                    program=program,
                    role=form.cleaned_data["role"],
                    opens_at=form.cleaned_data["opens_at"],
                    closes_at=form.cleaned_data["closes_at"],
                    intro=form.cleaned_data["intro"],
                    by=request.user,
                )
            except ApplicationError as error:
                errors.form_error(form, error)
            else:
                messages.success(request, _("Round created. Now add its questions."))
                return redirect("application_round", slug=program.slug, round_id=created.pk)
        status = 400
    context = {
        "program": program,
        "form": form,
        "rounds": queries.rounds_of(program),
        "template_form": template_form,
        "templates": queries.decline_templates(program),
    }
    return render(request, "applications/rounds.html", context, status=status)


@program_view(allow=access.manages_rounds)
def application_round(request: ProgramRequest, round_id: int) -> HttpResponse:
    program = request.program
    zone = program.time_zone
    round_ = access.round_in_program(program, round_id)
    edit = RoundEditForm(initial=_local_initial(round_, zone), zone=zone)
    question_form = QuestionForm()
    status = 200
    if request.method == "POST":
        try:
            if "action" in request.POST:
                action = RoundActionForm(request.POST)
                if not action.is_valid():
                    raise ApplicationError(ApplicationCode.BAD_MOVE, _("That isn't a button here."))
                _round_act(round_, action.cleaned_data)
                return redirect("application_round", slug=program.slug, round_id=round_.pk)
            if "add_question" in request.POST:
                question_form = QuestionForm(request.POST)
                if question_form.is_valid():
                    try:
                        services.question_add(
                            round_=round_,
                            kind=question_form.cleaned_data["kind"],
                            label=question_form.cleaned_data["label"],
                            help_text=question_form.cleaned_data["help_text"],
                            choices=question_form.choice_list(),
                            required=question_form.cleaned_data["required"],
                            sensitive=question_form.cleaned_data["sensitive"],
                        )
                    except ApplicationError as error:
                        errors.form_error(question_form, error)
                    else:
                        messages.success(request, _("Question added."))
                        return redirect("application_round", slug=program.slug, round_id=round_.pk)
                status = 400
            else:
                edit = RoundEditForm(request.POST, zone=zone)
                if _valid_in_zone(edit, zone):
                    try:
                        services.round_update(
                            round_=round_,
                            opens_at=edit.cleaned_data["opens_at"],
                            closes_at=edit.cleaned_data["closes_at"],
                            intro=edit.cleaned_data["intro"],
                        )
                    except ApplicationError as error:
                        errors.form_error(edit, error)
                    else:
                        messages.success(request, _("Round saved."))
                        return redirect("application_round", slug=program.slug, round_id=round_.pk)
                status = 400
        except ApplicationError as error:
            errors.page_error(request, error)
            return redirect("application_round", slug=program.slug, round_id=round_.pk)
    round_.refresh_from_db()
    context = {
        "program": program,
        "round": round_,
        "is_open": round_.is_open(timezone.now()),
        "edit": edit,
        "question_form": question_form,
        "questions": queries.questions_of(round_),
    }
    return render(request, "applications/round.html", context, status=status)


def _round_act(round_: ApplicationRound, data: dict[str, Any]) -> None:
    action = data["action"]
    if action == "open":
        services.round_open(round_=round_)
    elif action == "close":
        services.round_close(round_=round_)
    else:
        question = access.question_in_round(round_, data["question"])
        if action == "remove":
            services.question_remove(question=question)
        else:
            services.question_move(question=question, up=action == "up")


# --- The review queue (the program's staff) ------------------------------------


@program_view(allow=access.reviews_applications)
@require_http_methods(["GET", "HEAD"])
def application_queue(request: ProgramRequest) -> HttpResponse:
    program = request.program
    rounds = queries.rounds_of(program)
    labels = [(r.pk, str(r)) for r in rounds]
    filters = QueueFilterForm(request.GET or None, rounds=labels)
    chosen: dict[str, Any] = {}
    if filters.is_bound and filters.is_valid():
        chosen = {
            "round_id": filters.round_id(),
            "role": filters.cleaned_data["role"] or None,
            "status": filters.cleaned_data["status"] or None,
        }
    rows = queries.queue(program, **chosen)
    number = inputs.query_int(request.GET, "page", default=1, minimum=1, maximum=10_000)
    page = Paginator(rows, PAGE_SIZE).get_page(number)
    context = {
        "program": program,
        "filters": filters,
        "page": page,
        "has_rounds": bool(rounds),
        "manages_rounds": access.manages_rounds(request.user, program),
        "query": inputs_without_page(request),
    }
    return render(request, "applications/queue.html", context)


def inputs_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@program_view(allow=access.reviews_applications)
def application_detail(request: ProgramRequest, application_id: int) -> HttpResponse:
    program = request.program
    application = access.application_for_reviewer(program, application_id)
    forms_ = _decision_forms(program, application)
    status = 200
    if request.method == "POST":
        chosen = request.POST.get("decision")
        if chosen in ("admit", "waitlist", "decline"):
            forms_[chosen] = _decision_forms(program, application, request.POST)[chosen]
            done = _decide(request, application, chosen, forms_[chosen])
        else:
            forms_["move"] = MoveForm(request.POST, current=application.status)
            done = _plain_move(request, application, forms_["move"])
        if done:
            return redirect("application_detail", slug=program.slug, application_id=application.pk)
        status = 400
    move_form = forms_["move"]
    context = {
        "program": program,
        "application": application,
        "answers": queries.answer_rows(application, yes=_("Yes"), no=_("No")),
        "history": queries.history(application),
        "form": move_form,
        "can_move": bool(move_form.fields["to_status"].choices),  # type: ignore[attr-defined]
        # A decision refused stays on the page with its reason, whatever the status now.
        "admit_form": _shown(forms_["admit"], application.status in ADMITTABLE),
        "waitlist_form": _shown(forms_["waitlist"], application.status in WAITLISTABLE),
        "decline_form": _shown(forms_["decline"], application.status in DECLINABLE),
        "has_templates": queries.has_decline_templates(program),
        "manages_rounds": access.manages_rounds(request.user, program),
        "waitlist_place": queries.waitlist_place(application),
    }
    return render(request, "applications/detail.html", context, status=status)


def _shown(form: Any, allowed: bool) -> Any:
    return form if allowed or form.is_bound else None


def _decision_forms(program: Any, application: Any, data: Any = None) -> dict[str, Any]:
    current = application.status
    mentee = application.round.role == RoundRole.MENTEE
    return {
        "move": MoveForm(current=current),
        "admit": AdmitForm(
            data, current=current, cohorts=queries.open_cohorts(program) if mentee else None
        ),
        "waitlist": WaitlistForm(data, current=current),
        "decline": DeclineForm(data, current=current, templates=queries.decline_templates(program)),
    }


def _plain_move(request: ProgramRequest, application: Any, form: MoveForm) -> bool:
    if not form.is_valid():
        return False
    try:
        services.application_move(
            application=application,
            from_status=form.cleaned_data["from_status"],
            to_status=form.cleaned_data["to_status"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ApplicationError as error:
        errors.form_error(form, error)
        return False
    messages.success(request, _("Moved."))
    return True


def _decide(request: ProgramRequest, application: Any, decision: str, form: Any) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    common = {
        "application": application,
        "from_status": data["from_status"],
        "note": data["note"],
        "by": request.user,
    }
    try:
        if decision == "admit":
            services.application_admit(cohort=data.get("cohort"), **common)
            done = _("Admitted: %(email)s was sent the invitation to set a password.") % {
                "email": application.email
            }
        elif decision == "waitlist":
            position = services.application_waitlist(**common)
            done = _("Waitlisted as number %(position)d.") % {"position": position}
        else:
            services.application_decline(template=data["template"], **common)
            done = _("Declined: %(email)s is being sent the message.") % {
                "email": application.email
            }
    except ApplicationError as error:
        errors.form_error(form, error)
        return False
    messages.success(request, done)
    return True


# --- Public pages (no login) ---------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def apply_program(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.public_program(slug)
    context = {"program": program, "rounds": queries.open_rounds(program)}
    return render(request, "applications/apply_program.html", context)


def _apply_context(round_: ApplicationRound, form: ApplyForm, **more: Any) -> dict[str, Any]:
    return {
        "program": round_.program,
        "round": round_,
        "form": form,
        "time_zone_list_id": TIME_ZONE_LIST_ID,
        "time_zone_names": time_zone_names(),
        **more,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def apply_form(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    round_ = access.public_round(slug, round_id)
    if not round_.is_open(timezone.now()):
        status = 409 if request.method == "POST" else 200
        return render(
            request, "applications/apply_closed.html", {"program": round_.program}, status=status
        )
    questions = list(round_.questions.order_by("order", "pk"))
    form = ApplyForm(questions=questions, initial={"time_zone": "UTC"})
    status = 200
    if request.method == "POST":
        form = ApplyForm(request.POST, questions=questions)
        if not limits.address_allows(client_ip(request)):
            form.is_valid()
            form.add_error(
                None, _("Too many applications from your address: try again in an hour.")
            )
            return render(
                request, "applications/apply_form.html", _apply_context(round_, form), status=429
            )
        if form.honeypot_filled():
            # A robot: it is told what a person is told, and nothing is kept or sent.
            return redirect("apply_sent", slug=slug, round_id=round_.pk)
        if form.is_valid():
            if not limits.email_allows(form.cleaned_data["email"]):
                form.add_error(
                    "email", _("Too many applications for this email: try again in an hour.")
                )
                return render(
                    request,
                    "applications/apply_form.html",
                    _apply_context(round_, form),
                    status=429,
                )
            try:
                services.application_start(
                    round_=round_, applicant=form.applicant(), answers=form.answers()
                )
            except ApplicationError as error:
                errors.form_error(form, error)
            else:
                return redirect("apply_sent", slug=slug, round_id=round_.pk)
        status = 400
    return render(
        request, "applications/apply_form.html", _apply_context(round_, form), status=status
    )


@require_http_methods(["GET", "HEAD"])
def apply_sent(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    round_ = access.public_round(slug, round_id)
    return render(request, "applications/apply_sent.html", {"program": round_.program})


@require_http_methods(["GET", "HEAD", "POST"])
def application_link(request: HttpRequest, slug: str, link: str) -> HttpResponse:
    application = access.application_for_link(slug, link)
    if request.method == "POST":
        action = LinkActionForm(request.POST)
        if not action.is_valid():
            messages.error(request, _("That isn't a button here."))
            return redirect("application_link", slug=slug, link=link)
        try:
            if action.cleaned_data["action"] == "confirm":
                if services.application_confirm(application=application):
                    messages.success(request, _("Thank you: your application is submitted."))
            else:
                services.application_withdraw(application=application)
                messages.success(request, _("Your application is withdrawn."))
        except ApplicationError as error:
            errors.page_error(request, error)
        return redirect("application_link", slug=slug, link=link)
    round_ = application.round
    context = {
        "program": round_.program,
        "round": round_,
        "application": application,
        "link": link,
        "is_draft": application.status == ApplicationStatus.DRAFT,
        "round_open": round_.is_open(timezone.now()),
        "answers": queries.answer_rows(application, yes=_("Yes"), no=_("No")),
        "waitlist_place": queries.waitlist_place(application),
    }
    return render(request, "applications/link.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def application_edit(request: HttpRequest, slug: str, link: str) -> HttpResponse:
    application = access.application_for_link(slug, link)
    if application.status != ApplicationStatus.DRAFT:
        messages.error(request, _("Your application is submitted: it can't be changed now."))
        return redirect("application_link", slug=slug, link=link)
    round_ = application.round
    questions = list(round_.questions.order_by("order", "pk"))
    given = queries.answers_of(application)
    initial: dict[str, Any] = {"name": application.name, "time_zone": application.time_zone}
    for question in questions:
        value = given.get(question.pk)
        if isinstance(value, bool):
            value = "yes" if value else "no"
        initial[services.field_name(question)] = value
    form = DraftForm(questions=questions, initial=initial)
    status = 200
    if request.method == "POST":
        form = DraftForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                services.application_draft_update(
                    application=application,
                    name=form.cleaned_data["name"],
                    time_zone=form.cleaned_data["time_zone"],
                    answers=form.answers(),
                )
            except ApplicationError as error:
                errors.form_error(form, error)
            else:
                messages.success(request, _("Saved. Confirm it when you are ready."))
                return redirect("application_link", slug=slug, link=link)
        status = 400
    context = _apply_context(round_, form, application=application, link=link)
    return render(request, "applications/edit.html", context, status=status)
