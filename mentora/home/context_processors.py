"""The header's navigation for every page (see mentora/home/nav.py).

Inside a program (`@program_view` set `request.program`), the sections of the
person's roles; elsewhere, their programs. Lazy: the queries run only when the
header is rendered.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from mentora.home.nav import program_sections
from mentora.programs.models import Role
from mentora.programs.queries import programs_of


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    program = getattr(request, "program", None)
    if program is None:
        return {"nav_programs": SimpleLazyObject(lambda: list(programs_of(user)))}
    roles: frozenset[Role] = getattr(request, "roles", frozenset())
    return {
        "nav_program": program,
        "nav_sections": SimpleLazyObject(
            lambda: program_sections(program, user, roles, timezone.now())
        ),
    }
