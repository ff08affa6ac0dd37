"""The matching app's domain error and its codes.

Every refusal of a matching write (requests, staff and bulk matching, pulses,
concerns, re-matching, starting and ending mentorships) is a `MatchingError`
with one of the `MatchingCode`s below: the API returns the code, a page shows
the message. A `StrEnum` compares equal to its string, so `error.code ==
"mentor_full"` still holds.
"""

from __future__ import annotations

from enum import StrEnum

from mentora.errors import DomainError


class MatchingCode(StrEnum):
    # who and what
    SELF = "self"
    NOT_A_MENTEE = "not_a_mentee"
    NOT_A_MENTOR = "not_a_mentor"
    NOT_A_PARTY = "not_a_party"
    NOT_YOURS = "not_yours"
    # mentor requests
    SELF_REQUESTS_OFF = "self_requests_off"
    HAS_MENTOR = "has_mentor"
    ALREADY_REQUESTED = "already_requested"
    TOO_MANY_OPEN = "too_many_open"
    MESSAGE_TOO_SHORT = "message_too_short"
    MESSAGE_TOO_LONG = "message_too_long"
    NOT_OPEN = "not_open"
    BAD_TIME = "bad_time"
    BAD_FREQUENCY = "bad_frequency"
    # starting, pausing and ending mentorships
    ALREADY_MATCHED = "already_matched"
    MENTOR_FULL = "mentor_full"
    NOT_LIVE = "not_live"
    NOT_ACTIVE = "not_active"
    NOT_PAUSED = "not_paused"
    ENDED = "ended"
    # a proposed regular time
    NO_PROPOSAL = "no_proposal"
    PROPOSAL_STALE = "proposal_stale"
    # staff matching, one by one
    BAD_MENTOR = "bad_mentor"
    MENTEE_MATCHED = "mentee_matched"
    NOT_MATCHABLE = "not_matchable"
    # bulk matching
    BAD_OBJECTIVE = "bad_objective"
    BAD_MIN_SCORE = "bad_min_score"
    NO_MENTEES = "no_mentees"
    NO_MENTORS = "no_mentors"
    MENTEES_CHANGED = "mentees_changed"
    MENTORS_CHANGED = "mentors_changed"
    PINS_OUTSIDE = "pins_outside"
    EXCLUDED_OUTSIDE = "excluded_outside"
    PINNED_TWICE = "pinned_twice"
    PINNED_AND_EXCLUDED = "pinned_and_excluded"
    BAD_PIN = "bad_pin"
    CHANGED = "changed"
    PUBLISHED = "published"
    DISCARDED = "discarded"
    PUBLISHING = "publishing"
    COMPUTING = "computing"
    JOB_FAILED = "job_failed"
    # pulses and concerns
    BAD_ANSWER = "bad_answer"
    COMMENT_TOO_LONG = "comment_too_long"
    ALREADY_ANSWERED = "already_answered"
    DETAILS_TOO_LONG = "details_too_long"
    DETAILS_NEEDED = "details_needed"
    ALREADY_OPEN = "already_open"
    BAD_OUTCOME = "bad_outcome"
    NOTE_NEEDED = "note_needed"
    ALREADY_RESOLVED = "already_resolved"
    MENTOR_NEEDED = "mentor_needed"
    # re-matching and ending
    SAME_MENTOR = "same_mentor"
    BAD_REASON = "bad_reason"
    NOTE_TOO_LONG = "note_too_long"
    # off-boarding (lifecycle/offboarding.py)
    ALREADY_GRADUATED = "already_graduated"
    ALREADY_LEFT = "already_left"
    ALREADY_DEACTIVATED = "already_deactivated"
    ELSEWHERE = "elsewhere"
    NOT_COMPLETED = "not_completed"
    REFLECTION_TOO_LONG = "reflection_too_long"


class MatchingError(DomainError):
    """A matching rule refused a write (requests, staff matching, concerns, re-matching)."""

    def __init__(self, code: MatchingCode, message: str, *, field: str | None = None) -> None:
        super().__init__(code, message, field=field)
        self.code: MatchingCode = code  # narrower than DomainError's: only this app's codes
