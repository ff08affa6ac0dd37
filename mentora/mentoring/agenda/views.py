"""Before a session: agenda, file download, setup check, question list, readiness.

Thin views: look the session up through access.workspace_session (404 for
anyone outside it), validate a small form, call one service, redirect with a
message (POST/redirect/GET). A MentoringError goes next to the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from mentora.accounts.http import AuthedRequest
from mentora.accounts.models import User
from mentora.mentoring.access import Viewer, agenda_editable, workspace_session
from mentora.mentoring.agenda import services
from mentora.mentoring.agenda.forms import (
    AgendaForm,
    AnswerForm,
    FileForm,
    LinkForm,
    QuestionForm,
    SolvedForm,
    SwitchForm,
)
from mentora.mentoring.errors import MentoringError
from mentora.mentoring.models import AgendaFile, GoalTemplate, Question, QuestionStatus
from mentora.programs import access as program_access
from mentora.programs import queries as program_queries
from mentora.programs.models import Program, Role
from mentora.scheduling.booking import services as scheduling_services
from mentora.scheduling.errors import SchedulingError
from mentora.scheduling.models import AgendaSwitch, Session
from mentora.scheduling.queries import upcoming_sessions

READINESS_LABELS = {
    "prepared": "Prepared",
    "partly": "Partly prepared",
    "not_yet": "Not prepared yet",
}
CLOSED_MESSAGE = "The agenda closed when the session started."


def _apply(form: forms.Form, call: Callable[[dict[str, Any]], object]) -> bool:
    """Validate the form and call the service; put a refusal next to its field."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except MentoringError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return False
    return True


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


# --- agenda ----------------------------------------------------------------


