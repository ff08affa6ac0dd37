"""Scheduling's refusals: `SchedulingError` and its codes, `SchedulingCode`.

Booking and availability services raise them; the pages turn them into a
message (`mentora.errors.form_error` / `page_error`), the API into its code.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from mentora.errors import DomainError


class SchedulingCode(StrEnum):
    # Picking a time (booking, moving, makeups)
    BAD_TIME = "bad_time"
    IN_PAST = "in_past"
    TOO_SOON = "too_soon"
    TOO_FAR = "too_far"
    AFTER_MAKEUP_DEADLINE = "after_makeup_deadline"
    OFF_GRID = "off_grid"
    WEEKLY_LIMIT = "weekly_limit"
    OUTSIDE_AVAILABILITY = "outside_availability"
    SLOT_TAKEN = "slot_taken"
    MENTEE_BUSY = "mentee_busy"
    CALENDAR_UNAVAILABLE = "calendar_unavailable"
    # Who may do it, and to which session
    NOT_A_PARTY = "not_a_party"
    NOT_MENTEE = "not_mentee"
    NOT_MENTOR = "not_mentor"
    NOT_ACTIVE = "not_active"
    BAD_KIND = "bad_kind"
    NOT_MOVABLE = "not_movable"
    NOT_CANCELLABLE = "not_cancellable"
    NOT_CHANGEABLE = "not_changeable"
    # Cancelling, keeping, attendance
    BAD_REASON = "bad_reason"
    NOTE_TOO_LONG = "note_too_long"
    BAD_SWITCH = "bad_switch"
    BAD_OUTCOME = "bad_outcome"
    TOO_EARLY = "too_early"
    ALREADY_MARKED = "already_marked"
    # Makeups
    NO_MISSED_SESSION = "no_missed_session"
    MAKEUP_NOT_ALLOWED = "makeup_not_allowed"
    MESSAGE_TOO_LONG = "message_too_long"
    BAD_MESSAGE = "bad_message"
    NO_REQUEST_NEEDED = "no_request_needed"
    ALREADY_REQUESTED = "already_requested"
    ALREADY_DECIDED = "already_decided"
    BAD_ACTION = "bad_action"
    # A mentor's availability (the forms map these to their fields)
    END_NOT_AFTER_START = "end_not_after_start"
    OVERLAP = "overlap"
    DATE_IN_PAST = "date_in_past"
    TIMES_REQUIRED = "times_required"
    TIMES_NOT_ALLOWED = "times_not_allowed"
    ALREADY_DAY_OFF = "already_day_off"
    TIME_OFF_TOO_LONG = "time_off_too_long"
    INVALID = "invalid"
    NOT_FOUND = "not_found"


class SchedulingError(DomainError):
    """A booking, cancellation, attendance or availability rule said no.

    `alternatives` are open start times to offer instead, where relevant (a
    slot that was just taken).
    """

    def __init__(
        self,
        code: SchedulingCode,
        message: str,
        *,
        alternatives: list[datetime] | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(code, message, field=field)
        self.alternatives = alternatives or []
