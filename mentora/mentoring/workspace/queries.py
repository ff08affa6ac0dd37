"""Reads for the session workspace, action items and feedback.

Who may read which notes is decided in mentoring/access.py (`readable_notes`),
and passed in as a filter. The feedback reads keep the privacy promise
(docs/architecture.md, Privacy) that feedback the mentee kept for the success
manager never reaches the mentor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, Q, QuerySet, Subquery

from mentora.mentoring.models import (
    ActionItem,
    Agenda,
    Feedback,
    FeedbackVisibility,
    Note,
    Question,
    Reflection,
    StillMakesSense,
)
from mentora.programs.memo import per_request
from mentora.programs.models import Mentorship, Program, Role
from mentora.programs.queries import live_mentorships_of_mentee
from mentora.scheduling import needs as scheduling_needs

if TYPE_CHECKING:
    from mentora.accounts.models import User
    from mentora.scheduling.models import Session


def visible_notes(session: Session, readable: Q) -> QuerySet[Note]:
    """The session's notes that `readable` (access.readable_notes) lets a viewer read."""
    return Note.objects.filter(session=session).filter(readable).select_related("author")


def agenda_of(session: Session) -> Agenda | None:
    return Agenda.objects.filter(session=session).first()


def brought_questions(session: Session) -> QuerySet[Question]:
    """The questions the mentee brought to this session's agenda."""
    return Question.objects.filter(
        agenda_entries__agenda__session=session, mentee_id=session.mentee_id
    ).order_by("agenda_entries__added_at", "pk")


def session_action_items(session: Session) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(session=session).select_related("owner")


def items_owned_by(program: Program, user: User) -> QuerySet[ActionItem]:
    """The viewer's own action items in a program, open first by due date."""
    return (
        ActionItem.objects.filter(owner=user, mentorship__program=program)
        .select_related("mentorship__mentor", "mentorship__mentee", "session")
        .order_by("due_on", "pk")
    )


def open_action_items(program: Program, mentee: User) -> QuerySet[ActionItem]:
    """A mentee's open items in a program (the next agenda starts from these)."""
    return items_owned_by(program, mentee).filter(done_at__isnull=True)


# The most open items one section of a page lists (the home's dashboard: 8).
FIRST_OPEN_ITEMS = 8


def first_open_items(program: Program, mentee: User) -> list[ActionItem]:
    """The mentee's first FIRST_OPEN_ITEMS open items, soonest due first: read once a
    page (the home's dashboard lists them, "Needs you now" those due soon)."""
    return per_request(
        mentee,
        ("first_open_items", program.pk),
        lambda: list(open_action_items(program, mentee)[:FIRST_OPEN_ITEMS]),
    )


def open_item_counts(program: Program, mentee: User, today: date) -> tuple[int, int]:
    """How many of the mentee's items are open, and how many of those overdue: one
    query, once a page (the header's count and the home's dashboard both show it)."""

    def count() -> tuple[int, int]:
        counts = open_action_items(program, mentee).aggregate(
            open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
        )
        return counts["open"], counts["overdue"]

    return per_request(mentee, ("open_item_counts", program.pk, today), count)


def mentee_mentorships_and_items(
    program: Program, mentee: User, today: date
) -> tuple[list[Mentorship], tuple[int, int]]:
    """The mentee's live mentorships and open_item_counts, in one query once a page:
    what the header shows on every page of theirs (the home shows both again). The
    counts ride on each mentorship row as subqueries; with no mentorship, a second query."""
    items = open_action_items(program, mentee).order_by()

    def count(extra: Q) -> Subquery:
        return Subquery(
            items.filter(extra).values("owner_id").annotate(n=Count("pk")).values("n")[:1]
        )

    def read() -> tuple[list[Mentorship], tuple[int, int] | None]:
        rows: list[Mentorship] = list(
            live_mentorships_of_mentee(program, mentee).annotate(
                open_items=count(Q()),
                overdue_items=count(Q(due_on__lt=today)),
                has_rhythm=scheduling_needs.has_rhythm(),
            )
        )
        scheduling_needs.remember_rhythms(program, mentee, "mentee", rows)
        if not rows:
            return rows, None
        first: Any = rows[0]
        return rows, (int(first.open_items or 0), int(first.overdue_items or 0))

    rows, counts = per_request(mentee, ("mentee_header", program.pk, today), read)
    if counts is None:
        counts = open_item_counts(program, mentee, today)
    return rows, counts


def reflections_of(session: Session) -> QuerySet[Reflection]:
    return Reflection.objects.filter(session=session).select_related("author")


def feedback_of(session: Session) -> Feedback | None:
    return Feedback.objects.filter(session=session).first()


def mentor_feedback(program: Program, mentor: User) -> QuerySet[Feedback]:
    """What the mentor may read about themselves: only feedback shared with them."""
    return (
        Feedback.objects.filter(
            session__program=program,
            session__mentor=mentor,
            visibility=FeedbackVisibility.MENTOR,
        )
        .select_related("session__mentee")
        .order_by("-session__starts_at", "-pk")
    )


def caseload_feedback(program: Program, success_manager: User) -> QuerySet[Feedback]:
    """All feedback from the success manager's caseload, private ones included."""
    return (
        Feedback.objects.filter(
            session__program=program,
            session__mentee__memberships__program=program,
            session__mentee__memberships__role=Role.MENTEE,
            session__mentee__memberships__success_manager=success_manager,
        )
        .select_related("session__mentee", "session__mentor")
        .order_by("-session__starts_at", "-pk")
    )


@dataclass(frozen=True)
class FeedbackSummary:
    count: int
    average: float | None


def feedback_summary(feedback: QuerySet[Feedback]) -> FeedbackSummary:
    row = feedback.order_by().aggregate(avg=Avg("rating"))
    avg = row["avg"]
    return FeedbackSummary(
        count=feedback.count(), average=round(float(avg), 1) if avg is not None else None
    )


def not_a_fit_signals(program: Program, success_manager: User) -> QuerySet[Reflection]:
    """Reflections saying "this mentorship doesn't make sense" in the caseload."""
    return (
        Reflection.objects.filter(
            still_makes_sense=StillMakesSense.NO,
            session__program=program,
            session__mentee__memberships__program=program,
            session__mentee__memberships__role=Role.MENTEE,
            session__mentee__memberships__is_active=True,
            session__mentee__memberships__success_manager=success_manager,
        )
        .select_related("author", "session__mentee", "session__mentor")
        .order_by("-created_at", "-pk")
    )
