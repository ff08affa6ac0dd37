"""The shared vocabulary of who may see or change what in a program.

Every app's `access.py` builds its rules from these predicates, so "a program
admin", "this mentee's success manager" or "a party to this mentorship" is
written once. Views, templates and queries never test roles themselves.

Predicates answer True or False; `require` turns a False into the 404 every
program page gives to someone who may not see it (an outsider never learns
that a program, person or object exists).

Only roles open a program. Django's `is_staff` counts for nothing here (it is
Django admin's business). A superuser may open every program's pages for support
as if its admin: `has_support_access` is asked last, once the roles have
refused, and each time it allows, the grant is noted for the audit log
(`mentora.programs.audit`), so every view of a program's data that no role
granted is on record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from mentora.programs import audit, memo
from mentora.programs.models import STAFF_ROLES, Cohort, Membership, Mentorship, Program, Role
from mentora.programs.queries import mentee_membership

if TYPE_CHECKING:
    from mentora.accounts.models import User


def require(allowed: bool, message: str = "Not found.") -> None:
    """Raise the program pages' 404 unless `allowed`."""
    if not allowed:
        raise Http404(message)


def has_support_access(user: User, program: Program) -> bool:
    """A superuser opens the program as if its admin ("support access").

    Callers ask it only after the roles refused, so a True is access no role
    granted: it is noted for the audit log."""
    if not user.is_superuser:
        return False
    audit.note_support_access(user, program)
    return True


def roles_in(user: User, program: Program) -> frozenset[Role]:
    """The roles `user` holds in `program` (cached on the user for the request)."""
    cache: dict[int, frozenset[Role]] = user.__dict__.setdefault("_mentora_roles", {})
    if program.pk not in cache:
        cache[program.pk] = frozenset(
            Role(r)
            for r in Membership.objects.active()
            .filter(user=user, program=program)
            .values_list("role", flat=True)
        )
    return cache[program.pk]


def program_and_roles(user: User, slug: str) -> tuple[Program | None, frozenset[Role]]:
    """The program at `slug` and the roles `user` holds there, in one query for a member:
    all their active memberships with their programs (a person is in a few). The roles
    are then cached as `roles_in` caches them, and the page keeps the person's programs
    (`queries.programs_list`); None for no such program."""
    memberships = list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("program", "success_manager", "cohort")
        .order_by()
    )
    programs = {m.program_id: m.program for m in memberships}
    memo.remember(user, "programs", sorted(programs.values(), key=lambda p: (p.name, p.pk)))
    held = [m for m in memberships if m.program.slug == slug]
    if not held:
        return Program.objects.filter(slug=slug).first(), frozenset()
    program = held[0].program
    roles = frozenset(Role(m.role) for m in held)
    # The home and the mentee's pages show their membership (queries.mentee_membership).
    as_mentee = [m for m in held if m.role == Role.MENTEE]
    memo.remember(user, ("mentee_membership", program.pk), as_mentee[0] if as_mentee else None)
    user.__dict__.setdefault("_mentora_roles", {})[program.pk] = roles
    return program, roles


def has_role(user: User, program: Program, role: Role) -> bool:
    return role in roles_in(user, program)


def is_member(user: User, program: Program) -> bool:
    """Takes part in the program in some role (or opens it for support)."""
    return bool(roles_in(user, program)) or has_support_access(user, program)


def takes_part(user: User, program: Program) -> bool:
    """Holds a role in the program itself (support access doesn't count)."""
    return bool(roles_in(user, program))


def is_program_admin(user: User, program: Program) -> bool:
    """An admin of the program (or a superuser, for support)."""
    return has_role(user, program, Role.ADMIN) or has_support_access(user, program)


def is_program_staff(user: User, program: Program) -> bool:
    """A success manager or admin of the program (or a superuser, for support)."""
    return bool(roles_in(user, program) & STAFF_ROLES) or has_support_access(user, program)


def is_success_manager_of(user: User, program: Program, membership: Membership | None) -> bool:
    """`user` is a success manager of the program, named on this mentee's membership."""
    return (
        membership is not None
        and membership.success_manager_id == user.pk
        and has_role(user, program, Role.SUCCESS_MANAGER)
    )


