"""Before a session: agenda, file download, setup check, question list, readiness.

Thin views: `@program_view` admits the program's people; mentoring.access
finds the session (`workspace_session`) or question list for this viewer (404
for anyone who may not see it). The view validates its forms, calls one
service and redirects with a message (POST/redirect/GET). A MentoringError goes
next to the field it names (`errors.form_error`) or on the page
(`errors.page_error`). The agenda page is one form (see "agenda" below).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentora import errors, inputs
from mentora.accounts.models import User
from mentora.errors import DomainError
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
from mentora.mentoring.dashboard.queries import READINESS_DAYS, mentor_readiness
from mentora.mentoring.errors import MentoringCode, MentoringError
from mentora.mentoring.models import AgendaFile, GoalTemplate, Question, QuestionStatus
from mentora.programs.access import sees_meeting_link
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Program, Role
from mentora.scheduling.booking import services as scheduling_services
from mentora.scheduling.models import AgendaSwitch, Session, SessionStatus
from mentora.scheduling.rooms.links import meeting_link

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
#
# The whole agenda is one form. Every submit button carries `action=<what>` (and
# `:<argument>` where it acts on one thing), and every one of them first saves
# everything typed: the text, and a link, question or file typed alongside it.
# So "Add link" never loses the goal, without JavaScript. A refusal anywhere
# saves nothing and shows the page again with everything typed.

# Buttons whose point is the text: the agenda's fields are always read.
TEXT_ACTIONS = {"save", "template", "template_replace", "template_append", "go_setup", "go_goals"}
# Buttons that add one part: that part must be filled, not just "if typed".
PART_ACTIONS = {"link_add": "link", "question_new": "question", "file_add": "file"}
ACTION_MESSAGES = {
    "save": gettext_lazy("Agenda saved. Your mentor can read it now."),
    "link_add": gettext_lazy("Link added."),
    "file_add": gettext_lazy("File shared with your mentor."),
    "question_new": gettext_lazy("Question added to this agenda and to your running list."),
    "template": gettext_lazy("Goal filled in from the template: make it yours."),
    "template_replace": gettext_lazy("Your goal is now the template: make it yours."),
    "template_append": gettext_lazy("The template is added below your goal."),
    "link_remove": gettext_lazy("Link removed."),
    "file_remove": gettext_lazy("File removed."),
    "bring": gettext_lazy("Question brought to this session."),
    "unbring": gettext_lazy("Taken off this agenda; it stays on your list."),
}
TEMPLATE_USES: dict[str, services.TemplateUse] = {
    "template": "use",
    "template_replace": "replace",
    "template_append": "append",
}
# Where the page scrolls back to after each button.
ANCHORS = {
    "link_add": "shared",
    "link_remove": "shared",
    "file_add": "shared",
    "file_remove": "shared",
    "question_new": "questions",
    "bring": "questions",
    "unbring": "questions",
    "template": "goal",
    "template_replace": "goal",
    "template_append": "goal",
}


def _agenda_form_initial(agenda: Any) -> dict[str, Any]:
    if agenda is None:
        return {}
    return {
        "goal": agenda.goal,
        "goal_template": agenda.goal_template,
        "mentorship_goal": agenda.mentorship_goal_id,
        "working_on": agenda.working_on,
        "next_days": agenda.next_days,
        "planned_work_done": agenda.planned_work_done,
        "previous_notes_reviewed": agenda.previous_notes_reviewed,
        "setup_checked": agenda.setup_checked,
    }


def _offered_template(request: ProgramRequest) -> tuple[str, str] | None:
    """?offer=<template>: the template to show beside a goal already typed."""
    key = request.GET.get("offer", "")
    return (key, str(GoalTemplate(key).label)) if key in GoalTemplate.values else None


class AgendaPost:
    """The bound forms of one POST of the agenda form: the text, and each part
    that was typed (or that the pressed button adds)."""

    def __init__(self, request: ProgramRequest, session: Session, action: str) -> None:
        post, files = request.POST, request.FILES
        part = PART_ACTIONS.get(action)
        self.forms: dict[str, forms.Form] = {}
        # The page always sends the goal box; a post without it (an older page, a
        # script) changes only what its button names.
        if action in TEXT_ACTIONS or "goal" in post:
            goals = services.active_goals(session.mentorship)
            self.forms["form"] = AgendaForm(post, goals=goals)
        if part == "link" or _typed(post, "url", "title"):
            self.forms["link_form"] = LinkForm(post)
        if part == "question" or _typed(post, "text", "tried", "topic", "link"):
            self.forms["question_form"] = QuestionForm(post)
        if part == "file" or "upload" in files:
            self.forms["file_form"] = FileForm(post, files)
        if action == "switch":
            self.forms["switch_form"] = SwitchForm(post)

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.forms.values()])  # every form's errors

    def data(self, name: str) -> dict[str, Any] | None:
        form = self.forms.get(name)
        return None if form is None else dict(form.cleaned_data)

    def submission(self) -> services.AgendaSubmission:
        file_data = self.data("file_form")
        return services.AgendaSubmission(
            text=self.data("form"),
            link=self.data("link_form"),
            question=self.data("question_form"),
            upload=file_data["upload"] if file_data else None,
        )

    def refuse(self, request: ProgramRequest, error: DomainError, action: str) -> None:
        """Put the refusal next to the field it names, in whichever form has it."""
        for form in self.forms.values():
            if error.field in form.fields:
                errors.form_error(form, error)
                return
        own = self.forms.get(f"{PART_ACTIONS.get(action, '')}_form") or self.forms.get("form")
        if own is not None and action not in ("bring", "unbring", "link_remove", "file_remove"):
            errors.form_error(own, error)
        else:
            errors.page_error(request, error)

    def refused_upload(self) -> None:
        """A chosen file can't be shown again: say so, so it isn't silently dropped."""
        file_form = self.forms.get("file_form")
        if file_form is not None and not file_form.errors:
            file_form.add_error(
                "upload",
                _("Choose the file again: it wasn't uploaded because of the problem above."),
            )


def _typed(post: Any, *names: str) -> bool:
    return any(str(post.get(name, "")).strip() for name in names)


def _button_action(
    request: ProgramRequest, program: Program, session: Session, action: str, arg: str
) -> Callable[[], object] | None:
    """What the pressed button does once everything typed is saved."""
    user, now = request.user, timezone.now()
    base: dict[str, Any] = {"session": session, "by": user, "now": now}
    pk = inputs.parse_id(arg) if arg else inputs.query_id(request.POST, "id")
    if action == "link_remove":
        return lambda: services.agenda_link_remove(**base, link_id=pk or 0)
    if action == "file_remove":
        token = inputs.parse_token(arg or request.POST.get("token")) or ""
        return lambda: services.agenda_file_remove(**base, token=token)
    if action in ("bring", "unbring"):
        question = access.own_question(user, program, pk or 0)
        if question is None:
            raise _not_on_your_list()
        change = services.question_bring if action == "bring" else services.question_unbring
        return lambda: change(**base, question=question)
    return None


def _switch_step(
    request: ProgramRequest, session: Session, bound: AgendaPost
) -> Callable[[], object]:
    switch = bound.forms["switch_form"].cleaned_data["switch"]
    return lambda: scheduling_services.session_keep_with_new_agenda(
        session=session, by=request.user, switch=switch, now=timezone.now()
    )


def _done_message(action: str, bound: AgendaPost) -> str:
    if action == "switch":
        plan = AgendaSwitch(bound.forms["switch_form"].cleaned_data["switch"]).label
        return _("Good call: the session stays, with a new plan: %(plan)s.") % {"plan": plan}
    return str(ACTION_MESSAGES.get(action, ""))


def _agenda_post(
    request: ProgramRequest, program: Program, session: Session, now: datetime
) -> HttpResponse | dict[str, forms.Form]:
    """Save everything typed, then do the button's action: a redirect when it
    worked, else the bound forms with their errors (nothing was saved)."""
    action, _sep, arg = request.POST.get("action", "").partition(":")
    known = TEXT_ACTIONS | set(ACTION_MESSAGES) | {"switch"}
    if action not in known:
        messages.error(request, _("That action isn't available here."))
        return redirect("agenda", slug=program.slug, session_id=session.pk)
    bound = AgendaPost(request, session, action)
    if not bound.is_valid():
        bound.refused_upload()
        return bound.forms
    submission = bound.submission()
    url = reverse("agenda", args=[program.slug, session.pk])
    try:
        if action in TEMPLATE_USES and submission.text is not None:
            goal = services.goal_from_template(submission.text["goal"], arg, TEMPLATE_USES[action])
            if goal is None:
                # A goal is typed: keep it, and show the template beside it to choose.
                url += "?" + urlencode({"offer": arg})
                action = "offer"
            else:
                submission.text.update(goal=goal, goal_template=arg)
        then = (
            _switch_step(request, session, bound)
            if action == "switch"
            else _button_action(request, program, session, action, arg)
        )
        services.agenda_submit(
            session=session, by=request.user, submission=submission, then=then, now=now
        )
    except DomainError as error:
        bound.refuse(request, error, action)
        bound.refused_upload()
        return bound.forms
    if action == "go_setup":
        return redirect("setup_check", slug=program.slug, session_id=session.pk)
    if action == "go_goals":
        return redirect("mentorship_goals", program.slug, session.mentorship_id)
    if action == "offer":
        messages.info(
            request,
            _(
                "You already have a goal, so it was kept. The template is shown under it: "
                "replace yours, add it below, or keep yours."
            ),
        )
    elif message := _done_message(action, bound):
        messages.success(request, message)
    return redirect(url + "#" + ANCHORS.get(action, "goal"))


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
        "checks": {item.key: item for item in checklist},
        "ticks": sum(item.done for item in checklist),
        "work_not_done": agenda is not None and agenda.planned_work_done == "no",
    }
    if editable:
        goals = services.active_goals(session.mentorship)
        context.update(
            goals=list(goals),
            templates=GoalTemplate.choices,
            offer=_offered_template(request),
            form=bound.get("form") or AgendaForm(initial=_agenda_form_initial(agenda), goals=goals),
            link_form=bound.get("link_form") or _optional(LinkForm()),
            file_form=bound.get("file_form") or _optional(FileForm()),
            question_form=bound.get("question_form") or _optional(QuestionForm()),
            switch_form=bound.get("switch_form") or SwitchForm(),
            refused_post=bool(bound),
        )
    return context


def _optional(form: forms.Form) -> forms.Form:
    """As shown in the one agenda form, a link, question or file is optional:
    only its own button asks for it (no "required" mark on the empty form)."""
    for field in form.fields.values():
        field.required = False
    return form


def _not_on_your_list() -> MentoringError:
    return MentoringError(MentoringCode.NOT_YOURS, _("That question isn't on your list."))


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
        result = _agenda_post(request, program, session, now)
        if isinstance(result, HttpResponseBase):
            return result
        bound, status = result, 400
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
    agenda = services.agenda_with_items(session)
    shows_link = session.status != SessionStatus.CANCELLED and sees_meeting_link(
        request.user, session.mentor, program
    )
    context = {
        "program": program,
        "session": session,
        "editable": editable,
        "is_mentee": viewer == Viewer.MENTEE,
        "meeting_link": meeting_link(session) if shows_link else "",
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
    """A mentor's upcoming sessions and how prepared each one is: the next 14 days,
    or every upcoming one with ?show=all."""
    program = request.program
    days = None if request.GET.get("show") == "all" else READINESS_DAYS
    page = mentor_readiness(program, request.user, timezone.now(), days=days)
    return render(request, "mentoring/readiness.html", {"program": program, "page": page})
