"""Onboarding's domain error and its codes."""

from __future__ import annotations

from enum import StrEnum

from mentora.errors import DomainError


class OnboardingCode(StrEnum):
    INVALID = "invalid"  # a profile rule refused the step, passed on with its message
    NOT_FINISHED = "not_finished"  # finish was asked with steps still to do


class OnboardingError(DomainError):
    """A step could not be saved, or onboarding not finished yet."""

    code: OnboardingCode
