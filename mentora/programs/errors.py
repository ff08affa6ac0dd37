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
    SETTINGS_CONTRADICT = "settings_contradict"  # two settings that can't both hold
    COHORT_NAME_TAKEN = "cohort_name_taken"
    COHORT_DATES = "cohort_dates"  # ends before it starts
    # The people page's actions
    ALREADY_ACTIVATED = "already_activated"  # no invitation to resend
    NOT_IN_PROGRAM = "not_in_program"
    NOT_A_MENTEE = "not_a_mentee"
    COHORT_CLOSED = "cohort_closed"
    NOT_YOUR_COHORT = "not_your_cohort"
    NOBODY_SELECTED = "nobody_selected"
    # The import page
    IMPORT_CHANGED = "import_changed"  # the file no longer imports as its preview showed


class ProgramError(DomainError):
    """A rule of the programs domain refused a write (invitations, imports, memberships)."""

    code: ProgramCode
