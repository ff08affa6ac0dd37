"""The privacy app's domain error and its codes."""

from __future__ import annotations

from enum import StrEnum

from mentora.errors import DomainError


class PrivacyCode(StrEnum):
    ALREADY_ERASED = "already_erased"
    NOT_IN_PROGRAM = "not_in_program"
    OTHER_PROGRAMS = "other_programs"  # needs a superuser
    SELF = "self"
    SUPERUSER = "superuser"
    EMAIL_MISMATCH = "email_mismatch"
    OFFBOARDING = "offboarding"  # off-boarding refused (its message says why)


class PrivacyError(DomainError):
    """A rule of personal data refused a write (an erasure)."""

    code: PrivacyCode