def manages_mentee(user: User, program: Program, mentee: User) -> bool:
    """Staff who act on a mentee: program admins and the mentee's own success manager."""
    if has_role(user, program, Role.ADMIN):
        return True
    # The role test first spares the membership query for mentors and mentees.
    if has_role(user, program, Role.SUCCESS_MANAGER) and is_success_manager_of(
        user, program, mentee_membership(program, mentee)
    ):
        return True
    return has_support_access(user, program)


def is_party(user: User, mentorship: Mentorship) -> bool:
    """The mentor or the mentee of this mentorship."""
    return user.pk in (mentorship.mentor_id, mentorship.mentee_id)


def has_mentored(user: User, program: Program, mentee: User) -> bool:
    """`user` is or was a mentor of `mentee` in the program."""
    return Mentorship.objects.filter(program=program, mentor=user, mentee=mentee).exists()


def can_view_mentee(viewer: User, program: Program, mentee: User) -> bool:
    """A mentee's pages: the mentee, their mentors (any time), their own success
    manager, and program admins. Never another mentee, nor another success
    manager's caseload. (Support access is asked only once every role refused,
    so a role that grants it leaves no audit entry.)"""
    if viewer.pk == mentee.pk or has_role(viewer, program, Role.ADMIN):
        return True
    membership = mentee_membership(program, mentee)
    if membership is not None and (
        is_success_manager_of(viewer, program, membership) or has_mentored(viewer, program, mentee)
    ):
        return True
    return has_support_access(viewer, program)


def staff_scope(viewer: User, program: Program, field: str = "mentee") -> Q | None:
    """The rows a staff member may read, as a filter on the mentee `field`: all of
    the program's for an admin (and for support access), their caseload's for a
    success manager, None (nothing) for anyone else."""
    if has_role(viewer, program, Role.ADMIN):
        return Q()
    if has_role(viewer, program, Role.SUCCESS_MANAGER):
        caseload = Membership.objects.active().filter(
            program=program, role=Role.MENTEE, success_manager=viewer
        )
        return Q(**{f"{field}__in": caseload.values("user_id")})
    return Q() if has_support_access(viewer, program) else None


def mentorships_seen_by(viewer: User, program: Program) -> QuerySet[Mentorship]:
    """The program's mentorships `viewer` may read by their roles: their own as
    mentor or mentee, every one for an admin, their caseload's for a success
    manager. Support access adds nothing here (the API has none)."""
    mine = Q(mentor=viewer) | Q(mentee=viewer)
    found = Mentorship.objects.filter(program=program)
    if has_role(viewer, program, Role.ADMIN):
        return found
    if has_role(viewer, program, Role.SUCCESS_MANAGER):
        scope = staff_scope(viewer, program)
        assert scope is not None
        return found.filter(mine | scope)
    return found.filter(mine)


def sees_all_background(viewer: User, owner: User, program: Program) -> bool:
    """Every background answer: the owner, and staff of a program the owner is in."""
    if viewer.pk == owner.pk:
        return True
    return takes_part(owner, program) and is_program_staff(viewer, program)


def sees_shared_background(viewer: User, owner: User, program: Program) -> bool:
    """The answers shared with the program: both must take part in it (sharing
    "with my programs" is not sharing with someone who merely knows its address)."""
    return takes_part(viewer, program) and takes_part(owner, program)


def sees_meeting_link(viewer: User, mentor: User, program: Program) -> bool:
    """The call link is for the mentor's own mentees and staff, not the directory."""
    if viewer.pk == mentor.pk or is_program_staff(viewer, program):
        return True
    return Mentorship.objects.live().filter(program=program, mentor=mentor, mentee=viewer).exists()


# --- Settings and cohorts ------------------------------------------------------


def manages_settings(user: User, program: Program) -> bool:
    """The settings page and the cohorts' writes: program admins (or support)."""
    return is_program_admin(user, program)


def sees_cohorts(user: User, program: Program) -> bool:
    """The cohorts list: the program's staff (success managers read, admins write)."""
    return is_program_staff(user, program)


def cohort_in_program(program: Program, cohort_id: int) -> Cohort:
    """The program's cohort `cohort_id`, or the program pages' 404."""
    cohort = Cohort.objects.filter(program=program, pk=cohort_id).first()
    require(cohort is not None, "No such cohort.")
    assert cohort is not None
    return cohort
