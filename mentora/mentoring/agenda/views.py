"""Before a session: agenda, file download, setup check, question list, readiness.

Thin views: `@program_view` admits the program's people; mentoring.access
finds the session (`workspace_session`) or question list for this viewer (404
for anyone who may not see it). The view validates a small form, calls one
service and redirects with a message (POST/redirect/GET). A MentoringError goes
next to the field it names (`errors.form_error`) or on the page
(`errors.page_error`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentora import errors, inputs
from mentora.accounts.models import User
from mentora.mentoring import access
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
from mentora.mentoring.errors import MentoringCode, MentoringError
from mentora.mentoring.models import AgendaFile, GoalTemplate, Question, QuestionStatus
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Program, Role
from mentora.scheduling.booking import services as scheduling_services
from mentora.scheduling.errors import SchedulingError
from mentora.scheduling.models import AgendaSwitch, Session
from mentora.scheduling.queries import upcoming_sessions

READINESS_LABELS = {
    "prepared": gettext_lazy("Prepared"),
    "partly": gettext_lazy("Partly prepared"),
    "not_yet": gettext_lazy("Not prepared yet"),
}
CLOSED_MESSAGE = gettext_lazy("The agenda closed when the session started.")


def _apply(form: forms.Form, call: Callable[[dict[str, Any]], object]) -> bool:
    """Validate the form and call the service; put a refusal next to its field."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except MentoringError as error:
        errors.form_error(form, error)
        return False
    return True


# --- agenda ----------------------------------------------------------------


def _agenda_form_initial(request: ProgramRequest, agenda: Any) -> dict[str, Any]:
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
    request: ProgramRequest,
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
    request: ProgramRequest, program: Program, session: Session, now: datetime
) -> dict[str, forms.Form] | None:
    """Run the posted action. None when it worked; else the bound form with errors."""
    action = request.POST.get("action", "")
    user = request.user
    base: dict[str, Any] = {"session": session, "by": user, "now": now}
    form: forms.Form
    if action == "prepare":
        form = AgendaForm(request.POST, goals=services.active_goals(session.mentorship))
        ok = _apply(form, lambda data: services.agenda_update(**base, **data))
        message = _("Agenda saved. Your mentor can read it now.")
    elif action == "link_add":
        form = LinkForm(request.POST)
        ok = _apply(form, lambda data: services.agenda_link_add(**base, **data))
        message = _("Link added.")
    elif action == "file_add":
        form = FileForm(request.POST, request.FILES)
        ok = _apply(form, lambda data: services.agenda_file_add(**base, upload=data["upload"]))
        message = _("File shared with your mentor.")
    elif action == "question_new":
        form = QuestionForm(request.POST)
        ok = _apply(form, lambda data: services.agenda_question_add(**base, **data))
        message = _("Question added to this agenda and to your running list.")
    elif action == "switch":
        return _switch(request, session, now)
    else:
        _simple_action(request, program, session, action, base)
        return None
    if not ok:
        return {action: form}
    messages.success(request, message)
    return None


def _not_on_your_list() -> MentoringError:
    return MentoringError(MentoringCode.NOT_YOURS, _("That question isn't on your list."))


def _simple_action(
    request: ProgramRequest, program: Program, session: Session, action: str, base: dict[str, Any]
) -> None:
    """Buttons without fields: remove a link or file, bring or unbring a question."""
    pk = inputs.query_id(request.POST, "id")
    try:
        if action == "link_remove" and pk is not None:
            services.agenda_link_remove(**base, link_id=pk)
            messages.success(request, _("Link removed."))
        elif action == "file_remove":
            token = inputs.parse_token(request.POST.get("token")) or ""
            services.agenda_file_remove(**base, token=token)
            messages.success(request, _("File removed."))
        elif action in ("bring", "unbring"):
            question = access.own_question(request.user, program, pk or 0)
            if question is None:
                raise _not_on_your_list()
            if action == "bring":
                services.question_bring(**base, question=question)
                messages.success(request, _("Question brought to this session."))
            else:
                services.question_unbring(**base, question=question)
                messages.success(request, _("Taken off this agenda; it stays on your list."))
        else:
            messages.error(request, _("That action isn't available here."))
    except MentoringError as error:
        errors.page_error(request, error)


def _switch(
    request: ProgramRequest, session: Session, now: datetime
) -> dict[str, forms.Form] | None:
    form = SwitchForm(request.POST)
    if not form.is_valid():
        return {"switch": form}
    try:
        scheduling_services.session_keep_with_new_agenda(
            session=session, by=request.user, switch=form.cleaned_data["switch"], now=now
        )
    except SchedulingError as error:
        errors.form_error(form, error, field="switch")
        return {"switch": form}
    plan = AgendaSwitch(form.cleaned_data["switch"]).label
    messages.success(
        request, _("Good call: the session stays, with a new plan: %(plan)s.") % {"plan": plan}
    )
    return None


