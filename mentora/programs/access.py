"""The shared vocabulary of who may see or change what in a program.

Every app's `access.py` builds its rules from these predicates, so "a program
admin", "this mentee's success manager" or "a party to this mentorship" is
written once. Views, templates and queries never test roles themselves.

Predicates answer True or False; `require` turns a False into the 404 every
program page gives to someone who may not see it (an outsider never learns
that a program, person or object exists).

`is_site_staff` is the one place Django's `is_staff` flag counts; narrowing what
site staff may see is a change to that function alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import Http404

from mentora.programs.models import STAFF_ROLES, Membership, Mentorship, Program, Role
from mentora.programs.queries import mentee_membership

if TYPE_CHECKING:
    from mentora.accounts.models import User


def require(allowed: bool, message: str = "Not found.") -> None:
    """Raise the program pages' 404 unless `allowed`."""
    if not allowed:
        raise Http404(message)


def is_site_staff(user: User) -> bool:
    """Django staff: today they may see every program as its admin."""
    return user.is_staff


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


def has_role(user: User, program: Program, role: Role) -> bool:
    return role in roles_in(user, program)


def is_member(user: User, program: Program) -> bool:
    """Takes part in the program in some role (site staff see every program)."""
    return is_site_staff(user) or bool(roles_in(user, program))


def takes_part(user: User, program: Program) -> bool:
    """Holds a role in the program itself (site staff don't count)."""
    return bool(roles_in(user, program))


def is_program_admin(user: User, program: Program) -> bool:
    return is_site_staff(user) or has_role(user, program, Role.ADMIN)


def is_program_staff(user: User, program: Program) -> bool:
    """A success manager or admin of the program (or site staff)."""
    return is_site_staff(user) or bool(roles_in(user, program) & STAFF_ROLES)


def is_success_manager_of(user: User, program: Program, membership: Membership | None) -> bool:
    """`user` is a success manager of the program, named on this mentee's membership."""
    return (
        membership is not None
        and membership.success_manager_id == user.pk
        and has_role(user, program, Role.SUCCESS_MANAGER)
    )


def manages_mentee(user: User, program: Program, mentee: User) -> bool:
    """Staff who act on a mentee: program admins and the mentee's own success manager."""
    if is_program_admin(user, program):
        return True
    if not has_role(user, program, Role.SUCCESS_MANAGER):
        return False  # spares the membership query for mentors and mentees
    return is_success_manager_of(user, program, mentee_membership(program, mentee))


def is_party(user: User, mentorship: Mentorship) -> bool:
    """The mentor or the mentee of this mentorship."""
    return user.pk in (mentorship.mentor_id, mentorship.mentee_id)


def has_mentored(user: User, program: Program, mentee: User) -> bool:
    """`user` is or was a mentor of `mentee` in the program."""
    return Mentorship.objects.filter(program=program, mentor=user, mentee=mentee).exists()


def can_view_mentee(viewer: User, program: Program, mentee: User) -> bool:
    """A mentee's pages: the mentee, their mentors (any time), their own success
    manager, and program admins. Never another mentee, nor another success
    manager's caseload."""
    if viewer.pk == mentee.pk or is_program_admin(viewer, program):
        return True
    membership = mentee_membership(program, mentee)
    if membership is None:
        return False
    return is_success_manager_of(viewer, program, membership) or has_mentored(
        viewer, program, mentee
    )


def staff_scope(viewer: User, program: Program, field: str = "mentee") -> Q | None:
    """The rows a staff member may read, as a filter on the mentee `field`: all of
    the program's for an admin, their caseload's for a success manager, None
    (nothing) for anyone else."""
    if is_program_admin(viewer, program):
        return Q()
    if has_role(viewer, program, Role.SUCCESS_MANAGER):
        caseload = Membership.objects.active().filter(
            program=program, role=Role.MENTEE, success_manager=viewer
        )
        return Q(**{f"{field}__in": caseload.values("user_id")})
    return None


def sees_all_background(viewer: User, owner: User, program: Program) -> bool:
    """Every background answer: the owner, and staff of a program the owner is in."""
    if viewer.pk == owner.pk or is_site_staff(viewer):
        return True
    return is_program_staff(viewer, program) and takes_part(owner, program)


def sees_shared_background(viewer: User, owner: User, program: Program) -> bool:
    """The answers shared with the program: both must take part in it (sharing
    "with my programs" is not sharing with someone who merely knows its address)."""
    return takes_part(viewer, program) and takes_part(owner, program)


def sees_meeting_link(viewer: User, mentor: User, program: Program) -> bool:
    """The call link is for the mentor's own mentees and staff, not the directory."""
    if viewer.pk == mentor.pk or is_program_staff(viewer, program):
        return True
    return Mentorship.objects.live().filter(program=program, mentor=mentor, mentee=viewer).exists()
