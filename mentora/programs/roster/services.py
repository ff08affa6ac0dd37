"""Writes of the people page's bulk actions: assign a success manager (one, or
spread evenly; the API also unassigns), move mentees to a cohort. Resending invitations is
`programs.services.invitations_resend` (the one email path of invitations).

Each action is all or nothing: one person who can't take it refuses the whole
selection, with a message naming them, and nothing is saved. Who may act is
checked here too (`roster.access`), since the rule depends on the selection.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import User
from mentora.programs import access as program_access
from mentora.programs.errors import ProgramCode, ProgramError
from mentora.programs.models import Cohort, Membership, MembershipStatus, Program, Role
from mentora.programs.roster import access
from mentora.programs.roster.queries import success_managers_by_caseload
from mentora.programs.services import _names


def _mentee_memberships(program: Program, mentees: Sequence[User]) -> list[Membership]:
    """The active mentee memberships of `mentees`, locked; refuses anyone who isn't one."""
    if not mentees:
        raise ProgramError(ProgramCode.NOBODY_SELECTED, _("Select at least one person."))
    ids = list(dict.fromkeys(u.pk for u in mentees))
    memberships = list(
        Membership.objects.select_for_update()
        .filter(program=program, user_id__in=ids, role=Role.MENTEE, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("user__name", "pk")
    )
    found = {m.user_id for m in memberships}
    others = [u for u in mentees if u.pk not in found]
    if others:
        raise ProgramError(
            ProgramCode.NOT_A_MENTEE,
            _("Only active mentees can take this action; %(people)s is not one. Nothing was saved.")
            % {"people": _names(list({u.pk: u for u in others}.values()))},
            field="people",
        )
    return memberships


def _check_manager(program: Program, manager: User) -> None:
    if not (manager.is_active and program_access.has_role(manager, program, Role.SUCCESS_MANAGER)):
        raise ProgramError(
            ProgramCode.NOT_A_SUCCESS_MANAGER,
            _("%(person)s is not a success manager in %(program)s.")
            % {"person": manager.name, "program": program.name},
            field="success_manager",
        )


def _check_may_assign(program: Program, memberships: Sequence[Membership], by: User) -> None:
    if not access.may_assign(by, program, [m.cohort_id for m in memberships]):
        raise ProgramError(
            ProgramCode.NOT_YOUR_COHORT,
            _(
                "You can assign a success manager only to mentees of your own caseload's "
                "cohorts. Nothing was saved."
            ),
            field="people",
        )


def success_manager_assign(
    *, program: Program, mentees: Sequence[User], success_manager: User, by: User
) -> int:
    """Make `success_manager` the success manager of each of `mentees`; the
    number whose manager changed."""
    with transaction.atomic():
        memberships = _mentee_memberships(program, mentees)
        _check_may_assign(program, memberships, by)
        _check_manager(program, success_manager)
        changed = [m.pk for m in memberships if m.success_manager_id != success_manager.pk]
        Membership.objects.filter(pk__in=changed).update(
            updated_at=timezone.now(), success_manager=success_manager
        )
    return len(changed)


def success_manager_unassign(*, program: Program, mentees: Sequence[User], by: User) -> int:
    """Leave each of `mentees` without a success manager (the API's unassign), by
    the same rule as assigning; the number whose manager changed."""
    with transaction.atomic():
        memberships = _mentee_memberships(program, mentees)
        _check_may_assign(program, memberships, by)
        changed = [m.pk for m in memberships if m.success_manager_id is not None]
        Membership.objects.filter(pk__in=changed).update(
            updated_at=timezone.now(), success_manager=None
        )
    return len(changed)


def success_managers_balance(
    *, program: Program, mentees: Sequence[User], by: User
) -> dict[User, int]:
    """Spread `mentees` across the program's success managers so caseloads end
    as even as they can: each mentee, in name order, goes to the manager with
    the smallest caseload at that moment (counting the selection as moved).
    Returns how many each manager received."""
    with transaction.atomic():
        memberships = _mentee_memberships(program, mentees)
        _check_may_assign(program, memberships, by)
        managers = success_managers_by_caseload(program)
        if not managers:
            raise ProgramError(
                ProgramCode.NOT_A_SUCCESS_MANAGER,
                _("%(program)s has no success managers yet. Invite one first.")
                % {"program": program.name},
                field="success_manager",
            )
        load = {m.pk: m.caseload for m in managers}  # type: ignore[attr-defined]
        for membership in memberships:
            if membership.success_manager_id in load:
                load[membership.success_manager_id] -= 1
        order = {m.pk: i for i, m in enumerate(managers)}
        received: dict[int, list[int]] = {}
        for membership in memberships:
            target = min(load, key=lambda pk: (load[pk], order[pk]))
            load[target] += 1
            received.setdefault(target, []).append(membership.pk)
        for manager_id, membership_ids in received.items():
            Membership.objects.filter(pk__in=membership_ids).update(
                updated_at=timezone.now(), success_manager_id=manager_id
            )
    by_pk = {m.pk: m for m in managers}
    return {by_pk[pk]: len(ids) for pk, ids in received.items()}


def cohort_move(*, program: Program, mentees: Sequence[User], cohort: Cohort, by: User) -> int:
    """Move each of `mentees` into `cohort` (open, of this program); the number moved."""
    if not access.may_manage(by, program):
        raise ProgramError(
            ProgramCode.NOT_YOUR_COHORT,
            _("Only a program admin can move people between cohorts."),
            field="cohort",
        )
    with transaction.atomic():
        memberships = _mentee_memberships(program, mentees)
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if cohort.program_id != program.pk:
            raise ProgramError(
                ProgramCode.COHORT_NOT_IN_PROGRAM,
                _("The cohort “%(cohort)s” is not part of %(program)s.")
                % {"cohort": cohort.name, "program": program.name},
                field="cohort",
            )
        if cohort.closed_at is not None:
            raise ProgramError(
                ProgramCode.COHORT_CLOSED,
                _("The cohort “%(cohort)s” is closed and takes no new members.")
                % {"cohort": cohort.name},
                field="cohort",
            )
        changed = [m.pk for m in memberships if m.cohort_id != cohort.pk]
        Membership.objects.filter(pk__in=changed).update(updated_at=timezone.now(), cohort=cohort)
    return len(changed)
