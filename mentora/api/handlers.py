"""Every refusal as the API's one JSON shape, `{"code", "message", "field"}`.

A DomainError of any app (mentora/errors.py) keeps its code, message and field;
a 404 of an access rule stays a 404 (an outsider never learns an object
exists); ninja's validation errors are 422s naming the field; anything
unexpected is logged and answered 500 in the same shape (the tests and the
fuzzer make sure there is none).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from mentora.api.errors import ApiCode, ApiError, status_of
from mentora.errors import DomainError
from mentora.scheduling.errors import SchedulingError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field, **extra}


def domain_answer(error: Exception) -> tuple[int, dict[str, Any]] | None:
    """A DomainError as (status, body); None for anything else."""
    if not isinstance(error, DomainError):
        return None
    extra: dict[str, Any] = {}
    if isinstance(error, SchedulingError) and error.alternatives:
        extra["alternatives"] = [a.isoformat() for a in error.alternatives]
    return status_of(error), error_body(str(error.code), error.message, error.field, **extra)


def _field_of(location: Any) -> str | None:
    """The field a pydantic error location names: ('body', 'payload', 'starts_at') -> starts_at."""
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header", "payload")]
    return ".".join(parts) or None


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def on_domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
        answer = domain_answer(error)
        assert answer is not None
        response = respond(request, *answer)
        if isinstance(error, ApiError):
            for name, value in error.headers.items():
                response[name] = value
        return response

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return respond(request, 404, error_body(ApiCode.NOT_FOUND, _("Not found.")))

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
        return respond(request, 403, error_body(ApiCode.FORBIDDEN, _("Not allowed.")))

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        return respond(
            request,
            401,
            error_body(ApiCode.NOT_AUTHENTICATED, _("Sign in, or send a personal access token.")),
        )

    @api.exception_handler(ValidationError)
    def on_invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
        first = error.errors[0] if error.errors else {}
        field = _field_of(first.get("loc", ()))
        message = str(first.get("msg") or _("The request is not valid."))
        return respond(
            request,
            422,
            error_body(ApiCode.INVALID, message, field, errors=_plain(error.errors)),
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        code = ApiCode.RATE_LIMITED if error.status_code == 429 else ApiCode.INVALID
        return respond(request, error.status_code, error_body(code, str(error.message)))

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500, error_body("server_error", _("Something went wrong.")))


def _plain(errors: list[Any]) -> list[dict[str, Any]]:
    """Pydantic's errors, reduced to what is safe to echo as JSON."""
    return [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in errors
        if isinstance(e, dict)
    ]
