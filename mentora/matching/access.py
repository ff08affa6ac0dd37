"""Who may see or change what in matching. Anyone else gets a 404, like every
page of a program: an outsider never learns a request, concern or mentee exists.

- Mentor requests: the mentee who sent one, the mentor it went to, and staff who
  may see that mentee (program admins every request, a success manager their
  caseload's). Only the mentor answers a request; only the mentee withdraws it.
- The directory ranks mentors by fit for the program's mentees, and lets a
  mentee without a mentor request one where the program allows it.
- Staff matching: a mentee's suggestions and the one-click match are for whoever
  manages that mentee (their own success manager, program admins); bulk
  matching is for program admins.
- Pulses: only the person asked (not even staff: it's a question to one person).
- Concerns are private to the success manager: seen by their author, the
  mentee's own success manager and program admins, never by the other party.
  The mentee's staff resolve them, and end, re-match or resume the mentorship.
- A mentee's history: the mentee (with their own concerns) and their staff
  (with every concern).
- Off-boarding: a mentee's graduation or leaving is for whoever manages that
  mentee (program admins, their own success manager); a mentor's, success
  manager's or admin's leaving, a cohort's graduation and deactivating an
  account are for program admins, and an account only when the admin runs every
  program the person is in (a site superuser may always). Completing a
  mentorship is for the mentee's staff; its closing reflections are written by
  its two parties and read by them and the mentee's staff.

Every rule is built from `mentora.programs.access`; the lookups are the read
modules' (`health.queries`, `staff.queries`, `mentor_requests.queries`), which
take the decision made here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Q, QuerySet

from mentora.matching.health import queries as health_queries
from mentora.matching.mentor_requests import queries as request_queries
from mentora.matching.models import BulkMatchRun, Concern, ConcernStatus, MentorRequest, Pulse
from mentora.matching.staff import queries as staff_queries
from mentora.programs import access
from mentora.programs import queries as program_queries
from mentora.programs.models import (
    Cohort,
    EndReason,
    Membership,
    Mentorship,
    MentorshipStatus,
    Program,
    Role,
)

if TYPE_CHECKING:
    from mentora.accounts.models import User

T = TypeVar("T")


def _found(obj: T | None, message: str) -> T:
    """The looked-up object, or the program pages' 404 when there is none."""
    access.require(obj is not None, message)
    assert obj is not None
    return obj


# --- mentor requests ----------------------------------------------------------------


def answers_request(user: User, asked: MentorRequest) -> bool:
    """Accepting and declining are the requested mentor's."""
    return user.pk == asked.mentor_id


def withdraws_request(user: User, asked: MentorRequest) -> bool:
    """Withdrawing is the mentee's who sent it."""
    return user.pk == asked.mentee_id


def request_lists(viewer: User, program: Program, now: datetime) -> request_queries.RequestLists:
    """The requests page: a mentee's sent ones, a mentor's received ones, and the
    requests of every mentee a staff member may see."""
    return request_queries.request_lists(
        program,
        viewer,
        now,
        sent=access.has_role(viewer, program, Role.MENTEE),
        received=access.has_role(viewer, program, Role.MENTOR),
        staff_scope=access.staff_scope(viewer, program),
    )


def _own_or_scope(own: Q, scope: Q | None) -> Q:
    """One's own rows, or also a staff scope's (an empty scope is everything: an admin's;
    `Q(...) | Q()` would quietly drop the empty side)."""
    if scope is None:
        return own
    return scope if not scope else own | scope


def requests_seen_by(viewer: User, program: Program, now: datetime) -> QuerySet[MentorRequest]:
    """Every request `request_for_viewer` shows the viewer, as one query (the API's
    list): their own as its mentee or mentor, and those of the mentees staff may see."""
    own = Q(mentee=viewer) | Q(mentor=viewer)
    return request_queries.requests_in(
        program, _own_or_scope(own, access.staff_scope(viewer, program)), now
    )


def request_for_viewer(
    viewer: User, program: Program, request_id: int, now: datetime
) -> MentorRequest:
    """One request, for its mentee, its mentor, or staff who may see that mentee. Else 404."""
    found = _found(request_queries.request_in(program, request_id, now), "No such request.")
    if answers_request(viewer, found) or withdraws_request(viewer, found):
        return found
    scope = access.staff_scope(viewer, program)
    access.require(scope is not None and request_queries.in_scope(found, scope), "No such request.")
    return found


def request_for_party(
    viewer: User, program: Program, request_id: int, now: datetime, *, as_role: Role
) -> MentorRequest:
    """A request the viewer may act on as its mentor (answer) or its mentee (withdraw)."""
    found = request_for_viewer(viewer, program, request_id, now)
    acts = answers_request if as_role == Role.MENTOR else withdraws_request
    access.require(acts(viewer, found), "Not your request.")
    return found


