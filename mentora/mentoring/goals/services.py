"""The mentorship's own goals and its working agreement.

"Have a specific, written goal" and "use the first few weeks to shape your
time together" (seeds 000 and 001): the mentee writes one to five specific
goals for the mentorship, the mentor comments on them, and both write down how
they will work together.

Writes are typed functions with keyword-only arguments; each owns its
transaction, locks the mentorship row before it counts, and raises MentoringError
(with the form field it is about) when a rule says no, so nothing is ever
half-saved. Reads for the goals page sit at the end of this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from mentora.mentoring.access import Viewer
from mentora.mentoring.errors import MentoringError
from mentora.mentoring.models import (
    GoalStatus,
    MentorshipGoal,
    Reflection,
    WorkingAgreement,
)
from mentora.programs.access import can_view_mentee, is_program_staff
from mentora.programs.models import Mentorship, Program
from mentora.scheduling.models import SessionStatus
from mentora.scheduling.queries import mentorship_for_party

if TYPE_CHECKING:
    from mentora.accounts.models import User

MAX_ACTIVE_GOALS = 5
GOAL_TEXT_MIN = 15
GOAL_TEXT_MAX = 300
COMMENT_MAX = 1000
AGREEMENT_SHORT_MAX = 300  # how often, how to reach each other
AGREEMENT_LONG_MAX = 1000  # what each expects

# Machine-readable codes; `field` on the error names the form field it is about.
NOT_MENTEE = "not_mentee"
NOT_MENTOR = "not_mentor"
NOT_PARTY = "not_party"
NOT_LIVE = "not_live"
TOO_MANY = "too_many_active"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
DATE_IN_PAST = "date_in_past"
BAD_STATUS = "bad_status"
CHANGED = "changed_meanwhile"
NOT_YOURS = "not_yours"


# --- Checks ------------------------------------------------------------------------


def _require_live(mentorship: Mentorship) -> None:
    if not mentorship.is_live:
        raise MentoringError(
            NOT_LIVE, "This mentorship has ended; its goals are kept as they were."
        )


def _require_mentee(mentorship: Mentorship, by: User) -> None:
    if by.pk != mentorship.mentee_id:
        raise MentoringError(
            NOT_MENTEE, "Only the mentee writes and updates the mentorship's goals."
        )
    _require_live(mentorship)


def _clean_text(text: str) -> str:
    text = " ".join(text.split())
    if len(text) < GOAL_TEXT_MIN:
        raise MentoringError(
            TOO_SHORT,
            f"Be specific: what would done look like? Use at least {GOAL_TEXT_MIN} characters.",
            "text",
        )
    if len(text) > GOAL_TEXT_MAX:
        raise MentoringError(
            TOO_LONG,
            f"Keep a goal to {GOAL_TEXT_MAX} characters (this one has {len(text)}).",
            "text",
        )
    return text


def _check_target(target_date: date | None, today: date, unchanged: date | None = None) -> None:
    # An old target date may stay while the text is edited; a new one can't be in the past.
    if target_date is not None and target_date < today and target_date != unchanged:
        raise MentoringError(
            DATE_IN_PAST,
            f"Pick a target date from today ({today:%Y-%m-%d}) on, or leave it empty.",
            "target_date",
        )


def _lock(mentorship: Mentorship) -> None:
    """Lock the mentorship row so two tabs can't both pass the 'at most five' check."""
    list(Mentorship.objects.select_for_update().filter(pk=mentorship.pk).values("pk"))


def _active_count(mentorship: Mentorship) -> int:
    return MentorshipGoal.objects.filter(mentorship=mentorship, status=GoalStatus.ACTIVE).count()


def _too_many(field: str | None = None) -> MentoringError:
    return MentoringError(
        TOO_MANY,
        f"You already have {MAX_ACTIVE_GOALS} goals you're working on. Mark one achieved "
        "or set it aside first: a few clear goals help more than many.",
        field,
    )


# --- Goals -------------------------------------------------------------------------


