"""A session's workspace over the API (issue 15): one read of what the caller
may see of it, and the writes of the agenda, workspace and reflect pages.

The same rules as the pages, asked in the same places: who may see the session
(`mentoring.access.workspace_session`: its parties, and read-only the staff who
may view the mentee; 404 for anyone else), whose notes a viewer reads
(`readable_notes`: never the other party's private notes), the windows
(`agenda_editable`, `notes_open`, `reflection_open`, `feedback_open`). Writes
find the session with `scheduling.access.session_for_party` (staff who may read
it get the 404, as a POST of the pages gives them), validate with the pages'
forms and call the pages' services, whose refusals come back as
`{code, message, field}` (422 for the input, 409 for a closed window).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from mentora.accounts.models import User
from mentora.api import lists
from mentora.api.access import caller, object_id, program_for_caller
from mentora.api.schemas import (
    ActionItemOut,
    AgendaLinkOut,
    AgendaOut,
    FeedbackOut,
    NoteOut,
    QuestionOut,
    ReflectionOut,
    WorkspaceOut,
    person_out,
)
from mentora.api.sessions import ERRORS, WRITE_ERRORS
from mentora.mentoring import access
from mentora.mentoring.access import Viewer
from mentora.mentoring.agenda import services as agenda
from mentora.mentoring.agenda.forms import AgendaForm, LinkForm, QuestionForm
from mentora.mentoring.models import (
    ActionItem,
    Agenda,
    AgendaLink,
    Feedback,
    Note,
    Question,
    Reflection,
)
from mentora.mentoring.workspace import queries, services
from mentora.mentoring.workspace.forms import ActionItemForm, FeedbackForm, NoteForm, ReflectionForm
from mentora.programs import access as program_access
from mentora.scheduling import access as scheduling_access
from mentora.scheduling.models import Session

router = Router(tags=["workspace"])
SESSION = "/{slug}/sessions/{session_id}"


class AgendaIn(Schema):
    """The agenda page's fields; a field left out keeps what the agenda holds."""

    goal: str = Field("", description="What the mentee wants to walk away with.")
    goal_template: str = Field("", description="roles, study, interviews, ... (or empty).")
    mentorship_goal: int | None = Field(None, description="The id of a live mentorship goal.")
    working_on: str = ""
    next_days: str = ""
    planned_work_done: str = Field("", description="yes, partly or no (or empty).")
    previous_notes_reviewed: bool = False
    setup_checked: bool = False


class AgendaQuestionIn(Schema):
    text: str = Field(description="The question; it joins the mentee's running list too.")
    tried: str = ""
    topic: str = ""
    link: str = Field("", description="An http(s) address, or empty.")


class AgendaLinkIn(Schema):
    url: str = Field(description="An http(s) address.", examples=["https://example.org/repo"])
    title: str = ""


class NoteIn(Schema):
    body: str = Field(description="Markdown.")
    shared: bool = Field(True, description="false: private, only its author ever reads it.")


class ActionItemIn(Schema):
    title: str
    owner: str = Field(description="mentee or mentor.")
    due_on: str = Field(description="A date, YYYY-MM-DD.", examples=["2027-01-08"])
    kind: str = Field("practice", description="practice, task or stretch.")


class ReflectionIn(Schema):
    goal_met: str = Field(description="yes, partly or no.")
    why_not: str = Field("", description="Needed when the goal was met partly or not.")
    plan_now: str = ""
    still_makes_sense: str = Field(description="yes, unsure or no.")
    topics_covered: str = Field("", description="The mentor's report only.")


class FeedbackIn(Schema):
    rating: int = Field(description="1 (not helpful) to 5 (very helpful).")
    useful: str = ""
    less_productive: str = ""
    visibility: str = Field(
        "mentor", description="mentor (with your name) or success_manager (only them)."
    )


# --- answers ---------------------------------------------------------------------


