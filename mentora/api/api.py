"""The API's one `NinjaAPI`, version 1, mounted at /api/v1/ (mentora/api/urls.py).

OpenAPI at /api/v1/openapi.json; Swagger UI at /api/v1/docs from the package's
own static files (no CDN). Every operation names its id, a summary and its
error answers (`ERRORS`).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from csp.decorators import csp_update
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema
from ninja.openapi.docs import Swagger

from mentora.api import (
    availability,
    caseload,
    concerns,
    directory,
    handlers,
    insights,
    mentor_requests,
    mentorships,
    people,
    sessions,
    workspace,
)
from mentora.api.access import program_for_caller
from mentora.api.auth import TokenOrSession
from mentora.api.errors import ApiCode, ApiError
from mentora.api.schemas import MeOut, ProgramOut
from mentora.api.sessions import ERRORS, WRITE_ERRORS
from mentora.programs import access as program_access
from mentora.programs.models import Program
from mentora.programs.queries import programs_of
from mentora.scheduling.ical import services as ical_services

api = NinjaAPI(
    title="Mentora API",
    version="1",
    description=(
        "Mentora's JSON API. Authenticate with a personal access token "
        "(`Authorization: Bearer mnt_...`, made at /accounts/tokens/) or a signed-in "
        "browser session (with the CSRF token for writes). Times are RFC 3339 with an "
        "offset; errors are `{code, message, field}`."
    ),
    urls_namespace="api-v1",
    auth=TokenOrSession(),
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    # Swagger UI's stylesheet draws its icons as data: images; nothing else is widened.
    docs_decorator=lambda view: csp_update({"img-src": ["data:"]})(
        csp_update({"img-src": ["data:"]}, REPORT_ONLY=True)(view)
    ),
    openapi_url="/openapi.json",
)
handlers.install(api)

me_router = Router(tags=["me"])
programs_router = Router(tags=["programs"])


def _program_out(request: HttpRequest, program: Program) -> dict[str, Any]:
    user: Any = request.user
    return {
        "slug": program.slug,
        "name": program.name,
        "time_zone": program.time_zone,
        "roles": sorted(program_access.roles_in(user, program)),
        "default_session_minutes": program.default_session_minutes,
        "booking_window_weeks": program.booking_window_weeks,
        "notice_hours": program.notice_hours,
    }


@me_router.get(
    "",
    response={200: MeOut, **ERRORS},
    operation_id="me_get",
    summary="The caller: name, email and time zone",
)
def me_get(request: HttpRequest) -> Any:
    return request.user


class CalendarFeedOut(Schema):
    url: str = Field(description="The secret address of the caller's sessions as iCalendar.")
    webcal_url: str = Field(description="The same address for calendar apps to subscribe to.")


def _feed_caller(request: HttpRequest) -> Any:
    """The person whose feed it is. Their feed holds every program's sessions, so an
    integration's token or a one-program token may not read it (403)."""
    token = getattr(request, "api_token", None)
    if token is not None and (token.is_service or token.program_id is not None):
        raise ApiError(
            ApiCode.FORBIDDEN,
            _("The calendar feed holds all your programs: use a token for all of them."),
            status=403,
        )
    return request.user


@me_router.get(
    "/calendar-feed",
    response={200: CalendarFeedOut, **ERRORS},
    operation_id="me_calendar_feed",
    summary="The caller's private calendar feed address (all their sessions, as iCalendar)",
)
def me_calendar_feed(request: HttpRequest) -> Any:
    return asdict(ical_services.feed_address(_feed_caller(request)))


@me_router.post(
    "/calendar-feed/reset",
    response={200: CalendarFeedOut, **WRITE_ERRORS},
    operation_id="me_calendar_feed_reset",
    summary="A new feed address; the old one stops working at once",
)
def me_calendar_feed_reset(request: HttpRequest) -> Any:
    user = _feed_caller(request)
    ical_services.calendar_feed_reset(user=user)
    return asdict(ical_services.feed_address(user))


@programs_router.get(
    "",
    response={200: list[ProgramOut], **ERRORS},
    operation_id="programs_list",
    summary="The programs the caller takes part in (a one-program token: that one)",
)
def programs_list(request: HttpRequest) -> Any:
    user: Any = request.user
    token = getattr(request, "api_token", None)
    programs = programs_of(user).order_by("name", "pk")
    if token is not None and token.program_id is not None:
        programs = programs.filter(pk=token.program_id)
    return [_program_out(request, p) for p in programs]


@programs_router.get(
    "/{slug}",
    response={200: ProgramOut, **ERRORS},
    operation_id="program_get",
    summary="One of the caller's programs, with its booking policies",
)
def program_get(request: HttpRequest, slug: str) -> Any:
    return _program_out(request, program_for_caller(request, slug))


api.add_router("/me", me_router)
api.add_router("/programs", programs_router)
api.add_router("/programs", sessions.router)
api.add_router("/programs", mentorships.router)
api.add_router("/programs", people.router)
api.add_router("/programs", mentor_requests.router)
api.add_router("/programs", concerns.router)
api.add_router("/programs", workspace.router)
api.add_router("/programs", availability.router)
api.add_router("/programs", directory.router)
api.add_router("/programs", insights.router)
api.add_router("/programs", caseload.router)