def _agenda_form_initial(request: AuthedRequest, agenda: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    if agenda is not None:
        initial = {
            "goal": agenda.goal,
            "goal_template": agenda.goal_template,
            "mentorship_goal": agenda.mentorship_goal_id,
            "working_on": agenda.working_on,
            "next_days": agenda.next_days,
            "planned_work_done": agenda.planned_work_done,
            "previous_notes_reviewed": agenda.previous_notes_reviewed,
            "setup_checked": agenda.setup_checked,
        }
    template = request.GET.get("template", "")
    if template in GoalTemplate.values:
        # A starting point, not a final answer: the mentee edits it before saving.
        initial.update(goal=GoalTemplate(template).label, goal_template=template)
    return initial


def _agenda_context(
    request: AuthedRequest,
    program: Program,
    session: Session,
    viewer: Viewer,
    now: datetime,
    bound: dict[str, forms.Form],
) -> dict[str, Any]:
    agenda = services.agenda_with_items(session)
    level, checklist = services.readiness(agenda)
    brought = list(agenda.agenda_questions.all()) if agenda else []
    brought_ids = {entry.question_id for entry in brought}
    open_questions = [
        q for q in services.open_questions_for(session.mentee, program) if q.pk not in brought_ids
    ]
    previous = services.previous_held_session(session)
    editable = agenda_editable(session, viewer, now)
    context: dict[str, Any] = {
        "program": program,
        "session": session,
        "viewer": viewer.value,
        "editable": editable,
        "closed_for_mentee": viewer == Viewer.MENTEE and not editable,
        "agenda": agenda,
        "links": list(agenda.links.all()) if agenda else [],
        "files": list(agenda.files.all()) if agenda else [],
        "brought": brought,
        "open_questions": open_questions,
        "previous": previous,
        "previous_notes": list(services.shared_notes(previous)) if previous else [],
        "action_items": list(services.open_action_items(session.mentorship)),
        "level": level,
        "level_label": READINESS_LABELS[level],
        "checklist": checklist,
        "ticks": sum(item.done for item in checklist),
        "work_not_done": agenda is not None and agenda.planned_work_done == "no",
    }
    if editable:
        goals = services.active_goals(session.mentorship)
        context.update(
            goals=list(goals),
            templates=GoalTemplate.choices,
            form=bound.get("prepare")
            or AgendaForm(initial=_agenda_form_initial(request, agenda), goals=goals),
            link_form=bound.get("link_add") or LinkForm(),
            file_form=bound.get("file_add") or FileForm(),
            question_form=bound.get("question_new") or QuestionForm(),
            switch_form=bound.get("switch") or SwitchForm(),
        )
    return context


def _agenda_action(
    request: AuthedRequest, program: Program, session: Session, now: datetime
) -> dict[str, forms.Form] | None:
    """Run the posted action. None when it worked; else the bound form with errors."""
    action = request.POST.get("action", "")
    user = request.user
    base: dict[str, Any] = {"session": session, "by": user, "now": now}
    form: forms.Form
    if action == "prepare":
        form = AgendaForm(request.POST, goals=services.active_goals(session.mentorship))
        ok = _apply(form, lambda data: services.agenda_update(**base, **data))
        message = "Agenda saved. Your mentor can read it now."
    elif action == "link_add":
        form = LinkForm(request.POST)
        ok = _apply(form, lambda data: services.agenda_link_add(**base, **data))
        message = "Link added."
    elif action == "file_add":
        form = FileForm(request.POST, request.FILES)
        ok = _apply(form, lambda data: services.agenda_file_add(**base, upload=data["upload"]))
        message = "File shared with your mentor."
    elif action == "question_new":
        form = QuestionForm(request.POST)
        ok = _apply(form, lambda data: services.agenda_question_add(**base, **data))
        message = "Question added to this agenda and to your running list."
    elif action == "switch":
        return _switch(request, session, now)
    else:
        _simple_action(request, program, session, action, base)
        return None
    if not ok:
        return {action: form}
    messages.success(request, message)
    return None


def _simple_action(
    request: AuthedRequest, program: Program, session: Session, action: str, base: dict[str, Any]
) -> None:
    """Buttons without fields: remove a link or file, bring or unbring a question."""
    pk = _int(request.POST.get("id"))
    try:
        if action == "link_remove" and pk is not None:
            services.agenda_link_remove(**base, link_id=pk)
            messages.success(request, "Link removed.")
        elif action == "file_remove":
            services.agenda_file_remove(**base, token=request.POST.get("token", ""))
            messages.success(request, "File removed.")
        elif action in ("bring", "unbring"):
            question = Question.objects.filter(
                pk=pk or 0, mentee=request.user, program=program
            ).first()
            if question is None:
                raise MentoringError("not_yours", "That question isn't on your list.")
            if action == "bring":
                services.question_bring(**base, question=question)
                messages.success(request, "Question brought to this session.")
            else:
                services.question_unbring(**base, question=question)
                messages.success(request, "Taken off this agenda; it stays on your list.")
        else:
            messages.error(request, "That action isn't available here.")
    except MentoringError as error:
        messages.error(request, error.message)


def _switch(
    request: AuthedRequest, session: Session, now: datetime
) -> dict[str, forms.Form] | None:
    form = SwitchForm(request.POST)
    if not form.is_valid():
        return {"switch": form}
    try:
        scheduling_services.session_keep_with_new_agenda(
            session=session, by=request.user, switch=form.cleaned_data["switch"], now=now
        )
    except SchedulingError as error:
        form.add_error("switch", error.message)
        return {"switch": form}
    plan = AgendaSwitch(form.cleaned_data["switch"]).label
    messages.success(request, f"Good call: the session stays, with a new plan: {plan}.")
    return None


@login_required
def agenda_edit(request: AuthedRequest, slug: str, session_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    session, viewer = workspace_session(request.user, program, session_id)
    now = timezone.now()
    bound: dict[str, forms.Form] = {}
    status = 200
    if request.method == "POST":
        if not agenda_editable(session, viewer, now):
            context = _agenda_context(request, program, session, viewer, now, bound)
            context["refused"] = (
                CLOSED_MESSAGE if viewer == Viewer.MENTEE else "Only the mentee edits the agenda."
            )
            return render(request, "mentoring/agenda.html", context, status=403)
        failed = _agenda_action(request, program, session, now)
        if failed is None:
            return redirect("agenda", slug=program.slug, session_id=session.pk)
        bound, status = failed, 400
    context = _agenda_context(request, program, session, viewer, now, bound)
    return render(request, "mentoring/agenda.html", context, status=status)


@login_required
def agenda_file(request: AuthedRequest, slug: str, session_id: int, token: str) -> HttpResponseBase:
    """A shared file, for the people who may see the session; 404 for anyone else."""
    program = program_queries.program_for_member(request.user, slug)
    session, _viewer = workspace_session(request.user, program, session_id)
    stored = AgendaFile.objects.filter(agenda__session=session, token=token).first()
    if stored is None:
        raise Http404("No such file.")
    try:
        handle = stored.file.open("rb")
    except OSError:
        raise Http404("The file is no longer stored.") from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )


# --- setup check -----------------------------------------------------------


@login_required
def setup_check(request: AuthedRequest, slug: str, session_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    session, viewer = workspace_session(request.user, program, session_id)
    now = timezone.now()
    editable = agenda_editable(session, viewer, now)
    status = 200
    if request.method == "POST":
        try:
            services.agenda_setup_confirm(session=session, by=request.user, now=now)
        except MentoringError as error:
            messages.error(request, error.message)
            status = 403
        else:
            messages.success(request, "Great, your setup is ticked off on the agenda.")
            return redirect("agenda", slug=program.slug, session_id=session.pk)
    profile = getattr(session.mentor, "mentor_profile", None)
    agenda = services.agenda_with_items(session)
    context = {
        "program": program,
        "session": session,
        "editable": editable,
        "is_mentee": viewer == Viewer.MENTEE,
        "meeting_link": profile.meeting_link if profile else "",
        "setup_checked": agenda is not None and agenda.setup_checked,
    }
    return render(request, "mentoring/setup_check.html", context, status=status)


# --- question list ---------------------------------------------------------


def _viewable_mentees(user: User, program: Program) -> list[User]:
    """Whose question lists a mentor, success manager or admin may open."""
    roles = program_access.roles_in(user, program)
    people: dict[int, User] = {}
    if Role.ADMIN in roles or user.is_staff:
        people.update({m.user.pk: m.user for m in program_queries.mentee_memberships(program)})
    if Role.SUCCESS_MANAGER in roles:
        people.update({m.user.pk: m.user for m in program_queries.caseload(program, user)})
    if Role.MENTOR in roles:
        for mentorship in program_queries.live_mentorships_of_mentor(program, user):
            people[mentorship.mentee.pk] = mentorship.mentee
    return sorted(people.values(), key=lambda u: u.name)


def _question_owner(request: AuthedRequest, program: Program) -> User | None:
    """Whose list this is: the viewer's own, or ?mentee=<id> for their mentor,
    success manager or an admin. None: the viewer should pick a mentee."""
    raw = request.GET.get("mentee")
    if raw is None:
        roles = program_access.roles_in(request.user, program)
        return request.user if Role.MENTEE in roles else None
    mentee = User.objects.filter(pk=_int(raw) or 0).first()
    if (
        mentee is None
        or program_queries.mentee_membership(program, mentee) is None
        or not program_access.can_view_mentee(request.user, program, mentee)
    ):
        raise Http404("No such question list.")
    return mentee


QUESTION_FORMS: dict[str, type[forms.Form]] = {
    "answered": AnswerForm,
    "solved": SolvedForm,
    "reopen": forms.Form,
}
QUESTION_MESSAGES = {
    "answered": "Marked answered.",
    "solved": "You solved it yourself! Getting unstuck on your own is the skill "
    "that makes a developer. Well done.",
    "reopen": "Back on your open list.",
}


def _question_change(
    action: str, question: Question, user: User, data: dict[str, Any], now: datetime
) -> None:
    if action == "answered":
        services.question_answer(question=question, by=user, answer=data["answer"], now=now)
    elif action == "solved":
        services.question_solved_myself(question=question, by=user, how=data["how"], now=now)
    else:
        services.question_reopen(question=question, by=user, now=now)


def _question_action(
    request: AuthedRequest, program: Program, now: datetime
) -> dict[str, Any] | None:
    """Run the posted action on the viewer's own list. None when it worked."""
    action = request.POST.get("action", "")
    user = request.user
    if action == "add":
        form: forms.Form = QuestionForm(request.POST)
        if _apply(form, lambda d: services.question_add(program=program, mentee=user, **d)):
            messages.success(request, "On your list. Bring it to your next session.")
            return None
        return {"add_form": form}
    question = Question.objects.filter(
        pk=_int(request.POST.get("id")) or 0, mentee=user, program=program
    ).first()
    if question is None:
        messages.error(request, "That question isn't on your list.")
        return None
    form_class = QUESTION_FORMS.get(action)
    if form_class is None:
        messages.error(request, "That action isn't available here.")
        return None
    form = form_class(request.POST)
    if _apply(form, lambda data: _question_change(action, question, user, data, now)):
        messages.success(request, QUESTION_MESSAGES[action])
        return None
    return {"failed_id": question.pk, "failed_action": action, "failed_form": form}


@login_required
def question_list(request: AuthedRequest, slug: str) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    mentee = _question_owner(request, program)
    if mentee is None:
        people = _viewable_mentees(request.user, program)
        if not people:
            raise Http404("No question lists to show.")
        return render(request, "mentoring/questions.html", {"program": program, "people": people})
    is_owner = mentee.pk == request.user.pk
    extra: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        if not is_owner:
            messages.error(request, "Only the mentee changes their question list.")
            status = 403
        else:
            failed = _question_action(request, program, timezone.now())
            if failed is None:
                return redirect("questions", slug=program.slug)
            extra, status = failed, 400
    questions = list(services.questions_of(mentee, program))
    context: dict[str, Any] = {
        "program": program,
        "mentee": mentee,
        "is_owner": is_owner,
        "open": [q for q in questions if q.status == QuestionStatus.OPEN],
        "answered": [q for q in questions if q.status == QuestionStatus.ANSWERED],
        "solved": [q for q in questions if q.status == QuestionStatus.SOLVED_MYSELF],
        "add_form": QuestionForm(),
        **extra,
    }
    return render(request, "mentoring/questions.html", context, status=status)


# --- readiness -------------------------------------------------------------


@login_required
def readiness(request: AuthedRequest, slug: str) -> HttpResponse:
    """A mentor's upcoming sessions and how prepared each one is."""
    program = program_queries.program_for_member(request.user, slug)
    if Role.MENTOR not in program_access.roles_in(request.user, program):
        raise Http404("For mentors.")
    sessions = (
        upcoming_sessions(request.user, program, timezone.now())
        .filter(mentor=request.user)
        .prefetch_related("agenda", "agenda__links", "agenda__files", "agenda__agenda_questions")
    )
    rows = []
    for session in sessions:
        level, checklist = services.readiness(getattr(session, "agenda", None))
        rows.append(
            {
                "session": session,
                "level": level,
                "level_label": READINESS_LABELS[level],
                "checklist": checklist,
                "ticks": sum(item.done for item in checklist),
            }
        )
    return render(request, "mentoring/readiness.html", {"program": program, "rows": rows})