def _agenda_out(found: Agenda | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "goal": found.goal,
        "goal_template": found.goal_template,
        "mentorship_goal_id": found.mentorship_goal_id,
        "working_on": found.working_on,
        "next_days": found.next_days,
        "planned_work_done": found.planned_work_done,
        "previous_notes_reviewed": found.previous_notes_reviewed,
        "setup_checked": found.setup_checked,
        "updated_at": found.updated_at,
        "links": [_link_out(link) for link in found.links.all()],
        "files": [
            {
                "name": stored.original_name,
                "content_type": stored.content_type,
                "size": stored.size,
                "uploaded_at": stored.uploaded_at,
            }
            for stored in found.files.all()
        ],
    }


def _link_out(link: AgendaLink) -> dict[str, Any]:
    return {"id": link.pk, "url": link.url, "title": link.title, "added_at": link.added_at}


def _question_out(question: Question) -> dict[str, Any]:
    return {
        "id": question.pk,
        "text": question.text,
        "tried": question.tried,
        "topic": question.topic,
        "link": question.link,
        "status": question.status,
        "answer": question.answer,
        "created_at": question.created_at,
    }


def _note_out(note: Note) -> dict[str, Any]:
    return {
        "id": note.pk,
        "author": person_out(note.author),
        "body": note.body,
        "shared": note.shared,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
    }


def _item_out(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "mentorship_id": item.mentorship_id,
        "session_id": item.session_id,
        "title": item.title,
        "owner": person_out(item.owner),
        "due_on": item.due_on,
        "kind": item.kind,
        "done_at": item.done_at,
        "created_at": item.created_at,
    }


def _reflection_out(session: Session, reflection: Reflection) -> dict[str, Any]:
    return {
        "author": person_out(reflection.author),
        "role": "mentor" if reflection.author_id == session.mentor_id else "mentee",
        "goal_met": reflection.goal_met,
        "why_not": reflection.why_not,
        "plan_now": reflection.plan_now,
        "still_makes_sense": reflection.still_makes_sense,
        "topics_covered": reflection.topics_covered,
        "created_at": reflection.created_at,
        "updated_at": reflection.updated_at,
    }


def _feedback_out(feedback: Feedback) -> dict[str, Any]:
    return {
        "rating": feedback.rating,
        "useful": feedback.useful,
        "less_productive": feedback.less_productive,
        "visibility": feedback.visibility,
        "created_at": feedback.created_at,
    }


def _feedback_seen(session: Session, viewer: Viewer) -> Feedback | None:
    """The feedback as the pages show it: the mentee their own, staff on the
    reflect page; the mentor only what is shared with them (`mentor_feedback`,
    the query that keeps the privacy promise)."""
    if viewer == Viewer.MENTOR:
        return (
            queries.mentor_feedback(session.program, session.mentor).filter(session=session).first()
        )
    return queries.feedback_of(session)


def _workspace_out(session: Session, viewer: Viewer, user: User, now: datetime) -> dict[str, Any]:
    reflections = queries.reflections_of(session)
    if viewer != Viewer.STAFF:
        # As the reflect page: each party reads only their own; staff read both.
        reflections = reflections.filter(author=user)
    feedback = _feedback_seen(session, viewer)
    return {
        "session_id": session.pk,
        "viewer": viewer.value,
        "agenda": _agenda_out(agenda.agenda_with_items(session)),
        "questions": [_question_out(q) for q in queries.brought_questions(session)],
        "notes": [
            _note_out(n)
            for n in queries.visible_notes(session, access.readable_notes(viewer, user))
        ],
        "action_items": [_item_out(i) for i in queries.session_action_items(session)],
        "reflections": [_reflection_out(session, r) for r in reflections],
        "feedback": _feedback_out(feedback) if feedback is not None else None,
        "windows": {
            "agenda_editable": access.agenda_editable(session, viewer, now),
            "notes_open": access.notes_open(session, viewer, now),
            "notes_close_at": access.notes_close_at(session),
            "reflection_open": access.reflection_open(session, viewer, now),
            "reflection_closes_at": access.reflection_open_until(session, viewer, now),
            "feedback_open": access.feedback_open(session, viewer, now)
            and queries.feedback_of(session) is None,
        },
    }


def _party_session(request: HttpRequest, slug: str, session_id: int) -> Session:
    """A session the caller may write to: its mentor or mentee; 404 for anyone else."""
    program = program_for_caller(request, slug)
    return scheduling_access.session_for_party(caller(request), program, object_id(session_id))


