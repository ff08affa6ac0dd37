"""One way into a program: `@program_view` on every page under /p/<slug>/.

It signs the person in (login_required), looks the program up once, gives a 404
to anyone who isn't in it (an outsider never learns the program exists), and
sets `request.program` and `request.roles` for the view. `roles=` admits only
people holding one of those roles (and, where ADMIN is one of them, a superuser
for support); `allow=` takes any predicate of `mentora.programs.access` (or an
app's own access module) for the rest.

A program that asks a second factor of the person's role refuses a session
that hasn't passed one (`mentora.programs.second_factor.program_gate`).

`request.roles` is always the roles held: support access adds none, so a page's
sections for a role stay the role's.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from mentora.accounts.http import AuthedRequest
from mentora.programs import access, memo, second_factor
from mentora.programs.models import Program, Role

P = ParamSpec("P")


class ProgramRequest(AuthedRequest):
    """A signed-in request inside a program the person may see."""

    program: Program
    roles: frozenset[Role]


ProgramView = Callable[Concatenate[ProgramRequest, P], HttpResponse]
Predicate = Callable[[Any, Program], bool]


def program_for(user: Any, slug: str) -> Program:
    """The program at `slug` if `user` may see it; else the program pages' 404."""
    program, _ = access.program_and_roles(user, slug)
    access.require(program is not None and access.is_member(user, program), "No such program.")
    assert program is not None
    return program


def _admits(request: HttpRequest, program: Program, roles: Collection[Role]) -> bool:
    """One of `roles` is held, or ADMIN is among them and support access allows."""
    if access.roles_in(request.user, program) & set(roles):  # type: ignore[arg-type]
        return True
    return Role.ADMIN in roles and access.has_support_access(request.user, program)  # type: ignore[arg-type]


def program_view(
    view: ProgramView[P] | None = None,
    *,
    roles: Collection[Role] | None = None,
    allow: Predicate | None = None,
) -> Any:
    """Decorate a view taking `(request, *url_args)`; the URL's `slug` is consumed."""

    def decorate(func: ProgramView[P]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(func)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in ("GET", "HEAD"):
                with memo.reading_page():
                    return enter(request, slug, *args, **kwargs)
            return enter(request, slug, *args, **kwargs)

        def enter(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            program = program_for(request.user, slug)
            request.program = program  # type: ignore[attr-defined]
            request.roles = access.roles_in(request.user, program)  # type: ignore[attr-defined,arg-type]
            if roles is not None:
                access.require(_admits(request, program, roles))
            if allow is not None:
                access.require(allow(request.user, program))
            # Only once the page is known to be theirs: an outsider still gets the 404.
            refusal = second_factor.program_gate(request, program)
            if refusal is not None:
                return refusal
            return func(request, *args, **kwargs)  # type: ignore[arg-type]

        wrapper.is_program_view = True  # type: ignore[attr-defined]  # checked by test_structure
        return wrapper

    return decorate(view) if view is not None else decorate
