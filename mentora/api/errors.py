"""The API's own refusals (`ApiError`, `ApiCode`), and how every `DomainError`
of the project becomes a JSON answer: `{"code", "message", "field"}` (and
`alternatives` for a time that was just taken).

A domain refusal is a 409 (the state said no: a slot taken, a session already
started) or a 422 (the request itself was wrong: a reason not in the list);
never a 500.
"""

from __future__ import annotations

from enum import StrEnum

from mentora.errors import DomainError


class ApiCode(StrEnum):
    NOT_AUTHENTICATED = "not_authenticated"
    TOKEN_INVALID = "token_invalid"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_REVOKED = "token_revoked"
    READ_ONLY_TOKEN = "read_only_token"
    CSRF_FAILED = "csrf_failed"
    SECOND_FACTOR_REQUIRED = "second_factor_required"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    BAD_CURSOR = "bad_cursor"
    RATE_LIMITED = "rate_limited"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
    TOKEN_NAME = "token_name"
    TOKEN_PROGRAM = "token_program"
    TOKEN_MAKER_LEFT = "token_maker_left"


class ApiError(DomainError):
    """A refusal of the API itself, with the HTTP status it answers."""

    def __init__(
        self,
        code: ApiCode,
        message: str,
        *,
        status: int,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code, message, field=field)
        self.status = status
        self.headers = headers or {}


# Codes that say the request was wrong in itself (422); every other domain
# refusal is the state of things saying no (409).
UNPROCESSABLE_CODES = frozenset(
    {
        "bad_time",
        "bad_reason",
        "note_too_long",
        "bad_switch",
        "bad_outcome",
        "message_too_long",
        "bad_message",
        "bad_action",
        "invalid",
        "end_not_after_start",
        "times_required",
        "times_not_allowed",
        # Mentor requests and concerns (issue 15): input the service refuses in itself.
        "message_too_short",
        "bad_frequency",
        "details_too_long",
        "details_needed",
        "note_needed",
        # The session workspace (issue 15): what the mentoring services refuse in
        # the input itself (a state refusal, like a closed window, stays a 409).
        "empty",
        "too_long",
        "bad_url",
        "bad_template",
        "bad_choice",
        "bad_goal",
        "bad_owner",
        "bad_rating",
        "bad_visibility",
        "date_in_past",
        "date_too_far",
        "reason_missing",
        # A mentor's availability (issue 15): a range overlapping another of the
        # same day (in a new week's hours, or one already kept), time off too long.
        "overlap",
        "time_off_too_long",
    }
)


def status_of(error: DomainError) -> int:
    if isinstance(error, ApiError):
        return error.status
    return 422 if str(error.code) in UNPROCESSABLE_CODES else 409