def goal_add(
    *,
    mentorship: Mentorship,
    by: User,
    text: str,
    target_date: date | None,
    today: date | None = None,
) -> MentorshipGoal:
    """Add an active goal: mentee only, specific text, at most five active.

    Steps: check the person and the text, lock the mentorship, count the active
    goals, save. `today` is the mentee's local date (the active zone by default).
    """
    _require_mentee(mentorship, by)
    clean = _clean_text(text)
    _check_target(target_date, today or timezone.localdate())
    with transaction.atomic():
        _lock(mentorship)
        if _active_count(mentorship) >= MAX_ACTIVE_GOALS:
            raise _too_many()
        goal = MentorshipGoal(mentorship=mentorship, text=clean, target_date=target_date)
        goal.full_clean()
        goal.save()
    return goal


def goal_update(
    *,
    goal: MentorshipGoal,
    by: User,
    text: str,
    target_date: date | None,
    today: date | None = None,
) -> MentorshipGoal:
    """Rewrite a goal's text or target date (mentee only)."""
    _require_mentee(goal.mentorship, by)
    clean = _clean_text(text)
    _check_target(target_date, today or timezone.localdate(), unchanged=goal.target_date)
    goal.text, goal.target_date = clean, target_date
    goal.full_clean()
    goal.save(update_fields=["text", "target_date", "updated_at"])
    return goal


def goal_set_status(*, goal: MentorshipGoal, by: User, status: str) -> MentorshipGoal:
    """Mark a goal achieved, set it aside, or take it up again (mentee only).

    Compare-and-set on the old status, so a second tab that saw an older state
    is told rather than silently overwriting; taking a goal up again counts
    against the five active goals under the mentorship's lock.
    """
    _require_mentee(goal.mentorship, by)
    if status not in GoalStatus.values:
        raise MentoringError(BAD_STATUS, "Choose achieved, set aside, or working on it.", "status")
    if status == goal.status:
        return goal
    with transaction.atomic():
        _lock(goal.mentorship)
        if status == GoalStatus.ACTIVE and _active_count(goal.mentorship) >= MAX_ACTIVE_GOALS:
            raise _too_many()
        changed = MentorshipGoal.objects.filter(pk=goal.pk, status=goal.status).update(
            status=status, updated_at=timezone.now()
        )
    if changed != 1:
        raise MentoringError(CHANGED, "This goal was changed meanwhile. Have a look and try again.")
    goal.refresh_from_db()
    return goal


def goal_comment(*, goal: MentorshipGoal, by: User, comment: str) -> MentorshipGoal:
    """The mentor's comment on a goal (mentor only; empty clears it)."""
    if by.pk != goal.mentorship.mentor_id:
        raise MentoringError(NOT_MENTOR, "Only the mentor comments on the mentee's goals.")
    _require_live(goal.mentorship)
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise MentoringError(
            TOO_LONG,
            f"Keep a comment to {COMMENT_MAX} characters (this one has {len(comment)}).",
            "comment",
        )
    goal.mentor_comment = comment
    goal.full_clean()
    goal.save(update_fields=["mentor_comment", "updated_at"])
    return goal


# --- Working agreement -------------------------------------------------------------


def _limit(value: str, field: str, label: str, maximum: int) -> str:
    value = value.strip()
    if len(value) > maximum:
        raise MentoringError(
            TOO_LONG, f"Keep {label} to {maximum} characters (this has {len(value)}).", field
        )
    return value


