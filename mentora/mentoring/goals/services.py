"""The mentorship's own goals and its working agreement.

"Have a specific, written goal" and "use the first few weeks to shape your
time together" (seeds 000 and 001): the mentee writes one to five specific
goals for the mentorship, the mentor comments on them, and both write down how
they will work together.

Writes are typed functions with keyword-only arguments; each owns its
transaction, locks the mentorship row before it counts, and raises MentoringError
(with the form field it is about) when a rule says no, so nothing is ever
half-saved. Reads for the goals page sit at the end of this module; who may
open the page is mentoring.access.mentorship_for_viewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.mentoring.errors import MentoringCode, MentoringError, clean_or_refuse
from mentora.mentoring.models import (
    GoalStatus,
    MentorshipGoal,
    Reflection,
    WorkingAgreement,
)
from mentora.programs.access import is_party
from mentora.programs.models import Mentorship
from mentora.scheduling.models import SessionStatus

if TYPE_CHECKING:
    from mentora.accounts.models import User

MAX_ACTIVE_GOALS = 5
GOAL_TEXT_MIN = 15
GOAL_TEXT_MAX = 300
COMMENT_MAX = 1000
AGREEMENT_SHORT_MAX = 300  # how often, how to reach each other
AGREEMENT_LONG_MAX = 1000  # what each expects


# --- Checks ------------------------------------------------------------------------


def _require_live(mentorship: Mentorship) -> None:
    if not mentorship.is_live:
        raise MentoringError(
            MentoringCode.NOT_LIVE, _("This mentorship has ended; its goals are kept as they were.")
        )


def _require_mentee(mentorship: Mentorship, by: User) -> None:
    if by.pk != mentorship.mentee_id:
        raise MentoringError(
            MentoringCode.NOT_MENTEE,
            _("Only the mentee writes and updates the mentorship's goals."),
        )
    _require_live(mentorship)


def _clean_text(text: str) -> str:
    text = " ".join(text.split())
    if len(text) < GOAL_TEXT_MIN:
        raise MentoringError(
            MentoringCode.TOO_SHORT,
            _("Be specific: what would done look like? Use at least %(min)d characters.")
            % {"min": GOAL_TEXT_MIN},
            "text",
        )
    if len(text) > GOAL_TEXT_MAX:
        raise MentoringError(
            MentoringCode.TOO_LONG,
            _("Keep a goal to %(max)d characters (this one has %(count)d).")
            % {"max": GOAL_TEXT_MAX, "count": len(text)},
            "text",
        )
    return text


def _check_target(target_date: date | None, today: date, unchanged: date | None = None) -> None:
    # An old target date may stay while the text is edited; a new one can't be in the past.
    if target_date is not None and target_date < today and target_date != unchanged:
        raise MentoringError(
            MentoringCode.DATE_IN_PAST,
            _("Pick a target date from today (%(today)s) on, or leave it empty.")
            % {"today": f"{today:%Y-%m-%d}"},
            "target_date",
        )


def _lock(mentorship: Mentorship) -> None:
    """Lock the mentorship row so two tabs can't both pass the 'at most five' check."""
    list(Mentorship.objects.select_for_update().filter(pk=mentorship.pk).values("pk"))


def _active_count(mentorship: Mentorship) -> int:
    return MentorshipGoal.objects.filter(mentorship=mentorship, status=GoalStatus.ACTIVE).count()


def _too_many(field: str | None = None) -> MentoringError:
    return MentoringError(
        MentoringCode.TOO_MANY_ACTIVE,
        _(
            "You already have %(max)d goals you're working on. Mark one achieved "
            "or set it aside first: a few clear goals help more than many."
        )
        % {"max": MAX_ACTIVE_GOALS},
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
        clean_or_refuse(goal)
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
    clean_or_refuse(goal)
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
        raise MentoringError(
            MentoringCode.BAD_STATUS, _("Choose achieved, set aside, or working on it."), "status"
        )
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
        raise MentoringError(
            MentoringCode.CHANGED_MEANWHILE,
            _("This goal was changed meanwhile. Have a look and try again."),
        )
    goal.refresh_from_db()
    return goal


def goal_comment(*, goal: MentorshipGoal, by: User, comment: str) -> MentorshipGoal:
    """The mentor's comment on a goal (mentor only; empty clears it)."""
    if by.pk != goal.mentorship.mentor_id:
        raise MentoringError(
            MentoringCode.NOT_MENTOR, _("Only the mentor comments on the mentee's goals.")
        )
    _require_live(goal.mentorship)
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise MentoringError(
            MentoringCode.TOO_LONG,
            _("Keep a comment to %(max)d characters (this one has %(count)d).")
            % {"max": COMMENT_MAX, "count": len(comment)},
            "comment",
        )
    goal.mentor_comment = comment
    clean_or_refuse(goal)
    goal.save(update_fields=["mentor_comment", "updated_at"])
    return goal


# --- Working agreement -------------------------------------------------------------


def _limit(value: str, field: str, label: str, maximum: int) -> str:
    value = value.strip()
    if len(value) > maximum:
        raise MentoringError(
            MentoringCode.TOO_LONG,
            _("Keep %(what)s to %(max)d characters (this has %(count)d).")
            % {"what": label, "max": maximum, "count": len(value)},
            field,
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
    if not is_party(by, mentorship):
        raise MentoringError(
            MentoringCode.NOT_PARTY, _("Only the mentee and the mentor write their agreement.")
        )
    _require_live(mentorship)
    is_mentee = by.pk == mentorship.mentee_id
    values = {
        "how_often": _limit(how_often, "how_often", _("how often you meet"), AGREEMENT_SHORT_MAX),
        "contact_between_sessions": _limit(
            contact_between_sessions,
            "contact_between_sessions",
            _("how you reach each other"),
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
        values[own] = _limit(own_value, own, _("what you expect"), AGREEMENT_LONG_MAX)
    with transaction.atomic():
        _lock(mentorship)
        agreement, _created = WorkingAgreement.objects.get_or_create(mentorship=mentorship)
        if their_value is not None and their_value.strip() != getattr(agreement, theirs):
            raise MentoringError(
                MentoringCode.NOT_YOURS, _("Each of you writes only your own expectations."), theirs
            )
        for name, value in values.items():
            setattr(agreement, name, value)
        agreement.updated_by = by
        clean_or_refuse(agreement)
        agreement.save()
    return agreement


# --- Reads for the goals page ------------------------------------------------------


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
