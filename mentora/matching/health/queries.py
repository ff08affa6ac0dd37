"""Reads for relationship health: concerns, pulses, a mentee's mentorship history.

The lookups here find a concern, pulse, mentorship or mentee of the program;
who may see or act on it (a concern is private to the success manager: its
author, the mentee's success manager and program admins, never the other
party) is decided in `mentora.matching.access`, which calls them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from mentora.accounts.models import User
from mentora.matching.engine.suggestions import RankedMentor
from mentora.matching.models import Concern, ConcernStatus, Pulse, PulseAnswer
from mentora.mentoring.models import Reflection
from mentora.programs.memo import per_request, remember
from mentora.programs.models import Membership, Mentorship, MentorshipStatus, Program, Role
from mentora.scheduling.models import MISSED_STATUSES, CancelReason, Session, SessionStatus

# --- concerns ---------------------------------------------------------------------------


def _concerns(program: Program) -> QuerySet[Concern]:
    return Concern.objects.filter(program=program).select_related(
        "raised_by",
        "resolved_by",
        "mentorship__mentor",
        "mentorship__mentee",
        "new_mentorship__mentor",
    )


def concern_in(program: Program, concern_id: int) -> Concern | None:
    return _concerns(program).filter(pk=concern_id).first()


def concerns_in(
    program: Program, scope: Q | None, *, status: ConcernStatus = ConcernStatus.OPEN
) -> QuerySet[Concern]:
    """The program's concerns a staff scope covers (none for None). Open ones
    oldest first (longest waiting on top), resolved ones newest first."""
    concerns = _concerns(program).filter(status=status)
    concerns = concerns.none() if scope is None else concerns.filter(scope)
    if status == ConcernStatus.OPEN:
        return concerns.order_by("created_at", "pk")
    return concerns.order_by("-resolved_at", "-pk")


def concerns_covered(program: Program, covered: Q) -> QuerySet[Concern]:
    """The program's concerns a filter covers, whatever their status (the API's list
    pages through them; who is covered is access's)."""
    return _concerns(program).filter(covered)


# --- mentorships and mentees ----------------------------------------------------------


def concerns_raised_by(user: User, mentorship: Mentorship) -> QuerySet[Concern]:
    """The concerns this person raised about this mentorship, newest first (their author
    may always see them), so the page for raising one links to what was already sent."""
    return (
        _concerns(mentorship.program)
        .filter(mentorship=mentorship, raised_by=user)
        .order_by("-created_at")
    )


def mentorship_in(program: Program, mentorship_id: int) -> Mentorship | None:
    return (
        Mentorship.objects.filter(pk=mentorship_id, program=program)
        .select_related("program", "mentor", "mentee")
        .first()
    )


def mentee_in(program: Program, mentee_id: int) -> User | None:
    """An active mentee of the program, by id."""
    from mentora.accounts.models import User

    return User.objects.filter(
        pk=mentee_id,
        memberships__program=program,
        memberships__role=Role.MENTEE,
        memberships__is_active=True,
    ).first()


# --- pulses -----------------------------------------------------------------------------


def _caseload(program: Program, success_manager: User) -> QuerySet[Membership]:
    return Membership.objects.active().filter(
        program=program, role=Role.MENTEE, success_manager=success_manager
    )


def not_a_fit_pulses(program: Program, success_manager: User) -> QuerySet[Pulse]:
    """Pulses answered "not a fit" on live mentorships of the caseload, newest first."""
    return (
        Pulse.objects.filter(
            answer=PulseAnswer.NOT_A_FIT,
            mentorship__program=program,
            mentorship__status__in=[MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED],
        )
        .filter(mentorship__mentee__in=_caseload(program, success_manager).values("user_id"))
        .select_related("respondent", "mentorship__mentor", "mentorship__mentee")
        .order_by("-answered_at", "-pk")
    )


def pulse_in(program: Program, pulse_id: int) -> Pulse | None:
    return (
        Pulse.objects.filter(pk=pulse_id, mentorship__program=program)
        .select_related("mentorship__mentor", "mentorship__mentee")
        .first()
    )


@dataclass(frozen=True)
class PendingPulse:
    """A pulse waiting for its answer, with what a page needs to ask it in place."""

    pulse: Pulse
    other: User  # the other party of the mentorship
    choices: list[tuple[str, str]]