def _valid(form: Any) -> dict[str, Any]:
    """The form's cleaned data, or its first error as a 422 naming the field."""
    if not form.is_valid():
        lists.refuse_form(form)
    return dict(form.cleaned_data)


# --- the read ----------------------------------------------------------------------


@router.get(
    SESSION + "/workspace",
    response={200: WorkspaceOut, **ERRORS},
    operation_id="workspace_get",
    summary="A session's agenda, questions, notes, action items, reflections and feedback, "
    "as the caller may see them",
)
def workspace_get(request: HttpRequest, slug: str, session_id: int) -> Any:
    program = program_for_caller(request, slug)
    session, viewer = access.workspace_session(caller(request), program, object_id(session_id))
    return _workspace_out(session, viewer, caller(request), timezone.now())


# --- before the session: the agenda (the mentee) ----------------------------------


@router.put(
    SESSION + "/agenda",
    response={200: AgendaOut, **WRITE_ERRORS},
    operation_id="agenda_put",
    summary="The mentee sets the agenda until the session starts (fields left out stay)",
)
def agenda_put(request: HttpRequest, slug: str, session_id: int, payload: AgendaIn) -> Any:
    session = _party_session(request, slug, session_id)
    current = queries.agenda_of(session)
    goals = agenda.active_goals(session.mentorship)
    held: dict[str, Any] = (
        {
            "goal": current.goal,
            "goal_template": current.goal_template,
            # As the page's select: a goal no longer active isn't offered, so it goes.
            "mentorship_goal": current.mentorship_goal_id
            if goals.filter(pk=current.mentorship_goal_id or 0).exists()
            else None,
            "working_on": current.working_on,
            "next_days": current.next_days,
            "planned_work_done": current.planned_work_done,
            "previous_notes_reviewed": current.previous_notes_reviewed,
            "setup_checked": current.setup_checked,
        }
        if current is not None
        else {}
    )
    given = {**held, **payload.model_dump(exclude_unset=True)}
    form = AgendaForm(given, goals=goals)
    data = _valid(form)
    agenda.agenda_update(session=session, by=caller(request), now=timezone.now(), **data)
    return _agenda_out(agenda.agenda_with_items(session))


@router.post(
    SESSION + "/agenda/questions",
    response={201: QuestionOut, **WRITE_ERRORS},
    operation_id="agenda_question_add",
    summary="The mentee adds a new question to the agenda (and to their running list)",
)
def agenda_question_add(
    request: HttpRequest, slug: str, session_id: int, payload: AgendaQuestionIn
) -> Any:
    session = _party_session(request, slug, session_id)
    data = _valid(QuestionForm(payload.model_dump()))
    question = agenda.agenda_question_add(
        session=session, by=caller(request), now=timezone.now(), **data
    )
    return Status(201, _question_out(question))


@router.post(
    SESSION + "/agenda/links",
    response={201: AgendaLinkOut, **WRITE_ERRORS},
    operation_id="agenda_link_add",
    summary="The mentee shares a link on the agenda until the session starts",
)
def agenda_link_add(request: HttpRequest, slug: str, session_id: int, payload: AgendaLinkIn) -> Any:
    session = _party_session(request, slug, session_id)
    data = _valid(LinkForm(payload.model_dump()))
    link = agenda.agenda_link_add(session=session, by=caller(request), now=timezone.now(), **data)
    return Status(201, _link_out(link))


# --- during and after: notes and action items (the two parties) --------------------


@router.post(
    SESSION + "/notes",
    response={201: NoteOut, **WRITE_ERRORS},
    operation_id="note_add",
    summary="A note, shared or private, by the mentor or mentee while notes are open",
)
def note_add(request: HttpRequest, slug: str, session_id: int, payload: NoteIn) -> Any:
    session = _party_session(request, slug, session_id)
    data = _valid(NoteForm(payload.model_dump()))
    note = services.note_add(
        session=session,
        by=caller(request),
        body=data["body"],
        shared=data["shared"],
        now=timezone.now(),
    )
    return Status(201, _note_out(note))


