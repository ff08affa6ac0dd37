"""Who sees which insight. Anyone else gets a 404, like every page of a program.

- caseload and a mentee's timeline: a success manager for their own mentees;
  a program admin (or Django staff) for every mentee of the program;
- the mentor view: program staff (success managers and admins);
- program insights and their CSV: an admin for the whole program, a success
  manager for their caseload only;
- the risk rules: program admins (and Django staff) change them.
Mentors and mentees see none of this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from mentora.programs import access as program_access
from mentora.programs import queries as program_queries
from mentora.programs.models import Membership, Program, Role

if TYPE_CHECKING:
    from mentora.accounts.models import User


@dataclass(frozen=True)
class Scope:
    """Whose mentees a page covers: the whole program, or one success manager's caseload."""

    program: Program
    success_manager: User | None  # None: every mentee of the program

    @property
    def whole_program(self) -> bool:
        return self.success_manager is None

    def memberships(self) -> QuerySet[Membership]:
        """The mentees in scope, with cohort, success manager and live mentorships."""
        if self.success_manager is None:
            return program_queries.mentee_memberships(self.program)
        return program_queries.caseload(self.program, self.success_manager)


def _sees_whole_program(user: User, program: Program) -> bool:
    return user.is_staff or Role.ADMIN in program_access.roles_in(user, program)


def caseload_scope(user: User, program: Program) -> Scope:
    """The caseload and insights scope of `user`; 404 for mentors, mentees, outsiders."""
    if _sees_whole_program(user, program):
        return Scope(program, None)
    if Role.SUCCESS_MANAGER in program_access.roles_in(user, program):
        return Scope(program, user)
    raise Http404("Only program staff see the caseload and insights.")


def require_program_admin(user: User, program: Program) -> None:
    if not _sees_whole_program(user, program):
        raise Http404("Only program admins change the risk rules.")


def require_staff(user: User, program: Program) -> None:
    if not program_access.is_program_staff(user, program):
        raise Http404("Only program staff see the mentors' numbers.")


MAX_ID = 2**63 - 1  # beyond this SQLite refuses the number rather than finding nothing


def mentee_in_scope(scope: Scope, mentee_id: int) -> Membership:
    if not 0 < mentee_id <= MAX_ID:
        raise Http404("No such mentee in your caseload.")
    membership = scope.memberships().filter(user_id=mentee_id).first()
    if membership is None:
        raise Http404("No such mentee in your caseload.")
    return membership
