"""Reads for the caseload, a mentee's timeline and the mentor view.

Each page costs a fixed number of queries whatever the number of mentees,
mentors or sessions: counts are grouped or annotated in the database, and
Python only merges the already-aggregated rows. Program-wide numbers over time
live in figures.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet

from mentora.accounts.models import User
from mentora.insights.access import Scope
from mentora.insights.models import RiskPolicy
from mentora.insights.risk import CaseRow, Signal, attach, has_live_mentorship_with, rank
from mentora.matching.models import Concern, Pulse
from mentora.mentoring.models import ActionItem, Feedback, Reflection
from mentora.programs.models import Cohort, Membership, Mentorship, Program, Role
from mentora.scheduling.models import (
    SYSTEM_CANCEL_REASONS,
    CancellationKind,
    MakeupRequest,
    Session,
    SessionStatus,
)
from mentora.scheduling.queries import unmarked_sessions

TIMELINE_SESSIONS = 60


# --- caseload ----------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadFilters:
    cohort: Cohort | None = None
    mentor: User | None = None
    signal: Signal | None = None


@dataclass
class Caseload:
    rows: list[CaseRow]  # this page's mentees, most at risk first
    policy: RiskPolicy
    total: int  # mentees in scope after the cohort and mentor filters
    at_risk: int  # of those, with at least one signal
    matching: int  # after the signal filter too
    signal_counts: dict[Signal, int]
    page: int = 1
    pages: int = 1

    @property
    def first_index(self) -> int:
        return (self.page - 1) * CASELOAD_PAGE + 1

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.rows) - 1


CASELOAD_PAGE = 50


def caseload(
    scope: Scope, now: datetime, filters: CaseloadFilters | None = None, page: int = 1
) -> Caseload:
    """The mentees in scope ordered by risk, filtered by cohort, mentor and signal.

    Every mentee's signals are computed in one query (ordering needs them all);
    only the shown page gets its live mentors loaded, in one more query."""
    filters = filters or CaseloadFilters()
    policy = RiskPolicy.for_program(scope.program)
    memberships = scope.memberships()
    if filters.cohort is not None:
        memberships = memberships.filter(cohort=filters.cohort)
    if filters.mentor is not None:
        memberships = memberships.filter(has_live_mentorship_with(filters.mentor.pk, scope.program))
    rows = rank(memberships, scope.program, policy, now)
    counts = Counter(signal for row in rows for signal in row.signals)
    total, at_risk = len(rows), sum(1 for r in rows if r.score)
    if filters.signal is not None:
        rows = [r for r in rows if filters.signal in r.signals]
    pages = max(1, -(-len(rows) // CASELOAD_PAGE))
    page = min(max(page, 1), pages)
    shown = rows[(page - 1) * CASELOAD_PAGE : page * CASELOAD_PAGE]
    attach(shown, memberships)  # with their live mentors, which scope.memberships() prefetches
    return Caseload(
        rows=shown,
        policy=policy,
        total=total,
        at_risk=at_risk,
        matching=len(rows),
        signal_counts={s: counts.get(s, 0) for s in Signal},
        page=page,
        pages=pages,
    )


HOME_ROWS = 3  # the success manager's home shows this many of the most at-risk mentees


@dataclass(frozen=True)
class CaseloadSummary:
    rows: list[CaseRow]
    at_risk: int
    total: int


def caseload_summary(program: Program, success_manager: User, now: datetime) -> CaseloadSummary:
    """The most at-risk mentees of a success manager's own caseload, for their home."""
    page = caseload(Scope(program, success_manager), now)
    return CaseloadSummary(
        rows=[row for row in page.rows[:HOME_ROWS] if row.score],
        at_risk=page.at_risk,
        total=page.total,
    )


def cohorts_of(program: Program) -> QuerySet[Cohort]:
    return Cohort.objects.filter(program=program).order_by("starts_on", "name")


