"""Reads for relationship health: concerns, pulses, a mentee's mentorship history.

The access rules live here too. A concern is private to the success manager:
it is seen by its author, the mentee's success manager and program admins,
never by the other party of the mentorship; everyone else gets a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from mentora.matching.models import Concern, ConcernStatus, Pulse, PulseAnswer
from mentora.mentoring.models import Reflection
from mentora.programs.access import roles_in
from mentora.programs.models import Mentorship, MentorshipStatus, Program, Role
from mentora.programs.queries import mentee_membership
from mentora.scheduling.models import MISSED_STATUSES, CancelReason, Session, SessionStatus

if TYPE_CHECKING:
    from mentora.accounts.models import User


def can_manage_mentee(user: User, program: Program, mentee: User) -> bool:
    """Staff who may act on a mentee's mentorships: program admins and the
    mentee's own success manager (and Django staff)."""
    if user.is_staff:
        return True
    roles = roles_in(user, program)
    if Role.ADMIN in roles:
        return True
    if Role.SUCCESS_MANAGER not in roles:
        return False
    membership = mentee_membership(program, mentee)
    return membership is not None and membership.success_manager_id == user.pk


def _concerns(program: Program) -> QuerySet[Concern]:
    return Concern.objects.filter(program=program).select_related(
        "raised_by",
        "resolved_by",
        "mentorship__mentor",
        "mentorship__mentee",
        "new_mentorship__mentor",
    )


def concern_for_viewer(user: User, program: Program, concern_id: int) -> Concern:
    """A concern its author or the mentee's staff may see; 404 for anyone else."""
    concern = _concerns(program).filter(pk=concern_id).first()
    if concern is None:
        raise Http404("No such concern.")
    if concern.raised_by_id == user.pk or can_manage_mentee(
        user, program, concern.mentorship.mentee
    ):
        return concern
    raise Http404("No such concern.")


def concern_for_manager(user: User, program: Program, concern_id: int) -> Concern:
    """A concern the viewer may resolve (the mentee's staff); 404 for anyone else."""
    concern = _concerns(program).filter(pk=concern_id).first()
    if concern is None or not can_manage_mentee(user, program, concern.mentorship.mentee):
        raise Http404("No such concern.")
    return concern


def mentorship_for_manager(user: User, program: Program, mentorship_id: int) -> Mentorship:
    """A mentorship the viewer may end or re-match (the mentee's staff); else 404."""
    mentorship = (
        Mentorship.objects.filter(pk=mentorship_id, program=program)
        .select_related("program", "mentor", "mentee")
        .first()
    )
    if mentorship is None or not can_manage_mentee(user, program, mentorship.mentee):
        raise Http404("No such mentorship.")
    return mentorship


def _in_caseload(prefix: str, program: Program, success_manager: User) -> Q:
    return Q(
        **{
            f"{prefix}__memberships__program": program,
            f"{prefix}__memberships__role": Role.MENTEE,
            f"{prefix}__memberships__is_active": True,
            f"{prefix}__memberships__success_manager": success_manager,
        }
    )


def concerns_for_staff(
    program: Program, viewer: User, *, status: ConcernStatus = ConcernStatus.OPEN
) -> QuerySet[Concern]:
    """The concerns a staff member looks after: a program admin's are all the
    program's, a success manager's those of their caseload. Open ones oldest
    first (longest waiting on top), resolved ones newest first."""
    concerns = _concerns(program).filter(status=status)
    if not (viewer.is_staff or Role.ADMIN in roles_in(viewer, program)):
        concerns = concerns.filter(_in_caseload("mentorship__mentee", program, viewer))
    if status == ConcernStatus.OPEN:
        return concerns.order_by("created_at", "pk")
    return concerns.order_by("-resolved_at", "-pk")


def not_a_fit_pulses(program: Program, success_manager: User) -> QuerySet[Pulse]:
    """Pulses answered "not a fit" on live mentorships of the caseload, newest first."""
    return (
        Pulse.objects.filter(
            answer=PulseAnswer.NOT_A_FIT,
            mentorship__program=program,
            mentorship__status__in=[MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED],
        )
        .filter(_in_caseload("mentorship__mentee", program, success_manager))
        .select_related("respondent", "mentorship__mentor", "mentorship__mentee")
        .order_by("-answered_at", "-pk")
    )