# --- the mentor directory -------------------------------------------------------------


def browses_as_mentee(viewer: User, program: Program) -> bool:
    """The directory is ranked by fit to the viewer (and offers requests) for mentees only."""
    return access.has_role(viewer, program, Role.MENTEE)


def may_request_mentors(viewer: User, program: Program) -> bool:
    """Whether the directory offers the viewer a "request" button at all: a mentee
    of a program with self-requests on, who has no live mentor yet. (Each request
    is checked again by request_queries.request_refusal.)"""
    return (
        browses_as_mentee(viewer, program)
        and program.self_requests_enabled
        and not program_queries.live_mentorships_of_mentee(program, viewer).exists()
    )


def request_entry_for(
    viewer: User, program: Program, mentor: User, now: datetime
) -> request_queries.RequestEntry | None:
    """The request section of a mentor's page: for a mentee of the program looking
    at someone else; None (no section) for everyone else."""
    if viewer.pk == mentor.pk or not browses_as_mentee(viewer, program):
        return None
    return request_queries.request_entry(program, viewer, mentor, now)


# --- staff matching -----------------------------------------------------------------


def mentee_for_matching(viewer: User, program: Program, mentee_id: int) -> Membership:
    """The mentee's membership (with the user), or 404 for anyone who may not match them."""
    missing = "No such mentee in this program."
    membership = _found(staff_queries.mentee_to_match(program, mentee_id), missing)
    access.require(access.manages_mentee(viewer, program, membership.user), missing)
    return membership


def run_for_admin(viewer: User, program: Program, run_id: int) -> BulkMatchRun:
    """A bulk-match run of the program, for its admins; else 404."""
    access.require(access.is_program_admin(viewer, program), "No such bulk match.")
    return _found(staff_queries.run_in(program, run_id), "No such bulk match.")


# --- pulses -------------------------------------------------------------------------


def answers_pulse(user: User, pulse: Pulse) -> bool:
    return user.pk == pulse.respondent_id


def pulse_for_respondent(user: User, program: Program, pulse_id: int) -> Pulse:
    """One's own pulse; 404 for anyone else."""
    pulse = _found(health_queries.pulse_in(program, pulse_id), "No such question.")
    access.require(answers_pulse(user, pulse), "No such question.")
    return pulse


# --- concerns -----------------------------------------------------------------------


def manages_concern(user: User, program: Program, concern: Concern) -> bool:
    """The mentee's staff: they see the whole file and resolve it."""
    return access.manages_mentee(user, program, concern.mentorship.mentee)


def sees_concern(user: User, program: Program, concern: Concern) -> bool:
    return concern.raised_by_id == user.pk or manages_concern(user, program, concern)


def concerns_seen_by(viewer: User, program: Program) -> QuerySet[Concern]:
    """Every concern `sees_concern` lets the viewer see, open or resolved, as one query
    (the API's list): the ones they raised, and as staff those `concerns_for_staff` covers."""
    scope = access.staff_scope(viewer, program, field="mentorship__mentee")
    return health_queries.concerns_covered(program, _own_or_scope(Q(raised_by=viewer), scope))


def concern_for_viewer(user: User, program: Program, concern_id: int) -> Concern:
    """A concern its author or the mentee's staff may see; 404 for anyone else."""
    concern = _found(health_queries.concern_in(program, concern_id), "No such concern.")
    access.require(sees_concern(user, program, concern), "No such concern.")
    return concern


def concern_for_manager(user: User, program: Program, concern_id: int) -> Concern:
    """A concern the viewer may resolve (the mentee's staff); 404 for anyone else."""
    concern = _found(health_queries.concern_in(program, concern_id), "No such concern.")
    access.require(manages_concern(user, program, concern), "No such concern.")
    return concern


def concerns_for_staff(
    viewer: User, program: Program, *, status: ConcernStatus = ConcernStatus.OPEN
) -> QuerySet[Concern]:
    """The concerns a staff member looks after: a program admin's are all the
    program's, a success manager's those of their caseload; nobody else's."""
    scope = access.staff_scope(viewer, program, field="mentorship__mentee")
    return health_queries.concerns_in(program, scope, status=status)


# --- mentorships and a mentee's history -------------------------------------------------


def mentorship_for_manager(user: User, program: Program, mentorship_id: int) -> Mentorship:
    """A mentorship the viewer may end, re-match or resume (the mentee's staff); else 404."""
    mentorship = _found(health_queries.mentorship_in(program, mentorship_id), "No such mentorship.")
    access.require(access.manages_mentee(user, program, mentorship.mentee), "No such mentorship.")
    return mentorship


def concern_for_rematch(
    user: User, program: Program, mentorship: Mentorship, concern_id: int
) -> Concern:
    """The concern a re-match resolves: one the viewer manages, about this mentorship."""
    concern = concern_for_manager(user, program, concern_id)
    access.require(
        concern.mentorship_id == mentorship.pk, "That concern is about another mentorship."
    )
    return concern


