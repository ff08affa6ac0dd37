"""The matching app's domain error."""

from __future__ import annotations

from mentora.errors import DomainError


class MatchingError(DomainError):
    """A matching rule refused a write (requests, staff matching, concerns, re-matching)."""
