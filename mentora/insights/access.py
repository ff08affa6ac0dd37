"""Who sees which insight, in the words of `mentora.programs.access`. Anyone
else gets a 404, like every page of a program.

- caseload and a mentee's timeline: a success manager for their own mentees;
  a program admin (or a superuser, for support) for every mentee of the program;
- the mentor view: program staff (success managers and admins);
- program insights and their CSV: an admin for the whole program, a success
  manager for their caseload only;
- the risk rules: program admins (and superusers, for support) change them.
Mentors and mentees see none of this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from mentora.programs import access as program_access
from mentora.programs import queries as program_queries
from mentora.programs.models import Membership, Program, Role

if TYPE_CHECKING:
    from mentora.accounts.models import User

# The page rules, for `@program_view(allow=...)`.
sees_mentor_numbers = program_access.is_program_staff
changes_risk_rules = program_access.is_program_admin


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


def caseload_scope(user: User, program: Program) -> Scope:
    """The caseload and insights scope of `user`; 404 for mentors, mentees, outsiders."""
    if program_access.is_program_admin(user, program):
        return Scope(program, None)
    program_access.require(
        program_access.has_role(user, program, Role.SUCCESS_MANAGER),
        "Only program staff see the caseload and insights.",
    )
    return Scope(program, user)


def mentee_in_scope(scope: Scope, mentee_id: int) -> Membership:
    """The mentee's membership if they are in `scope`; else a 404 (the <id:> URL
    converter already refused ids the database can't hold)."""
    membership = scope.memberships().filter(user_id=mentee_id).first()
    program_access.require(membership is not None, "No such mentee in your caseload.")
    assert membership is not None
    return membership
