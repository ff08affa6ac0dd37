"""Sections a higher app adds to the cadence page, without scheduling importing it.

Matching, for example, shows the regular time it proposed for a new pairing,
with "Confirm", above the form. Like a hook (mentora/hooks.py), the lower app
owns the point and a higher app registers in its AppConfig.ready; unlike a
hook, a section answers: a template name and its context, or None to show nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mentora.accounts.models import User
    from mentora.programs.models import Mentorship

Section = tuple[str, dict[str, Any]]
SectionMaker = Callable[["Mentorship", "User"], Section | None]

_makers: list[SectionMaker] = []


def register(maker: SectionMaker) -> None:
    if maker not in _makers:  # ready() may run twice in tests
        _makers.append(maker)


def sections_for(mentorship: Mentorship, viewer: User) -> list[Section]:
    """The sections to show on this mentorship's cadence page to this viewer, in order."""
    made = (maker(mentorship, viewer) for maker in _makers)
    return [section for section in made if section is not None]
