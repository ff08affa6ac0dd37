"""What the API sends and takes. Times are RFC 3339 with an offset (UTC, "Z")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class ErrorDetail(Schema):
    loc: list[str]
    msg: str


class ErrorOut(Schema):
    code: str = Field(description="Machine-readable, e.g. slot_taken, not_found, invalid.")
    message: str = Field(description="For a person, in their language.")
    field: str | None = Field(None, description="The input the refusal is about, if any.")
    alternatives: list[datetime] | None = Field(
        None, description="Open times to offer instead (a time just taken)."
    )
    errors: list[ErrorDetail] | None = None


class MeOut(Schema):
    id: int
    name: str
    email: str
    time_zone: str = Field(description="IANA zone the person reads times in, e.g. Europe/Berlin.")


class ProgramOut(Schema):
    slug: str
    name: str
    time_zone: str
    roles: list[str]
    default_session_minutes: int
    booking_window_weeks: int
    notice_hours: int = Field(description="Cancelling with less notice than this counts as late.")


class PersonOut(Schema):
    id: int
    name: str
    time_zone: str


def person_out(user: Any) -> dict[str, Any]:
    """A person as every answer names them (a `PersonOut`)."""
    return {"id": user.pk, "name": user.name, "time_zone": user.time_zone}


class SessionOut(Schema):
    id: int
    mentorship_id: int
    mentor: PersonOut
    mentee: PersonOut
    kind: str
    status: str
    starts_at: datetime
    ends_at: datetime
    created_at: datetime
    updated_at: datetime = Field(description="Last change of any kind (see ?updated_since=).")
    cancelled_at: datetime | None = None
    cancel_reason: str = ""
    cancellation_kind: str = Field("", description="on_time or late, once cancelled.")


class SessionPage(Schema):
    items: list[SessionOut]
    next: str | None = Field(None, description="Pass as ?cursor= for the next page.")


class MentorshipOut(Schema):
    id: int
    mentor: PersonOut
    mentee: PersonOut
    status: str = Field(description="active, paused or ended.")
    started_at: datetime
    ended_at: datetime | None = None
    end_reason: str = Field("", description="Why it ended, as a code, once ended.")
    updated_at: datetime = Field(description="Last change of any kind (see ?updated_since=).")


class MentorshipPage(Schema):
    items: list[MentorshipOut]
    next: str | None = Field(None, description="Pass as ?cursor= for the next page.")


class SlotsOut(Schema):
    mentorship_id: int
    window_start: datetime
    window_end: datetime
    slots: list[datetime]
    clashes: list[datetime] = Field(
        default_factory=list,
        description="Open times that clash with the mentee's own calendar (the mentee only).",
    )


class BookIn(Schema):
    mentorship_id: int
    starts_at: str = Field(
        description="One of the open slots, RFC 3339 with an offset.",
        examples=["2027-01-04T15:00:00Z"],
    )


class CancelIn(Schema):
    reason: str = Field(
        description="schedule_conflict, illness, work_not_done, emergency or other."
    )
    note: str = ""
