"""The programs app's domain error."""

from __future__ import annotations

from mentora.errors import DomainError


class ProgramError(DomainError):
    """A rule of the programs domain refused a write (invitations, imports, memberships)."""
