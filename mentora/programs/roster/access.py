"""Who may see the people page and act on its people.

Built on `mentora.programs.access`. Program staff (admins and success managers)
see the page. Program admins act on anyone. A success manager may only assign a
success manager, and only to mentees of their own caseload's cohort(s): the
cohorts in which they look after at least one active mentee. Moving people
between cohorts and resending invitations are for program admins.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from mentora.programs import access
from mentora.programs.models import Membership, Program, Role

if TYPE_CHECKING:
    from mentora.accounts.models import User


def may_view(user: User, program: Program) -> bool:
    """The people page: program staff (and support access)."""
    return access.is_program_staff(user, program)


def may_manage(user: User, program: Program) -> bool:
    """Every action on the page: resend, move to a cohort, assign anyone."""
    return access.is_program_admin(user, program)


def own_cohort_ids(user: User, program: Program) -> frozenset[int]:
    """The cohorts of a success manager's caseload (active mentees they look after)."""
    if not access.has_role(user, program, Role.SUCCESS_MANAGER):
        return frozenset()
    rows = (
        Membership.objects.active()
        .filter(program=program, role=Role.MENTEE, success_manager=user, cohort__isnull=False)
        .values_list("cohort_id", flat=True)
        .distinct()
    )
    return frozenset(rows)


def may_assign_some(user: User, program: Program) -> bool:
    """Whether the page offers the assign action at all."""
    return may_manage(user, program) or bool(own_cohort_ids(user, program))


def may_assign(user: User, program: Program, cohort_ids: Iterable[int | None]) -> bool:
    """May `user` assign a success manager to mentees in these cohorts?

    Admins: always. A success manager: only when every mentee is in a cohort of
    their own caseload (a mentee without a cohort is in none of them). The role
    is asked first, so a success manager leaves no support-access entry."""
    if access.has_role(user, program, Role.ADMIN):
        return True
    own = own_cohort_ids(user, program)
    if own:
        wanted = set(cohort_ids)
        return bool(wanted) and None not in wanted and wanted <= own  # type: ignore[operator]
    return access.has_support_access(user, program)
