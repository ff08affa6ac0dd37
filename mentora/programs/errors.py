"""The programs app's domain error and its codes."""

from __future__ import annotations

from enum import StrEnum

from mentora.errors import DomainError


class ProgramCode(StrEnum):
    """Why the programs domain refused a write (the API returns these)."""

    COHORT_ONLY_FOR_MENTEES = "cohort_only_for_mentees"
    COHORT_NOT_IN_PROGRAM = "cohort_not_in_program"
    NOT_A_SUCCESS_MANAGER = "not_a_success_manager"
    INACTIVE_ACCOUNT = "inactive_account"
    ALREADY_MEMBER = "already_member"
    INVALID = "invalid"  # a model validation error, passed on with its message
    CONFLICT = "conflict"  # a concurrent write got there first


class ProgramError(DomainError):
    """A rule of the programs domain refused a write (invitations, imports, memberships)."""

    code: ProgramCode