@program_view
def agenda_edit(request: ProgramRequest, session_id: int) -> HttpResponse:
    program = request.program
    session, viewer = workspace_session(request.user, program, session_id)
    now = timezone.now()
    bound: dict[str, forms.Form] = {}
    status = 200
    if request.method == "POST":
        if not agenda_editable(session, viewer, now):
            context = _agenda_context(request, program, session, viewer, now, bound)
            context["refused"] = (
                CLOSED_MESSAGE
                if viewer == Viewer.MENTEE
                else _("Only the mentee edits the agenda.")
            )
            return render(request, "mentoring/agenda.html", context, status=403)
        failed = _agenda_action(request, program, session, now)
        if failed is None:
            return redirect("agenda", slug=program.slug, session_id=session.pk)
        bound, status = failed, 400
    context = _agenda_context(request, program, session, viewer, now, bound)
    return render(request, "mentoring/agenda.html", context, status=status)


# program_view is typed for HttpResponse; a FileResponse streams instead.
@program_view  # type: ignore[arg-type]
def agenda_file(request: ProgramRequest, session_id: int, token: str) -> HttpResponseBase:
    """A shared file, for the people who may see the session; 404 for anyone else."""
    session, _viewer = workspace_session(request.user, request.program, session_id)
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


@program_view
def setup_check(request: ProgramRequest, session_id: int) -> HttpResponse:
    program = request.program
    session, viewer = workspace_session(request.user, program, session_id)
    now = timezone.now()
    editable = agenda_editable(session, viewer, now)
    status = 200
    if request.method == "POST":
        try:
            services.agenda_setup_confirm(session=session, by=request.user, now=now)
        except MentoringError as error:
            errors.page_error(request, error)
            status = 403
        else:
            messages.success(request, _("Great, your setup is ticked off on the agenda."))
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


def _question_owner(request: ProgramRequest) -> User | None:
    """Whose list this is (access.question_list_owner): the viewer's own, or
    ?mentee=<id> for someone who may view that mentee. None: pick a mentee."""
    raw = request.GET.get("mentee")
    mentee_id = None if raw is None else (inputs.parse_id(raw) or 0)
    return access.question_list_owner(request.user, request.program, mentee_id)


QUESTION_FORMS: dict[str, type[forms.Form]] = {
    "answered": AnswerForm,
    "solved": SolvedForm,
    "reopen": forms.Form,
}
QUESTION_MESSAGES = {
    "answered": gettext_lazy("Marked answered."),
    "solved": gettext_lazy(
        "You solved it yourself! Getting unstuck on your own is the skill "
        "that makes a developer. Well done."
    ),
    "reopen": gettext_lazy("Back on your open list."),
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
    request: ProgramRequest, program: Program, now: datetime
) -> dict[str, Any] | None:
    """Run the posted action on the viewer's own list. None when it worked."""
    action = request.POST.get("action", "")
    user = request.user
    if action == "add":
        form: forms.Form = QuestionForm(request.POST)
        if _apply(form, lambda d: services.question_add(program=program, mentee=user, **d)):
            messages.success(request, _("On your list. Bring it to your next session."))
            return None
        return {"add_form": form}
    question = access.own_question(user, program, inputs.query_id(request.POST, "id") or 0)
    if question is None:
        errors.page_error(request, _not_on_your_list())
        return None
    form_class = QUESTION_FORMS.get(action)
    if form_class is None:
        messages.error(request, _("That action isn't available here."))
        return None
    form = form_class(request.POST)
    if _apply(form, lambda data: _question_change(action, question, user, data, now)):
        messages.success(request, QUESTION_MESSAGES[action])
        return None
    return {"failed_id": question.pk, "failed_action": action, "failed_form": form}


@program_view
def question_list(request: ProgramRequest) -> HttpResponse:
    program = request.program
    mentee = _question_owner(request)
    if mentee is None:
        people = access.question_list_mentees(request.user, program)
        if not people:
            raise Http404("No question lists to show.")
        return render(request, "mentoring/questions.html", {"program": program, "people": people})
    is_owner = access.changes_question_list(request.user, mentee)
    extra: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        if not is_owner:
            messages.error(request, _("Only the mentee changes their question list."))
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


@program_view(roles={Role.MENTOR})
def readiness(request: ProgramRequest) -> HttpResponse:
    """A mentor's upcoming sessions and how prepared each one is."""
    program = request.program
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
