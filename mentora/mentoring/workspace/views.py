"""Session workspace, reflection, action items and feedback pages.

Thin views: `@program_view` admits the program's people, mentoring.access finds
the session for this viewer (`workspace_session`, 404 for anyone who may not see
it); the view parses one small form chosen by its hidden `action` field, calls
one service, then redirects with a message (POST/redirect/GET). A MentoringError
comes back next to its field (`errors.form_error`), with status 400.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora import errors
from mentora.mentoring import access
from mentora.mentoring.access import (
    Viewer,
    feedback_open,
    notes_open,
    reflection_open,
    workspace_session,
)
from mentora.mentoring.errors import MentoringCode, MentoringError
from mentora.mentoring.models import Note
from mentora.mentoring.workspace import queries, services
from mentora.mentoring.workspace.forms import (
    ActionItemForm,
    AnswerForm,
    FeedbackForm,
    ItemIdForm,
    NoteForm,
    NoteIdForm,
    ReflectionForm,
    ReopenForm,
    SuggestionForm,
)
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Program, Role
from mentora.scheduling import timelabels
from mentora.scheduling.models import Session

# What a failed POST hands back to the page: the bound form, under its context name.
Refusal = dict[str, Any]


class _Workspace:
    """One request's view of a session: who is looking, and when."""

    def __init__(self, request: ProgramRequest, session_id: int) -> None:
        self.request = request
        self.user = request.user
        self.program: Program = request.program
        self.session: Session
        self.session, self.viewer = workspace_session(request.user, self.program, session_id)
        self.now: datetime = timezone.now()

    @property
    def is_party(self) -> bool:
        return self.viewer != Viewer.STAFF

    def url(self, name: str) -> str:
        return reverse(name, args=[self.program.slug, self.session.pk])

    def action_form(self, data: Any = None) -> ActionItemForm:
        return ActionItemForm(
            data,
            mentee_name=self.session.mentee.name,
            mentor_name=self.session.mentor.name,
            initial={"owner": "mentee"},
        )


# --- the workspace page ----------------------------------------------------------


def _note_add(ws: _Workspace) -> Refusal | None:
    form = NoteForm(ws.request.POST)
    if form.is_valid():
        try:
            services.note_add(
                session=ws.session,
                by=ws.user,
                body=form.cleaned_data["body"],
                shared=form.cleaned_data["shared"],
                now=ws.now,
            )
            messages.success(ws.request, _("Note saved."))
            return None
        except MentoringError as error:
            errors.form_error(form, error)
    return {"note_form": form}


def _own_note_or_404(ws: _Workspace) -> Note:
    id_form = NoteIdForm(ws.request.POST)
    note = None
    if id_form.is_valid():
        note = access.own_note(ws.session, ws.user, id_form.cleaned_data["note_id"])
    if note is None:
        raise Http404("No such note of yours.")
    return note


def _note_edit(ws: _Workspace) -> Refusal | None:
    note = _own_note_or_404(ws)
    form = NoteForm(ws.request.POST, prefix=f"note{note.pk}")
    if form.is_valid():
        try:
            services.note_update(
                note=note,
                by=ws.user,
                body=form.cleaned_data["body"],
                shared=form.cleaned_data["shared"],
                now=ws.now,
            )
            messages.success(ws.request, _("Note updated."))
            return None
        except MentoringError as error:
            errors.form_error(form, error)
    return {"edit_forms": {note.pk: form}}


def _note_delete(ws: _Workspace) -> Refusal | None:
    """Asks first: without `confirm=yes` the page asks "Delete this note?" and
    deletes nothing (a mis-tap on a phone loses nothing)."""
    note = _own_note_or_404(ws)
    if ws.request.POST.get("confirm") != "yes":
        return {"confirm_delete": note}
    try:
        services.note_delete(note=note, by=ws.user, now=ws.now)
    except MentoringError as error:
        errors.page_error(ws.request, error)
        return None
    messages.success(ws.request, _("Note deleted."))
    return None