def mentors_of(program: Program) -> QuerySet[User]:
    from mentora.accounts.models import User

    return User.objects.filter(
        memberships__program=program, memberships__role=Role.MENTOR, memberships__is_active=True
    ).order_by("name")


# --- a mentee's timeline ------------------------------------------------------


@dataclass
class Event:
    """One line of the timeline: a session (with what came of it), a cancellation (on
    time or late, with its reason), a makeup request, a concern, a pulse, a
    mentorship starting or ending."""

    at: datetime
    kind: str
    obj: Any
    mentorship: Mentorship | None = None


@dataclass
class Timeline:
    membership: Membership
    row: CaseRow
    mentorships: list[Mentorship]
    events: list[Event]
    open_actions: list[ActionItem]
    sessions_shown: int
    attendance: dict[str, int] = field(default_factory=dict)


def timeline(scope: Scope, membership: Membership, now: datetime) -> Timeline:
    program, mentee = scope.program, membership.user
    policy = RiskPolicy.for_program(program)
    row = rank(scope.memberships().filter(pk=membership.pk), program, policy, now)[0]
    row.membership = membership
    mentorships = list(
        Mentorship.objects.filter(program=program, mentee=mentee)
        .select_related("mentor")
        .order_by("-started_at")
    )
    by_id = {m.pk: m for m in mentorships}
    sessions = list(
        Session.objects.filter(program=program, mentee=mentee, starts_at__lte=now)
        .select_related("agenda", "feedback")
        .prefetch_related(
            Prefetch("reflections", queryset=Reflection.objects.order_by("created_at", "pk"))
        )
        .order_by("-starts_at")[:TIMELINE_SESSIONS]
    )
    concerns = Concern.objects.filter(program=program, mentorship__mentee=mentee).select_related(
        "raised_by"
    )
    pulses = Pulse.objects.filter(
        mentorship__program=program, mentorship__mentee=mentee, answered_at__isnull=False
    ).select_related("respondent")
    # A person's cancellation is an event of its own, at the moment it was made (a session
    # cancelled for next week happened today); the system's (an ended mentorship, a new
    # regular time) are told by the mentorship's own events.
    cancellations = list(
        Session.objects.filter(
            program=program,
            mentee=mentee,
            status=SessionStatus.CANCELLED,
            cancelled_at__lte=now,
        )
        .exclude(cancel_reason__in=SYSTEM_CANCEL_REASONS)
        .select_related("cancelled_by")
        .order_by("-cancelled_at")[:TIMELINE_SESSIONS]
    )
    cancelled_ids = {s.pk for s in cancellations}
    makeup_requests = MakeupRequest.objects.filter(
        session__program=program, session__mentee=mentee, requested_at__lte=now
    ).select_related("session")
    events = [
        Event(s.starts_at, "session", s, by_id.get(s.mentorship_id))
        for s in sessions
        if s.pk not in cancelled_ids
    ]
    events += [
        Event(s.cancelled_at, "cancelled", s, by_id.get(s.mentorship_id))  # type: ignore[arg-type]
        for s in cancellations
    ]
    events += [
        Event(r.requested_at, "makeup_request", r, by_id.get(r.session.mentorship_id))
        for r in makeup_requests
    ]
    events += [Event(c.created_at, "concern", c, by_id.get(c.mentorship_id)) for c in concerns]
    events += [Event(p.answered_at, "pulse", p, by_id.get(p.mentorship_id)) for p in pulses]  # type: ignore[arg-type]
    for m in mentorships:
        events.append(Event(m.started_at, "started", m, m))
        if m.ended_at:
            events.append(Event(m.ended_at, "ended", m, m))
    events.sort(key=lambda e: e.at, reverse=True)
    open_actions = list(
        ActionItem.objects.filter(
            mentorship__program=program, mentorship__mentee=mentee, done_at__isnull=True
        )
        .select_related("owner")
        .order_by("due_on", "pk")
    )
    attendance = Counter(s.status for s in sessions)
    return Timeline(
        membership=membership,
        row=row,
        mentorships=mentorships,
        events=events,
        open_actions=open_actions,
        sessions_shown=len(sessions),
        attendance=dict(attendance),
    )