def pending_pulses(program: Program, user: User) -> list[PendingPulse]:
    """The latest unanswered pulse of each of the person's active mentorships (asked by
    the home and its "Needs you now": one query a request)."""
    return per_request(user, ("pending_pulses", program.pk), lambda: _pending_pulses(program, user))


def _pending_pulses(program: Program, user: User) -> list[PendingPulse]:
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


# --- history ---------------------------------------------------------------------------


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
        .select_related("mentor", "mentee")
        .annotate(
            held=Count("sessions", filter=Q(sessions__status=SessionStatus.HELD)),
            missed=Count("sessions", filter=_MISSED),
            upcoming=Count("sessions", filter=Q(sessions__status=SessionStatus.SCHEDULED)),
        )
        .prefetch_related(Prefetch("concerns", queryset=concerns, to_attr="concerns_shown"))
        .order_by("-started_at", "-pk")
    )


@dataclass(frozen=True)
class MenteeOverview:
    """What a mentee's home shows of their mentorships here beyond the live ones."""

    past: list[Mentorship]  # ended, newest first, each with its `held` count
    pending_pulses: list[PendingPulse]  # as pending_pulses() gives them, as mentee


def mentee_overview(program: Program, mentee: User, *, only_mentee: bool) -> MenteeOverview:
    """Every mentorship of the mentee in the program, in one query: the ended ones
    with their held counts, the active ones with the latest pulse waiting for the
    mentee's answer (three subqueries on the pulse index). When the person holds
    no other role here (`only_mentee`) those are all their pending pulses, so the
    page's pending_pulses() reads them from here."""
    waiting = Pulse.objects.filter(mentorship=OuterRef("pk"), respondent=mentee, answer="")
    latest = waiting.order_by("-asked_at", "-pk")
    rows: list[Mentorship] = list(
        Mentorship.objects.filter(program=program, mentee=mentee)
        .select_related("mentor", "mentee")
        .annotate(
            held=Count("sessions", filter=Q(sessions__status=SessionStatus.HELD)),
            pulse_id=Subquery(latest.values("pk")[:1]),
            pulse_asked_at=Subquery(latest.values("asked_at")[:1]),
            pulse_comment=Subquery(latest.values("comment")[:1]),
        )
        .order_by("-started_at", "-pk")
    )
    pending = _pending_on_rows(mentee, rows)
    if only_mentee:
        remember(mentee, ("pending_pulses", program.pk), pending)
    past = [m for m in rows if m.status == MentorshipStatus.ENDED]
    return MenteeOverview(past=past, pending_pulses=pending)


def _pending_on_rows(mentee: User, rows: list[Mentorship]) -> list[PendingPulse]:
    """The pulses annotated on active mentorships, as _pending_pulses orders them.
    Each is the whole row: an unanswered pulse has no answer and no answer time."""
    pulses = [
        Pulse(
            pk=m.pulse_id,  # type: ignore[attr-defined]
            mentorship=m,
            respondent=mentee,
            asked_at=m.pulse_asked_at,  # type: ignore[attr-defined]
            answer="",
            comment=m.pulse_comment,  # type: ignore[attr-defined]
            answered_at=None,
        )
        for m in rows
        if m.status == MentorshipStatus.ACTIVE and m.pulse_id is not None  # type: ignore[attr-defined]
    ]
    pulses.sort(key=lambda p: p.asked_at, reverse=True)
    return [
        PendingPulse(pulse=p, other=p.mentorship.mentor, choices=PulseAnswer.choices)
        for p in pulses
    ]


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


# --- re-match --------------------------------------------------------------------------


@dataclass(frozen=True)
class RematchChoices:
    """The mentors a re-match may pick, in two lists so "best fit first" is true of each:
    those who can take the mentee now, and those set apart (full, or ruled out by a
    hard rule: a past "not a fit", no shared language)."""

    with_room: list[RankedMentor]
    set_apart: list[RankedMentor]


def _by_fit(ranked: list[RankedMentor]) -> list[RankedMentor]:
    return sorted(ranked, key=lambda r: (-r.score, r.mentor.name.lower(), r.mentor.user_id))


def rematch_choices(ranked: list[RankedMentor]) -> RematchChoices:
    """Each list sorted by fit, highest score first (ties by name)."""
    return RematchChoices(
        with_room=_by_fit([r for r in ranked if r.feasible]),
        set_apart=_by_fit([r for r in ranked if not r.feasible]),
    )