def _question_answered(ws: _Workspace) -> Refusal | None:
    form = AnswerForm(ws.request.POST)
    question = None
    if form.is_valid():
        question = (
            queries.brought_questions(ws.session)
            .filter(pk=form.cleaned_data["question_id"])
            .first()
        )
        if question is None:
            raise Http404("No such question on this agenda.")
        try:
            services.question_answered_in_session(
                question=question,
                session=ws.session,
                by=ws.user,
                answer=form.cleaned_data["answer"],
                now=ws.now,
            )
            messages.success(ws.request, _("Question ticked off as answered."))
            return None
        except MentoringError as error:
            errors.form_error(form, error)
    return {"answer_error": (question.pk if question else None, form)}


def _item_add(ws: _Workspace) -> Refusal | None:
    form = ws.action_form(ws.request.POST)
    if form.is_valid():
        data = form.cleaned_data
        owner = ws.session.mentee if data["owner"] == "mentee" else ws.session.mentor
        try:
            services.action_item_add(
                mentorship=ws.session.mentorship,
                session=ws.session,
                by=ws.user,
                title=data["title"],
                owner=owner,
                due_on=data["due_on"],
                kind=data["kind"],
                now=ws.now,
            )
            messages.success(ws.request, _("Action item added."))
            return None
        except MentoringError as error:
            errors.form_error(form, error)
    return {"item_form": form}


def _item_toggle(ws: _Workspace) -> Refusal | None:
    _toggle(ws.request, ws.program, ws.now)
    return None


WORKSPACE_ACTIONS: dict[str, Callable[[_Workspace], Refusal | None]] = {
    "note_add": _note_add,
    "note_edit": _note_edit,
    "note_delete": _note_delete,
    "question_answered": _question_answered,
    "item_add": _item_add,
    "item_toggle": _item_toggle,
}


@program_view
def workspace(request: ProgramRequest, session_id: int) -> HttpResponse:
    ws = _Workspace(request, session_id)
    refusal: Refusal = {}
    if request.method == "POST":
        handler = WORKSPACE_ACTIONS.get(request.POST.get("action", ""))
        if handler is None or not ws.is_party:
            raise Http404("Nothing to do here.")
        result = handler(ws)
        if result is None:
            return redirect(ws.url("session_workspace"))
        if "confirm_delete" in result:
            context = {
                "program": ws.program,
                "session": ws.session,
                "note": result["confirm_delete"],
            }
            return render(request, "mentoring/note_delete_confirm.html", context)
        refusal = result
    return render(
        request,
        "mentoring/workspace.html",
        _workspace_context(ws, refusal),
        status=400 if refusal else 200,
    )


def _workspace_context(ws: _Workspace, refusal: Refusal) -> dict[str, Any]:
    can_write = notes_open(ws.session, ws.viewer, ws.now)
    notes = list(queries.visible_notes(ws.session, access.readable_notes(ws.viewer, ws.user)))
    edit_forms = refusal.get("edit_forms", {})
    for note in notes:
        note.mine = note.author_id == ws.user.pk  # type: ignore[attr-defined]
        if note.mine and can_write:  # type: ignore[attr-defined]
            note.edit_form = edit_forms.get(note.pk) or NoteForm(  # type: ignore[attr-defined]
                initial={"body": note.body, "shared": note.shared}, prefix=f"note{note.pk}"
            )
    return {
        "program": ws.program,
        "session": ws.session,
        "viewer": ws.viewer,
        "is_party": ws.is_party,
        "can_write": can_write and ws.is_party,
        "agenda": queries.agenda_of(ws.session),
        "questions": list(queries.brought_questions(ws.session)),
        "answer_error": refusal.get("answer_error"),
        "notes": notes,
        "note_form": refusal.get("note_form") or NoteForm(),
        "items": list(queries.session_action_items(ws.session)),
        "item_form": refusal.get("item_form") or ws.action_form(),
        "reflection_open": reflection_open(ws.session, ws.viewer, ws.now),
        "notes_close_at": access.notes_close_at(ws.session),
        "now": ws.now,
    }


# --- the reflect page ----------------------------------------------------------------