# --- the mentor view ----------------------------------------------------------


@dataclass
class MentorRow:
    mentor: User
    capacity: int
    load: int = 0
    sessions: int = 0
    held: int = 0
    mentee_no_shows: int = 0
    mentor_no_shows: int = 0
    late_cancellations: int = 0
    feedback_count: int = 0
    feedback_average: float | None = None
    reflections: int = 0
    unmarked: int = 0

    @property
    def marked(self) -> int:
        return self.held + self.mentee_no_shows + self.mentor_no_shows

    @property
    def attendance_rate(self) -> float | None:
        return self.held / self.marked if self.marked else None

    @property
    def late_cancellation_rate(self) -> float | None:
        return self.late_cancellations / self.sessions if self.sessions else None

    @property
    def reflection_rate(self) -> float | None:
        return self.reflections / self.held if self.held else None

    @property
    def over_capacity(self) -> bool:
        return self.load > self.capacity

    @property
    def full(self) -> bool:
        return self.load >= self.capacity


def mentor_rows(program: Program, start: datetime, end: datetime, now: datetime) -> list[MentorRow]:
    """Each mentor's load against capacity and their sessions started in [start, min(end, now))."""
    mentors = mentors_of(program).select_related("mentor_profile")
    rows = {
        u.pk: MentorRow(u, capacity=getattr(getattr(u, "mentor_profile", None), "capacity", 0))
        for u in mentors
    }
    for mentor_id, n in _grouped(
        Mentorship.objects.live().filter(program=program), "mentor_id", n=Count("pk")
    ):
        if row := rows.get(mentor_id):
            row.load = n["n"]
    period = Session.objects.filter(
        program=program, starts_at__gte=start, starts_at__lt=min(end, now)
    )
    late = Q(status=SessionStatus.CANCELLED, cancellation_kind=CancellationKind.LATE)
    for mentor_id, counts in _grouped(
        period,
        "mentor_id",
        sessions=Count("pk"),
        held=Count("pk", filter=Q(status=SessionStatus.HELD)),
        mentee_no_shows=Count("pk", filter=Q(status=SessionStatus.MENTEE_NO_SHOW)),
        mentor_no_shows=Count("pk", filter=Q(status=SessionStatus.MENTOR_NO_SHOW)),
        late_cancellations=Count("pk", filter=late),
    ):
        if row := rows.get(mentor_id):
            for key, value in counts.items():
                setattr(row, key, value)
    feedback = Feedback.objects.filter(session__in=period)
    for mentor_id, r in _grouped(feedback, "session__mentor_id", n=Count("pk"), avg=Avg("rating")):
        if row := rows.get(mentor_id):
            row.feedback_count, row.feedback_average = r["n"], r["avg"]
    reports = Reflection.objects.filter(
        session__in=period.filter(status=SessionStatus.HELD), author=F("session__mentor")
    )
    for mentor_id, r in _grouped(reports, "session__mentor_id", n=Count("pk")):
        if row := rows.get(mentor_id):
            row.reflections = r["n"]
    for mentor_id, r in _grouped(unmarked_sessions(program, now), "mentor_id", n=Count("pk")):
        if row := rows.get(mentor_id):
            row.unmarked = r["n"]
    return list(rows.values())


def _grouped(qs: QuerySet[Any], by: str, **aggregates: Any) -> list[tuple[int, dict[str, Any]]]:
    """(key, {aggregate: value}) per value of `by`: one GROUP BY query."""
    rows = qs.order_by().values(by).annotate(**aggregates)
    return [(r[by], {k: r[k] for k in aggregates}) for r in rows]


def default_period(today: date, weeks: int = 12) -> tuple[date, date]:
    """The last `weeks` weeks, Monday to Sunday, ending with the current week."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=weeks - 1), monday + timedelta(days=6)
