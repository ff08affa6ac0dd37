"""What other apps tell notifications about. Each call is made inside the caller's
transaction; delivery happens after commit (and is exactly once per person and event).

The matching app calls the functions below; scheduling and mentoring events are
wired in by the notifications app itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mentora.accounts.models import User
    from mentora.matching.models import Concern, MentorRequest, Pulse
    from mentora.programs.models import Mentorship


def request_created(request: MentorRequest) -> None:
    """A mentee asked a mentor: the mentor hears of it."""


def request_decided(request: MentorRequest) -> None:
    """A mentor accepted or declined: the mentee hears of it (with the reason)."""


def request_withdrawn(request: MentorRequest) -> None:
    """An open request was withdrawn (by the mentee, or accepted elsewhere): the mentor."""


def pulse_asked(pulse: Pulse) -> None:
    """A pulse ("How is this mentorship going?") is due: its respondent is asked."""


def pulse_answered(pulse: Pulse) -> None:
    """A "not a fit" answer goes to the mentee's success manager at once."""


def concern_raised(concern: Concern) -> None:
    """A concern goes to the mentee's success manager at once (cannot be turned off)."""


def concern_resolved(concern: Concern) -> None:
    """The person who raised the concern hears the outcome."""


def mentorship_started(mentorship: Mentorship) -> None:
    """Both parties hear of a new mentorship (accepted request, staff match, re-match)."""


def mentorship_ended(mentorship: Mentorship, *, by: User | None) -> None:
    """Both parties hear a mentorship ended, with its reason."""
