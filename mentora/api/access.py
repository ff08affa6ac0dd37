"""What a caller of the API may reach: the owner's own rules, narrowed by the token.

A program opens through a role only (`programs.access.takes_part`): the API has
no support access. A token for one program sees no other (404, as an outsider).
Where the program asks the caller's role for a second factor, a person with
none set up is refused (403) until they set one up; a browser session must
have passed it, as on the pages (`program_gate`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _

from mentora import inputs
from mentora.accounts.second_factor import has_second_factor
from mentora.api.errors import ApiCode, ApiError
from mentora.programs import access, second_factor
from mentora.programs.models import Program

if TYPE_CHECKING:
    from mentora.accounts.models import User


def caller(request: HttpRequest) -> User:
    """The person calling (the auth has made sure there is one)."""
    return cast("User", request.user)


def object_id(raw: int) -> int:
    """An id from a path or body: within what the database holds, else the 404."""
    number = inputs.parse_id(str(raw))
    access.require(number is not None)
    assert number is not None
    return number


def token_allows(request: HttpRequest, program: Program) -> bool:
    token = getattr(request, "api_token", None)
    return token is None or token.program_id is None or token.program_id == program.pk


def program_for_caller(request: HttpRequest, slug: str) -> Program:
    """The program at `slug` if the caller takes part in it (and the token may
    reach it); else the 404 every program page gives."""
    user: Any = request.user
    program = Program.objects.filter(slug=slug).first() if len(slug) <= 100 else None
    access.require(
        program is not None and access.takes_part(user, program) and token_allows(request, program),
        "No such program.",
    )
    assert program is not None
    if second_factor.program_asks_it(user, program):
        token = getattr(request, "api_token", None)
        passed = (
            has_second_factor(user)
            if token is not None
            else second_factor.session_passed_second_factor(request, program)
        )
        if not passed:
            raise ApiError(
                ApiCode.SECOND_FACTOR_REQUIRED,
                _(
                    "This program asks your role for a second factor: set one up, "
                    "and sign in with it."
                ),
                status=403,
            )
    return program
