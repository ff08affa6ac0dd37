"""Who may import people into a program: its admins (and support access)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentora.programs import access

if TYPE_CHECKING:
    from mentora.accounts.models import User
    from mentora.programs.models import Program


def may_import(user: User, program: Program) -> bool:
    """Importing grants any role, staff roles too: program admins only."""
    return access.is_program_admin(user, program)
