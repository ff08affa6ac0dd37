""" "Needs you now" on a home: each app supplies the items of the roles held
(`needs_you_now_for_<role>` in its needs module); this gathers them in order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from mentora.accounts.models import User
from mentora.home.onboarding import needs as onboarding
from mentora.matching import needs as matching
from mentora.mentoring import needs as mentoring
from mentora.programs import needs as programs
from mentora.programs.models import Program, Role
from mentora.programs.needs import Need, by_due
from mentora.scheduling import needs as scheduling

Source = Callable[[User, Program, datetime], list[Need]]

SOURCES: dict[Role, list[Source]] = {
    Role.MENTEE: [
        matching.needs_you_now_for_mentee,
        mentoring.needs_you_now_for_mentee,
        scheduling.needs_you_now_for_mentee,
    ],
    Role.MENTOR: [
        scheduling.needs_you_now_for_mentor,
        mentoring.needs_you_now_for_mentor,
        matching.needs_you_now_for_mentor,
    ],
    Role.SUCCESS_MANAGER: [
        matching.needs_you_now_for_success_manager,
        scheduling.needs_you_now_for_success_manager,
        onboarding.needs_you_now_for_staff,
    ],
    Role.ADMIN: [
        matching.needs_you_now_for_admin,
        programs.needs_you_now_for_admin,
        onboarding.needs_you_now_for_staff,
    ],
}


def needs_you_now(
    program: Program, user: User, roles: frozenset[Role], now: datetime, *, is_admin: bool
) -> list[Need]:
    """Every item for the roles held (an admin by support access too), each once;
    "Finish your profile" first for a person who hasn't."""
    held = set(roles) | ({Role.ADMIN} if is_admin else set())
    items: list[Need] = []
    for role in Role:
        if role in held:
            for source in SOURCES.get(role, []):
                items += source(user, program, now)
    unique = list({(n.url, n.title): n for n in items}.values())
    own = onboarding.finish_your_profile(user)
    return [own, *by_due(unique)] if own else by_due(unique)