def mentee_for_history(viewer: User, program: Program, mentee_id: int) -> tuple[User, bool]:
    """The mentee whose history `viewer` may read, and whether they read it as
    staff (every concern) rather than as the mentee themselves; else 404."""
    mentee = _found(health_queries.mentee_in(program, mentee_id), "No such mentee.")
    is_manager = access.manages_mentee(viewer, program, mentee)
    access.require(is_manager or viewer.pk == mentee.pk, "No such mentee.")
    return mentee, is_manager


# --- off-boarding -------------------------------------------------------------------------


def offboards_membership(viewer: User, program: Program, membership: Membership) -> bool:
    """Graduating or marking as left: a mentee's staff for a mentee, admins for anyone."""
    if membership.role == Role.MENTEE:
        return access.manages_mentee(viewer, program, membership.user)
    return access.is_program_admin(viewer, program)


def membership_for_offboarding(viewer: User, program: Program, membership_id: int) -> Membership:
    """A membership of the program the viewer may end; else 404."""
    missing = "No such person in this program."
    membership = _found(
        Membership.objects.select_related("user", "cohort", "program")
        .filter(program=program, pk=membership_id)
        .first(),
        missing,
    )
    access.require(offboards_membership(viewer, program, membership), missing)
    return membership


@dataclass(frozen=True)
class OffboardingLinks:
    """What a person's page offers the viewer: graduate or mark as left (per role), deactivate."""

    memberships: list[Membership]
    deactivate: bool

    def __bool__(self) -> bool:
        return bool(self.memberships) or self.deactivate


def offboarding_links(viewer: User, program: Program, person: User) -> OffboardingLinks:
    """The person's active memberships the viewer may end, and whether they may
    deactivate. Decided by the viewer's roles; support access only for a viewer
    holding none (a superuser with a role reading a page that role grants must
    leave no audit entry because of these links)."""
    if viewer.pk == person.pk:
        return OffboardingLinks([], False)
    roles = access.roles_in(viewer, program)
    memberships = list(
        Membership.objects.active().filter(program=program, user=person).select_related("user")
    )
    if not roles:
        if not access.has_support_access(viewer, program):
            return OffboardingLinks([], False)
        return OffboardingLinks(memberships, True)
    if Role.ADMIN in roles:
        return OffboardingLinks(memberships, True)
    mine = [
        m
        for m in memberships
        if m.role == Role.MENTEE and access.is_success_manager_of(viewer, program, m)
    ]
    return OffboardingLinks(mine, False)


def deactivates_account(by: User, user: User) -> bool:
    """A site superuser may deactivate anyone; a program admin only someone who is
    in no program they don't administer (past memberships count: that history is
    the person's to read, and only a site administrator takes it away)."""
    if by.is_superuser:
        return True
    if user.is_superuser or user.is_staff:
        return False
    programs = set(Membership.objects.filter(user=user).values_list("program_id", flat=True))
    administered = set(
        Membership.objects.active()
        .filter(user=by, role=Role.ADMIN, program_id__in=programs)
        .values_list("program_id", flat=True)
    )
    return bool(programs) and programs <= administered


def person_for_deactivation(viewer: User, program: Program, user_id: int) -> User:
    """A person of the program (any membership) for its admins; else 404. Whether
    their other programs allow it is the service's refusal, with its reason."""
    missing = "No such person in this program."
    access.require(access.is_program_admin(viewer, program), missing)
    membership = _found(
        Membership.objects.select_related("user").filter(program=program, user_id=user_id).first(),
        missing,
    )
    return membership.user


def cohort_for_graduation(viewer: User, program: Program, cohort_id: int) -> Cohort:
    """A cohort of the program, for its admins; else 404."""
    access.require(access.is_program_admin(viewer, program), "No such cohort.")
    return _found(Cohort.objects.filter(program=program, pk=cohort_id).first(), "No such cohort.")


def mentorship_for_closing(viewer: User, program: Program, mentorship_id: int) -> Mentorship:
    """A completed mentorship whose closing reflections the viewer writes (its two
    parties); else 404 (a mentorship ended otherwise takes no closing words)."""
    mentorship = _found(health_queries.mentorship_in(program, mentorship_id), "No such mentorship.")
    access.require(access.is_party(viewer, mentorship), "No such mentorship.")
    access.require(
        mentorship.status == MentorshipStatus.ENDED
        and mentorship.end_reason == EndReason.COMPLETED,
        "This mentorship wasn't completed.",
    )
    return mentorship


def reads_closing_reflections(viewer: User, program: Program, mentorship: Mentorship) -> bool:
    """Closing reflections: the two parties and the mentee's staff."""
    return access.is_party(viewer, mentorship) or access.manages_mentee(
        viewer, program, mentorship.mentee
    )