def _reflection_save(ws: _Workspace) -> Refusal | None:
    form = ReflectionForm(ws.request.POST, for_mentor=ws.viewer == Viewer.MENTOR)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = services.reflection_submit(
                session=ws.session,
                by=ws.user,
                goal_met=data["goal_met"],
                why_not=data["why_not"],
                plan_now=data["plan_now"],
                still_makes_sense=data["still_makes_sense"],
                topics_covered=data.get("topics_covered", ""),
                now=ws.now,
            )
        except MentoringError as error:
            errors.form_error(form, error)
            return {"reflection_form": form}
        messages.success(ws.request, _("Thank you: your reflection is saved."))
        if result.not_a_fit:
            messages.warning(
                ws.request,
                _(
                    "You said this mentorship doesn't make sense now. Your success manager "
                    "will see that and get in touch; nothing changes until you've talked."
                ),
            )
        return None
    return {"reflection_form": form}


def _feedback_save(ws: _Workspace) -> Refusal | None:
    form = FeedbackForm(ws.request.POST)
    if form.is_valid():
        try:
            services.feedback_submit(
                session=ws.session, by=ws.user, now=ws.now, **form.cleaned_data
            )
        except MentoringError as error:
            errors.form_error(form, error)
            return {"feedback_form": form}
        messages.success(ws.request, _("Thank you: your feedback is saved."))
        return None
    return {"feedback_form": form}


def _suggestion_add(ws: _Workspace) -> Refusal | None:
    form = SuggestionForm(ws.request.POST)
    if not form.is_valid() or ws.viewer != Viewer.MENTEE:
        index = ws.request.POST.get("index", "")
        return {"suggestion_error": (index, form)}
    suggestion = services.practice_suggestions(ws.session, ws.now)[form.cleaned_data["index"]]
    try:
        services.action_item_add(
            mentorship=ws.session.mentorship,
            session=ws.session,
            by=ws.user,
            title=form.cleaned_data["title"],
            owner=ws.user,
            due_on=suggestion.due_on,
            kind=suggestion.kind,
            now=ws.now,
        )
    except MentoringError as error:
        errors.form_error(form, error)
        return {"suggestion_error": (str(form.cleaned_data["index"]), form)}
    messages.success(
        ws.request,
        _("Added to your action items, due %(day)s.") % {"day": f"{suggestion.due_on:%A %-d %B}"},
    )
    return None


REFLECT_ACTIONS: dict[str, Callable[[_Workspace], Refusal | None]] = {
    "reflection": _reflection_save,
    "feedback": _feedback_save,
    "suggestion": _suggestion_add,
}


@program_view
def reflect(request: ProgramRequest, session_id: int) -> HttpResponse:
    ws = _Workspace(request, session_id)
    refusal: Refusal = {}
    if request.method == "POST":
        handler = REFLECT_ACTIONS.get(request.POST.get("action", ""))
        if handler is None or not ws.is_party:
            raise Http404("Nothing to do here.")
        if not reflection_open(ws.session, ws.viewer, ws.now):
            messages.error(request, _("Reflections for this session aren't open now."))
            return redirect(ws.url("session_reflect"))
        result = handler(ws)
        if result is None:
            return redirect(ws.url("session_reflect"))
        refusal = result
    return render(
        request,
        "mentoring/reflect.html",
        _reflect_context(ws, refusal),
        status=400 if refusal else 200,
    )


def _reflect_context(ws: _Workspace, refusal: Refusal) -> dict[str, Any]:
    reflections = list(queries.reflections_of(ws.session))
    mine = next((r for r in reflections if r.author_id == ws.user.pk), None)
    initial = (
        {
            "goal_met": mine.goal_met,
            "why_not": mine.why_not,
            "plan_now": mine.plan_now,
            "still_makes_sense": mine.still_makes_sense,
            "topics_covered": mine.topics_covered,
        }
        if mine
        else {}
    )
    is_mentee = ws.viewer == Viewer.MENTEE
    feedback = queries.feedback_of(ws.session) if is_mentee or not ws.is_party else None
    window_open = reflection_open(ws.session, ws.viewer, ws.now)
    suggestions = services.practice_suggestions(ws.session, ws.now) if is_mentee else []
    return {
        "program": ws.program,
        "session": ws.session,
        "viewer": ws.viewer,
        "is_party": ws.is_party,
        "is_mentee": is_mentee,
        "before_end": ws.now < ws.session.ends_at,
        "window_open": window_open,
        "closes_at": access.reflection_open_until(ws.session, ws.viewer, ws.now),
        "mine": mine,
        # Staff read every reflection; each party reads only their own.
        "reflections": reflections if not ws.is_party else [],
        "reflection_form": refusal.get("reflection_form")
        or ReflectionForm(initial=initial, for_mentor=ws.viewer == Viewer.MENTOR),
        "feedback": feedback,
        "feedback_open": feedback_open(ws.session, ws.viewer, ws.now) and feedback is None,
        "feedback_form": refusal.get("feedback_form") or FeedbackForm(),
        "suggestions": suggestions,
        "suggestion_error": refusal.get("suggestion_error"),
        "reopenable": _reopenable(ws) if not ws.is_party else [],
    }


