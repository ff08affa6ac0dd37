"""Writes during and after a session: notes, questions answered, action items,
reflections, feedback and practice suggestions.

Every service is keyword-only, owns its transaction, validates with
`full_clean()` and takes `now` so the time windows (mentoring/access.py) are
testable. Rule breaks raise MentoringError, with `field` naming the form field
at fault where there is one, so pages and the API can put the message next to
it. Acting on something that isn't yours raises PermissionDenied: the pages
never offer it, so reaching it is a programming error, not a refusal to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.mentoring import hooks
from mentora.mentoring.access import (
    REFLECTION_REFUSED_STATUSES,
    Viewer,
    can_reopen_reflection,
    feedback_open,
    notes_open,
    reflection_open,
    reflection_window_open,
    reopened_until,
    viewer_of,
)
from mentora.mentoring.agenda import services as agenda
from mentora.mentoring.errors import MentoringCode, MentoringError, clean_or_refuse
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
    ReflectionReopening,
    StillMakesSense,
)
from mentora.programs.access import is_party

if TYPE_CHECKING:
    from mentora.accounts.models import User
    from mentora.programs.models import Mentorship
    from mentora.scheduling.models import Session

NOTE_MAX_CHARS = 10_000
ACTION_ITEM_MAX_DAYS = 90


def local_today(user: User, now: datetime) -> date:
    return now.astimezone(ZoneInfo(user.time_zone)).date()


# --- notes -------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise MentoringError(MentoringCode.EMPTY, _("Write something in the note first."), "body")
    if len(body) > NOTE_MAX_CHARS:
        message = _("Keep a note under %(limit)s characters (this one has %(count)s).") % {
            "limit": f"{NOTE_MAX_CHARS:,}",
            "count": f"{len(body):,}",
        }
        raise MentoringError(MentoringCode.TOO_LONG, message, "body")
    return body


def _require_notes_open(session: Session, by: User, now: datetime) -> None:
    viewer = viewer_of(session, by)
    if viewer == Viewer.STAFF:
        raise PermissionDenied("Only the mentor and mentee write notes.")
    if not notes_open(session, viewer, now):
        raise MentoringError(MentoringCode.NOTES_CLOSED, _("Notes for this session are closed."))


def note_add(*, session: Session, by: User, body: str, shared: bool, now: datetime) -> Note:
    _require_notes_open(session, by, now)
    note = Note(session=session, author=by, body=_clean_body(body), shared=shared)
    clean_or_refuse(note)
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
    clean_or_refuse(note)
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
    return agenda.question_answer(question=question, by=by, answer=answer, session=session, now=now)


# --- action items --------------------------------------------------------------


def _check_due_on(due_on: date, by: User, now: datetime) -> None:
    today = local_today(by, now)
    if due_on < today:
        raise MentoringError(
            MentoringCode.DATE_IN_PAST,
            _("The due date is in the past. Pick today or later."),
            "due_on",
        )
    if due_on > today + timedelta(days=ACTION_ITEM_MAX_DAYS):
        raise MentoringError(
            MentoringCode.DATE_TOO_FAR,
            _("Pick a date within %(days)d days: small steps, due soon.")
            % {"days": ACTION_ITEM_MAX_DAYS},
            "due_on",
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
    if not is_party(by, mentorship):
        raise PermissionDenied("Only the mentor and mentee add action items.")
    if session is not None and session.mentorship_id != mentorship.pk:
        raise PermissionDenied("That session belongs to another mentorship.")
    if not is_party(owner, mentorship):
        raise MentoringError(
            MentoringCode.BAD_OWNER, _("The owner must be the mentor or the mentee."), "owner"
        )
    title = title.strip()
    if not title:
        raise MentoringError(MentoringCode.EMPTY, _("Give the item a short title."), "title")
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
    clean_or_refuse(item)
    with transaction.atomic():
        item.save()
    return item


def action_item_toggle_done(*, item: ActionItem, by: User, now: datetime) -> ActionItem:
    """Done, or not done after all: by the owner or the other party."""
    if not is_party(by, item.mentorship):
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
    topic = {"topic": f"“{goal}”" if goal else _("what your mentor showed you")}
    return [
        Suggestion(
            heading=_("Start small"),
            why=_("A warm-up on exactly what was taught, before the bigger challenges."),
            title=_short(_("Small exercise on %(topic)s") % topic, 200),
            kind=ActionKind.PRACTICE,
            due_on=base + timedelta(days=2),
        ),
        Suggestion(
            heading=_("Take advantage"),
            why=_("Practise while it's fresh: the sooner, the better."),
            title=_short(_("Practise %(topic)s again on my own project") % topic, 200),
            kind=ActionKind.PRACTICE,
            due_on=base + timedelta(days=4),
        ),
        Suggestion(
            heading=_("Don't limit yourself"),
            why=_("Go beyond the exercises: try something new with it."),
            title=_short(_("Stretch: build something bigger with %(topic)s") % topic, 200),
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
        raise MentoringError(
            MentoringCode.REFLECTION_CLOSED, _("Reflections for this session aren't open now.")
        )
    why_not, plan_now, topics_covered = why_not.strip(), plan_now.strip(), topics_covered.strip()
    if goal_met in (GoalMet.PARTLY, GoalMet.NO) and not why_not:
        raise MentoringError(
            MentoringCode.REASON_MISSING,
            _("Say briefly why the goal wasn't (fully) met."),
            "why_not",
        )
    if topics_covered and viewer != Viewer.MENTOR:
        raise MentoringError(
            MentoringCode.NOT_MENTOR,
            _("Only the mentor reports the topics covered."),
            "topics_covered",
        )
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
        clean_or_refuse(reflection)
        try:
            with transaction.atomic():
                reflection.save()
        except IntegrityError:
            raise MentoringError(
                MentoringCode.ALREADY_SAVED, _("Your reflection was just saved elsewhere; reload.")
            ) from None
        if created:
            hooks.reflection_submitted(reflection)
    return ReflectionResult(
        reflection=reflection,
        created=created,
        not_a_fit=still_makes_sense == StillMakesSense.NO,
    )


def reflection_reopen(
    *, session: Session, party: User, by: User, now: datetime | None = None
) -> ReflectionReopening:
    """Open one party's closed reflection on a session again, for the program's
    `reflection_window_days` from now: by the mentee's success manager or a
    program admin, once the normal window (and any earlier reopening) is over."""
    now = now or timezone.now()
    if not can_reopen_reflection(by, session):
        raise PermissionDenied("Only the mentee's success manager or an admin reopens.")
    viewer = viewer_of(session, party)
    if viewer == Viewer.STAFF:
        raise MentoringError(
            MentoringCode.NOT_PARTY,
            _("Only the mentee's or the mentor's reflection can be reopened."),
            "party",
        )
    if session.status in REFLECTION_REFUSED_STATUSES:
        raise MentoringError(
            MentoringCode.NOT_OPEN,
            _("This session didn't take place, so there is no reflection to reopen."),
        )
    if now < session.ends_at or reflection_window_open(session, viewer, now):
        raise MentoringError(
            MentoringCode.ALREADY_OPEN,
            _("%(name)s's reflection is still open; it can be reopened once it has closed.")
            % {"name": party.name},
        )
    days = session.program.reflection_window_days
    with transaction.atomic():
        # One reopening at a time per party: the lock on the session keeps two
        # quick clicks from making two.
        type(session).objects.select_for_update().filter(pk=session.pk).first()
        if reopened_until(session, party.pk, now) is not None:
            raise MentoringError(
                MentoringCode.ALREADY_OPEN,
                _("%(name)s's reflection is already reopened.") % {"name": party.name},
            )
        reopening = ReflectionReopening(
            session=session,
            party=party,
            reopened_by=by,
            reopened_at=now,
            until=now + timedelta(days=days),
        )
        clean_or_refuse(reopening)
        reopening.save()
        hooks.reflection_reopened(reopening)
    return reopening


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
        raise MentoringError(
            MentoringCode.FEEDBACK_CLOSED, _("Feedback for this session isn't open now.")
        )
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise MentoringError(MentoringCode.BAD_RATING, _("Choose a rating from 1 to 5."), "rating")
    if visibility not in FeedbackVisibility.values:
        raise MentoringError(
            MentoringCode.BAD_VISIBILITY, _("Choose who may see your feedback."), "visibility"
        )
    feedback = Feedback(
        session=session,
        useful=useful.strip(),
        less_productive=less_productive.strip(),
        rating=rating,
        visibility=visibility,
    )
    if Feedback.objects.filter(session=session).exists():
        raise _already_given()
    clean_or_refuse(feedback, validate_unique=False)
    try:
        with transaction.atomic():
            feedback.save()
            hooks.feedback_submitted(feedback)
    except IntegrityError:
        raise _already_given() from None
    return feedback


def _already_given() -> MentoringError:
    return MentoringError(
        MentoringCode.ALREADY_GIVEN, _("You already gave feedback on this session.")
    )