@router.post(
    SESSION + "/action-items",
    response={201: ActionItemOut, **WRITE_ERRORS},
    operation_id="action_item_add",
    summary="A next step for the mentor or the mentee, captured by either of them",
)
def action_item_add(request: HttpRequest, slug: str, session_id: int, payload: ActionItemIn) -> Any:
    session = _party_session(request, slug, session_id)
    form = ActionItemForm(
        payload.model_dump(), mentee_name=session.mentee.name, mentor_name=session.mentor.name
    )
    data = _valid(form)
    item = services.action_item_add(
        mentorship=session.mentorship,
        session=session,
        by=caller(request),
        title=data["title"],
        owner=session.mentee if data["owner"] == "mentee" else session.mentor,
        due_on=data["due_on"],
        kind=data["kind"],
        now=timezone.now(),
    )
    return Status(201, _item_out(item))


def _party_item(request: HttpRequest, slug: str, item_id: int) -> ActionItem:
    """An action item of one of the caller's own mentorships; 404 for anyone else."""
    program = program_for_caller(request, slug)
    item = access.action_item_for_party(program, caller(request), object_id(item_id))
    program_access.require(item is not None, "No such action item.")
    assert item is not None
    return item


def _set_done(request: HttpRequest, slug: str, item_id: int, *, done: bool) -> dict[str, Any]:
    item = _party_item(request, slug, item_id)
    # The page's service toggles; ticking what is already ticked changes nothing,
    # so a retried request is harmless (and the service's compare-and-set keeps
    # two at once from undoing each other).
    if (item.done_at is not None) != done:
        item = services.action_item_toggle_done(item=item, by=caller(request), now=timezone.now())
    found = ActionItem.objects.select_related("owner").get(pk=item.pk)
    return _item_out(found)


@router.post(
    "/{slug}/action-items/{item_id}/done",
    response={200: ActionItemOut, **WRITE_ERRORS},
    operation_id="action_item_done",
    summary="Mark an action item done (either party of its mentorship; again is harmless)",
)
def action_item_done(request: HttpRequest, slug: str, item_id: int) -> Any:
    return _set_done(request, slug, item_id, done=True)


@router.delete(
    "/{slug}/action-items/{item_id}/done",
    response={200: ActionItemOut, **WRITE_ERRORS},
    operation_id="action_item_undone",
    summary="Mark an action item not done after all (either party of its mentorship)",
)
def action_item_undone(request: HttpRequest, slug: str, item_id: int) -> Any:
    return _set_done(request, slug, item_id, done=False)


# --- after the session: reflection (each party) and feedback (the mentee) ----------


@router.put(
    SESSION + "/reflection",
    response={200: ReflectionOut, 201: ReflectionOut, **WRITE_ERRORS},
    operation_id="reflection_put",
    summary="The caller's own reflection (the mentor's is their session report), "
    "while the reflection window is open",
)
def reflection_put(request: HttpRequest, slug: str, session_id: int, payload: ReflectionIn) -> Any:
    session = _party_session(request, slug, session_id)
    for_mentor = caller(request).pk == session.mentor_id
    data = _valid(ReflectionForm(payload.model_dump(), for_mentor=for_mentor))
    result = services.reflection_submit(
        session=session,
        by=caller(request),
        goal_met=data["goal_met"],
        why_not=data["why_not"],
        plan_now=data["plan_now"],
        still_makes_sense=data["still_makes_sense"],
        # The mentee's form has no such field: what they send goes to the service,
        # which says only the mentor reports topics (rather than dropping it unsaid).
        topics_covered=data.get("topics_covered", payload.topics_covered),
        now=timezone.now(),
    )
    saved = Reflection.objects.select_related("author").get(pk=result.reflection.pk)
    return Status(201 if result.created else 200, _reflection_out(session, saved))


@router.put(
    SESSION + "/feedback",
    response={201: FeedbackOut, **WRITE_ERRORS},
    operation_id="feedback_put",
    summary="The mentee's feedback to the mentor, once, while the reflection window is open",
)
def feedback_put(request: HttpRequest, slug: str, session_id: int, payload: FeedbackIn) -> Any:
    session = _party_session(request, slug, session_id)
    data = _valid(FeedbackForm(payload.model_dump()))
    feedback = services.feedback_submit(
        session=session, by=caller(request), now=timezone.now(), **data
    )
    return Status(201, _feedback_out(feedback))