def _reopenable(ws: _Workspace) -> list[dict[str, Any]]:
    """For staff who may reopen: each party's reflection, closed (a button) or
    reopened until when. Empty while the windows are open or the session
    didn't take place."""
    session = ws.session
    if not access.can_reopen_reflection(ws.user, session) or ws.now < session.ends_at:
        return []
    if session.status in access.REFLECTION_REFUSED_STATUSES:
        return []
    rows = []
    for key, viewer, person in (
        ("mentee", Viewer.MENTEE, session.mentee),
        ("mentor", Viewer.MENTOR, session.mentor),
    ):
        if access.reflection_window_open(session, viewer, ws.now):
            continue
        rows.append(
            {
                "party": key,
                "name": person.name,
                "until": access.reopened_until(session, person.pk, ws.now),
            }
        )
    return rows


@program_view
@require_POST
def reflection_reopen(request: ProgramRequest, session_id: int) -> HttpResponse:
    """Staff reopen one party's closed reflection (mentee's success manager or
    a program admin; anyone else gets the 404)."""
    session = access.session_for_reopening(request.user, request.program, session_id)
    form = ReopenForm(request.POST)
    back = reverse("session_reflect", args=[request.program.slug, session.pk])
    try:
        if not form.is_valid():
            raise MentoringError(
                MentoringCode.BAD_CHOICE, _("Choose the mentee's or the mentor's reflection.")
            )
        party = session.mentee if form.cleaned_data["party"] == "mentee" else session.mentor
        reopening = services.reflection_reopen(session=session, party=party, by=request.user)
    except MentoringError as error:
        errors.page_error(request, error)
        return redirect(back)
    messages.success(
        request,
        _("%(name)s can write their reflection again until %(day)s.")
        % {"name": party.name, "day": timelabels.format_moment(reopening.until, None)},
    )
    return redirect(back)


# --- action items and feedback over time -------------------------------------------


def _toggle(request: ProgramRequest, program: Program, now: datetime) -> None:
    form = ItemIdForm(request.POST)
    item = (
        access.action_item_for_party(program, request.user, form.cleaned_data["item_id"])
        if form.is_valid()
        else None
    )
    if item is None:
        raise Http404("No such action item.")
    item = services.action_item_toggle_done(item=item, by=request.user, now=now)
    messages.success(
        request, _("Marked as done.") if item.done_at else _("Marked as not done yet.")
    )


@program_view
def action_items(request: ProgramRequest) -> HttpResponse:
    program = request.program
    now = timezone.now()
    if request.method == "POST":
        if request.POST.get("action") != "item_toggle":
            raise Http404("Nothing to do here.")
        _toggle(request, program, now)
        return redirect("action_items", program.slug)
    today = services.local_today(request.user, now)
    items = list(queries.items_owned_by(program, request.user))
    return render(
        request,
        "mentoring/action_items.html",
        {
            "program": program,
            "open_items": [i for i in items if i.done_at is None],
            "done_items": [i for i in items if i.done_at is not None][::-1],
            "today": today,
        },
    )


@program_view(roles={Role.MENTOR, Role.SUCCESS_MANAGER})
def my_feedback(request: ProgramRequest) -> HttpResponse:
    """A mentor reads the feedback shared with them; a success manager (who is
    not also a mentor) their caseload's."""
    program = request.program
    if Role.MENTOR in request.roles:
        feedback = queries.mentor_feedback(program, request.user)
        as_staff = False
    else:
        feedback = queries.caseload_feedback(program, request.user)
        as_staff = True
    return render(
        request,
        "mentoring/feedback.html",
        {
            "program": program,
            "feedback": list(feedback[:200]),
            "summary": queries.feedback_summary(feedback),
            "as_staff": as_staff,
        },
    )