def agreement_update(
    *,
    mentorship: Mentorship,
    by: User,
    how_often: str,
    contact_between_sessions: str,
    mentee_expects: str | None = None,
    mentor_expects: str | None = None,
) -> WorkingAgreement:
    """Write down how the two work together. Either party edits the shared
    fields; each writes only their own "what I expect" (None leaves the other's
    as it is, and a different value for the other's is refused)."""
    if by.pk not in (mentorship.mentee_id, mentorship.mentor_id):
        raise MentoringError(NOT_PARTY, "Only the mentee and the mentor write their agreement.")
    _require_live(mentorship)
    is_mentee = by.pk == mentorship.mentee_id
    values = {
        "how_often": _limit(how_often, "how_often", "how often you meet", AGREEMENT_SHORT_MAX),
        "contact_between_sessions": _limit(
            contact_between_sessions,
            "contact_between_sessions",
            "how you reach each other",
            AGREEMENT_SHORT_MAX,
        ),
    }
    if is_mentee:
        own, own_value, theirs, their_value = (
            "mentee_expects",
            mentee_expects,
            "mentor_expects",
            mentor_expects,
        )
    else:
        own, own_value, theirs, their_value = (
            "mentor_expects",
            mentor_expects,
            "mentee_expects",
            mentee_expects,
        )
    if own_value is not None:
        values[own] = _limit(own_value, own, "what you expect", AGREEMENT_LONG_MAX)
    with transaction.atomic():
        _lock(mentorship)
        agreement, _ = WorkingAgreement.objects.get_or_create(mentorship=mentorship)
        if their_value is not None and their_value.strip() != getattr(agreement, theirs):
            raise MentoringError(
                NOT_YOURS, "Each of you writes only your own expectations.", theirs
            )
        for name, value in values.items():
            setattr(agreement, name, value)
        agreement.updated_by = by
        agreement.full_clean()
        agreement.save()
    return agreement


# --- Reads for the goals page ------------------------------------------------------


def mentorship_for_viewer(
    user: User, program: Program, mentorship_id: int
) -> tuple[Mentorship, Viewer]:
    """The mentorship and the viewer's part in it: its mentee or mentor, or
    (read-only) the mentee's success manager or a program admin. 404 for anyone else."""
    try:
        mentorship = mentorship_for_party(user, program, mentorship_id)
    except Http404:
        mentorship = None
    if mentorship is not None:
        return mentorship, Viewer.MENTEE if user.pk == mentorship.mentee_id else Viewer.MENTOR
    if is_program_staff(user, program):
        staff_view = (
            Mentorship.objects.filter(pk=mentorship_id, program=program)
            .select_related("program", "mentor", "mentee")
            .first()
        )
        if staff_view is not None and can_view_mentee(user, program, staff_view.mentee):
            return staff_view, Viewer.STAFF
    raise Http404("No such mentorship.")


def goals_with_progress(mentorship: Mentorship) -> QuerySet[MentorshipGoal]:
    """The mentorship's goals, each annotated with `session_count` (sessions
    whose agenda pointed at it, cancelled ones left out) and `last_goal_met`
    (the latest reflection on those sessions, by either party). One query."""
    latest = (
        Reflection.objects.filter(session__agenda__mentorship_goal=OuterRef("pk"))
        .exclude(session__status=SessionStatus.CANCELLED)
        .order_by("-session__starts_at", "-created_at", "-pk")
    )
    return (
        MentorshipGoal.objects.filter(mentorship=mentorship)
        .annotate(
            session_count=Count(
                "agendas", filter=~Q(agendas__session__status=SessionStatus.CANCELLED)
            ),
            last_goal_met=Subquery(latest.values("goal_met")[:1]),
            last_goal_met_on=Subquery(latest.values("session__starts_at")[:1]),
        )
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class GoalGroups:
    active: list[MentorshipGoal]
    achieved: list[MentorshipGoal]
    dropped: list[MentorshipGoal]

    @property
    def can_add(self) -> bool:
        return len(self.active) < MAX_ACTIVE_GOALS


def grouped_goals(mentorship: Mentorship) -> GoalGroups:
    goals = list(goals_with_progress(mentorship))
    return GoalGroups(
        active=[g for g in goals if g.status == GoalStatus.ACTIVE],
        achieved=[g for g in goals if g.status == GoalStatus.ACHIEVED],
        dropped=[g for g in goals if g.status == GoalStatus.DROPPED],
    )


def agreement_of(mentorship: Mentorship) -> WorkingAgreement | None:
    return (
        WorkingAgreement.objects.filter(mentorship=mentorship).select_related("updated_by").first()
    )
