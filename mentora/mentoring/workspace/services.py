"""Writes during and after a session: notes, questions answered, action items,
reflections, feedback and practice suggestions.

Every service is keyword-only, owns its transaction, validates with
`full_clean()` and takes `now` so the time windows (mentoring/access.py) are
testable. Rule breaks raise ValidationError, keyed by field where one field is
at fault, so pages and the API can put the message next to it. Acting on
something that isn't yours raises PermissionDenied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from mentora.mentoring.access import (
    Viewer,
    feedback_open,
    notes_open,
    reflection_open,
)
from mentora.mentoring.agenda import services as agenda
from mentora.mentoring.errors import MentoringError
from mentora.mentoring.models import (
    ActionItem,
    ActionKind,
    Agenda,
    Feedback,
    FeedbackVisibility,
    GoalMet,
    Note,
    Question,
    Reflection,
    StillMakesSense,
)

if TYPE_CHECKING:
    from mentora.accounts.models import User
    from mentora.programs.models import Mentorship
    from mentora.scheduling.models import Session

NOTE_MAX_CHARS = 10_000
ACTION_ITEM_MAX_DAYS = 90


def viewer_of(session: Session, user: User) -> Viewer:
    if user.pk == session.mentee_id:
        return Viewer.MENTEE
    if user.pk == session.mentor_id:
        return Viewer.MENTOR
    return Viewer.STAFF


def local_today(user: User, now: datetime) -> date:
    return now.astimezone(ZoneInfo(user.time_zone)).date()


# --- notes -------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write something in the note first."})
    if len(body) > NOTE_MAX_CHARS:
        message = f"Keep a note under {NOTE_MAX_CHARS:,} characters (this one has {len(body):,})."
        raise ValidationError({"body": message})
    return body


def _require_notes_open(session: Session, by: User, now: datetime) -> None:
    viewer = viewer_of(session, by)
    if viewer == Viewer.STAFF:
        raise PermissionDenied("Only the mentor and mentee write notes.")
    if not notes_open(session, viewer, now):
        raise ValidationError("Notes for this session are closed.")


def note_add(*, session: Session, by: User, body: str, shared: bool, now: datetime) -> Note:
    _require_notes_open(session, by, now)
    note = Note(session=session, author=by, body=_clean_body(body), shared=shared)
    note.full_clean()
    with transaction.atomic():
        note.save()
    return note


def _own_note(note: Note, by: User) -> None:
    if note.author_id != by.pk:
        raise PermissionDenied("Only a note's author can change it.")


def note_update(*, note: Note, by: User, body: str, shared: bool, now: datetime) -> Note:
    _own_note(note, by)
    _require_notes_open(note.session, by, now)
    note.body = _clean_body(body)
    note.shared = shared
    note.full_clean()
    with transaction.atomic():
        note.save(update_fields=["body", "shared", "updated_at"])
    return note


def note_delete(*, note: Note, by: User, now: datetime) -> None:
    _own_note(note, by)
    _require_notes_open(note.session, by, now)
    with transaction.atomic():
        note.delete()


# --- questions ---------------------------------------------------------------


def question_answered_in_session(
    *, question: Question, session: Session, by: User, answer: str, now: datetime
) -> Question:
    """Tick a brought question off during or after the session, while notes are
    open. The answering itself is agenda.question_answer: one rule, one place."""
    _require_notes_open(session, by, now)
    try:
        return agenda.question_answer(
            question=question, by=by, answer=answer, session=session, now=now
        )
    except MentoringError as error:
        raise ValidationError(error.message, code=error.code) from error


# --- action items --------------------------------------------------------------


def _check_due_on(due_on: date, by: User, now: datetime) -> None:
    today = local_today(by, now)
    if due_on < today:
        raise ValidationError({"due_on": "The due date is in the past. Pick today or later."})
    if due_on > today + timedelta(days=ACTION_ITEM_MAX_DAYS):
        raise ValidationError(
            {"due_on": f"Pick a date within {ACTION_ITEM_MAX_DAYS} days: small steps, due soon."}
        )


def action_item_add(
    *,
    mentorship: Mentorship,
    session: Session | None,
    by: User,
    title: str,
    owner: User,
    due_on: date,
    kind: str,
    now: datetime,
) -> ActionItem:
    """A next step for the mentor or the mentee, captured by either of them."""
    parties = (mentorship.mentor_id, mentorship.mentee_id)
    if by.pk not in parties:
        raise PermissionDenied("Only the mentor and mentee add action items.")
    if session is not None and session.mentorship_id != mentorship.pk:
        raise PermissionDenied("That session belongs to another mentorship.")
    if owner.pk not in parties:
        raise ValidationError({"owner": "The owner must be the mentor or the mentee."})
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Give the item a short title."})
    _check_due_on(due_on, by, now)
    item = ActionItem(
        mentorship=mentorship,
        session=session,
        title=title,
        owner=owner,
        due_on=due_on,
        kind=kind,
        created_by=by,
    )
    item.full_clean()
    with transaction.atomic():
        item.save()
    return item


def action_item_toggle_done(*, item: ActionItem, by: User, now: datetime) -> ActionItem:
    """Done, or not done after all: by the owner or the other party."""
    mentorship = item.mentorship
    if by.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise PermissionDenied("Only the mentor and mentee tick action items.")
    with transaction.atomic():
        # Compare-and-set: two quick clicks never leave it in a muddle.
        if item.done_at is None:
            ActionItem.objects.filter(pk=item.pk, done_at__isnull=True).update(done_at=now)
        else:
            ActionItem.objects.filter(pk=item.pk, done_at__isnull=False).update(done_at=None)
    item.refresh_from_db(fields=["done_at"])
    return item


# --- practice suggestions ------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """One of the three "after a session" steps (seeds/002): start small,
    practise soon, go beyond."""

    heading: str
    why: str
    title: str
    kind: str
    due_on: date


def _goal_of(session: Session) -> str:
    goal = Agenda.objects.filter(session=session).values_list("goal", flat=True).first()
    return " ".join((goal or "").split())


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def practice_suggestions(session: Session, now: datetime) -> list[Suggestion]:
    """Three practice items for the mentee, due soon after the session."""
    base = local_today(session.mentee, max(now, session.ends_at))
    goal = _short(_goal_of(session), 140)
    topic = f"“{goal}”" if goal else "what your mentor showed you"
    return [
        Suggestion(
            heading="Start small",
            why="A warm-up on exactly what was taught, before the bigger challenges.",
            title=_short(f"Small exercise on {topic}", 200),
            kind=ActionKind.PRACTICE,
            due_on=base + timedelta(days=2),
        ),
        Suggestion(
            heading="Take advantage",
            why="Practise while it's fresh: the sooner, the better.",
            title=_short(f"Practise {topic} again on my own project", 200),
            kind=ActionKind.PRACTICE,
            due_on=base + timedelta(days=4),
        ),
        Suggestion(
            heading="Don't limit yourself",
            why="Go beyond the exercises: try something new with it.",
            title=_short(f"Stretch: build something bigger with {topic}", 200),
            kind=ActionKind.STRETCH,
            due_on=base + timedelta(days=10),
        ),
    ]


# --- reflections and feedback ------------------------------------------------------


@dataclass(frozen=True)
class ReflectionResult:
    reflection: Reflection
    created: bool
    # "Does this still make sense: no". The success manager's caseload shows it
    # (workspace_queries.not_a_fit_signals); the caller should offer a concern.
    not_a_fit: bool


def reflection_submit(
    *,
    session: Session,
    by: User,
    goal_met: str,
    why_not: str,
    plan_now: str,
    still_makes_sense: str,
    topics_covered: str,
    now: datetime,
) -> ReflectionResult:
    """Each party's reflection (the mentor's is their short report); once each,
    editable while the window is open."""
    viewer = viewer_of(session, by)
    if viewer == Viewer.STAFF:
        raise PermissionDenied("Only the mentor and mentee reflect on a session.")
    if not reflection_open(session, viewer, now):
        raise ValidationError("Reflections for this session aren't open now.")
    why_not, plan_now, topics_covered = why_not.strip(), plan_now.strip(), topics_covered.strip()
    if goal_met in (GoalMet.PARTLY, GoalMet.NO) and not why_not:
        raise ValidationError({"why_not": "Say briefly why the goal wasn't (fully) met."})
    if topics_covered and viewer != Viewer.MENTOR:
        raise ValidationError({"topics_covered": "Only the mentor reports the topics covered."})
    with transaction.atomic():
        reflection = (
            Reflection.objects.select_for_update().filter(session=session, author=by).first()
        )
        created = reflection is None
        if reflection is None:
            reflection = Reflection(session=session, author=by)
        reflection.goal_met = goal_met
        reflection.why_not = why_not if goal_met != GoalMet.YES else ""
        reflection.plan_now = plan_now
        reflection.still_makes_sense = still_makes_sense
        reflection.topics_covered = topics_covered
        reflection.full_clean()
        try:
            with transaction.atomic():
                reflection.save()
        except IntegrityError:
            raise ValidationError("Your reflection was just saved elsewhere; reload.") from None
    return ReflectionResult(
        reflection=reflection,
        created=created,
        not_a_fit=still_makes_sense == StillMakesSense.NO,
    )


def feedback_submit(
    *,
    session: Session,
    by: User,
    useful: str,
    less_productive: str,
    rating: int,
    visibility: str,
    now: datetime,
) -> Feedback:
    """The mentee's word to the mentor, once per session."""
    viewer = viewer_of(session, by)
    if viewer != Viewer.MENTEE:
        raise PermissionDenied("Only the mentee gives feedback.")
    if not feedback_open(session, viewer, now):
        raise ValidationError("Feedback for this session isn't open now.")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": "Choose a rating from 1 to 5."})
    if visibility not in FeedbackVisibility.values:
        raise ValidationError({"visibility": "Choose who may see your feedback."})
    feedback = Feedback(
        session=session,
        useful=useful.strip(),
        less_productive=less_productive.strip(),
        rating=rating,
        visibility=visibility,
    )
    if Feedback.objects.filter(session=session).exists():
        raise ValidationError("You already gave feedback on this session.")
    feedback.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError:
        raise ValidationError("You already gave feedback on this session.") from None
    return feedback