def pulse_for_respondent(user: User, program: Program, pulse_id: int) -> Pulse:
    """One's own pulse; 404 for anyone else (even staff: it's a question to one person)."""
    pulse = (
        Pulse.objects.filter(pk=pulse_id, respondent=user, mentorship__program=program)
        .select_related("mentorship__mentor", "mentorship__mentee")
        .first()
    )
    if pulse is None:
        raise Http404("No such question.")
    return pulse


@dataclass(frozen=True)
class PendingPulse:
    """A pulse waiting for its answer, with what a page needs to ask it in place."""

    pulse: Pulse
    other: User  # the other party of the mentorship
    choices: list[tuple[str, str]]


def pending_pulses(program: Program, user: User) -> list[PendingPulse]:
    """The latest unanswered pulse of each of the person's active mentorships."""
    pulses = (
        Pulse.objects.filter(
            respondent=user,
            answer="",
            mentorship__program=program,
            mentorship__status=MentorshipStatus.ACTIVE,
        )
        .select_related("mentorship__mentor", "mentorship__mentee")
        .order_by("mentorship_id", "-asked_at")
    )
    latest: dict[int, Pulse] = {}
    for pulse in pulses:
        latest.setdefault(pulse.mentorship_id, pulse)
    ordered = sorted(latest.values(), key=lambda p: p.asked_at, reverse=True)
    return [
        PendingPulse(
            pulse=p,
            other=p.mentorship.mentor if p.mentorship.mentee_id == user.pk else p.mentorship.mentee,
            choices=PulseAnswer.choices,
        )
        for p in ordered
    ]


def mentee_for_history(viewer: User, program: Program, mentee_id: int) -> tuple[User, bool]:
    """The mentee whose history `viewer` may read, and whether they read it as
    staff (every concern) rather than as the mentee themselves; else 404."""
    from mentora.accounts.models import User

    mentee = User.objects.filter(pk=mentee_id).first()
    if mentee is None or mentee_membership(program, mentee) is None:
        raise Http404("No such mentee.")
    is_manager = can_manage_mentee(viewer, program, mentee)
    if not (is_manager or viewer.pk == mentee.pk):
        raise Http404("No such mentee.")
    return mentee, is_manager


# Missed by a person: no-shows and cancellations, not the system's (an ended mentorship).
_MISSED = Q(sessions__status__in=MISSED_STATUSES) & ~Q(
    sessions__cancel_reason__in=[CancelReason.MENTORSHIP_ENDED, CancelReason.CADENCE_CHANGED]
)


def mentorship_history(program: Program, mentee: User, *, for_staff: bool) -> list[Mentorship]:
    """Every mentorship of a mentee in the program, ended ones included, newest first.

    Each carries `held`, `missed` and `upcoming` counts and `concerns_shown`:
    all concerns for staff, the mentee's own for the mentee. A fixed number
    of queries, whatever the number of mentorships.
    """
    concerns = Concern.objects.select_related("raised_by", "new_mentorship__mentor").order_by(
        "created_at"
    )
    if not for_staff:
        concerns = concerns.filter(raised_by=mentee)
    return list(
        Mentorship.objects.filter(program=program, mentee=mentee)
        .select_related("mentor")
        .annotate(
            held=Count("sessions", filter=Q(sessions__status=SessionStatus.HELD)),
            missed=Count("sessions", filter=_MISSED),
            upcoming=Count("sessions", filter=Q(sessions__status=SessionStatus.SCHEDULED)),
        )
        .prefetch_related(Prefetch("concerns", queryset=concerns, to_attr="concerns_shown"))
        .order_by("-started_at", "-pk")
    )


def mentorship_sessions(mentorship: Mentorship) -> QuerySet[Session]:
    """A mentorship's sessions for staff, newest first: attendance, both
    reflections and the mentee's feedback (a fixed number of queries)."""
    return (
        Session.objects.filter(mentorship=mentorship)
        .select_related("feedback")
        .prefetch_related(
            Prefetch("reflections", queryset=Reflection.objects.select_related("author"))
        )
        .order_by("-starts_at")
    )


def mentorship_pulses(mentorship: Mentorship) -> QuerySet[Pulse]:
    return (
        Pulse.objects.filter(mentorship=mentorship)
        .exclude(answer="")
        .select_related("respondent")
        .order_by("-answered_at")
    )
