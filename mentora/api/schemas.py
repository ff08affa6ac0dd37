"""What the API sends and takes. Times are RFC 3339 with an offset (UTC, "Z")."""

from __future__ import annotations

from datetime import date, datetime
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


class MentorRequestOut(Schema):
    id: int
    mentee: PersonOut
    mentor: PersonOut
    message: str = Field(description="The mentee's words to the mentor: what they want to achieve.")
    status: str = Field(
        description="open, accepted, declined, withdrawn or expired (an open request past "
        "its expiry reads as expired)."
    )
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None = None
    updated_at: datetime = Field(description="Last change of any kind (see ?updated_since=).")
    decline_reason: str = Field("", description="Why the mentor declined, as a code.")
    decline_note: str = Field("", description="The mentor's word to the mentee, if declined.")
    withdraw_reason: str = Field("", description="Why it was withdrawn, as a code.")
    mentorship_id: int | None = Field(None, description="The mentorship accepting it started.")


class MentorRequestPage(Schema):
    items: list[MentorRequestOut]
    next: str | None = Field(None, description="Pass as ?cursor= for the next page.")


class MentorRequestIn(Schema):
    mentor_id: int
    message: str = Field(
        description="What you want to achieve with this mentor (a couple of sentences)."
    )


class WeeklyTimeOut(Schema):
    slot: str = Field(description="Pass as `slot` to accept, e.g. 1-17:00.")
    weekday: int = Field(description="0 is Monday, in the mentor's zone.")
    time: str = Field(description="HH:MM in the mentor's zone.")
    time_zone: str = Field(description="The mentor's zone (IANA).")
    mentee_first: datetime = Field(description="The first such time, for the mentee.")


class WeeklyTimesOut(Schema):
    request_id: int
    times: list[WeeklyTimeOut]


class AcceptIn(Schema):
    slot: str = Field(
        description="One of the request's weekly times (`slot` of .../times), in your zone.",
        examples=["1-17:00"],
    )
    frequency: str = Field("weekly", description="weekly or biweekly.")


class DeclineIn(Schema):
    reason: str = Field(description="no_capacity, outside_expertise, schedule or other.")
    note: str = ""


class ConcernOut(Schema):
    id: int
    mentorship_id: int
    mentor: PersonOut
    mentee: PersonOut
    raised_by: PersonOut
    reason: str
    details: str = Field("", description="The words of whoever raised it.")
    status: str = Field(description="open or resolved.")
    created_at: datetime
    updated_at: datetime = Field(description="Last change of any kind (see ?updated_since=).")
    resolved_at: datetime | None = None
    resolved_by: PersonOut | None = None
    outcome: str = Field("", description="keep_going, paused or rematched, once resolved.")
    resolution_note: str = ""
    new_mentorship_id: int | None = Field(None, description="The re-match's new mentorship.")


class ConcernPage(Schema):
    items: list[ConcernOut]
    next: str | None = Field(None, description="Pass as ?cursor= for the next page.")


class ConcernIn(Schema):
    mentorship_id: int
    reason: str = Field(
        description="missed_sessions, not_helpful, expertise, schedule, communication, "
        "conduct or other."
    )
    details: str = Field("", description="Needed for `other`; read by staff, not the other party.")


class ResolveIn(Schema):
    outcome: str = Field(description="keep_going (with a note) or paused; a re-match is a page.")
    note: str = ""


# --- the session workspace (issue 15) -------------------------------------------


class AgendaLinkOut(Schema):
    id: int
    url: str
    title: str = ""
    added_at: datetime


class AgendaFileOut(Schema):
    name: str
    content_type: str
    size: int = Field(description="Bytes.")
    uploaded_at: datetime


class AgendaOut(Schema):
    goal: str = ""
    goal_template: str = Field("", description="The suggested goal it started from, if any.")
    mentorship_goal_id: int | None = Field(None, description="The mentorship goal it serves.")
    working_on: str = ""
    next_days: str = ""
    planned_work_done: str = Field("", description="yes, partly or no (empty: not said).")
    previous_notes_reviewed: bool = False
    setup_checked: bool = False
    updated_at: datetime | None = None
    links: list[AgendaLinkOut] = Field(default_factory=list)
    files: list[AgendaFileOut] = Field(default_factory=list)


class QuestionOut(Schema):
    id: int
    text: str
    tried: str = ""
    topic: str = ""
    link: str = ""
    status: str = Field(description="open, answered or solved_myself.")
    answer: str = ""
    created_at: datetime


class NoteOut(Schema):
    id: int
    author: PersonOut
    body: str = Field(description="Markdown.")
    shared: bool = Field(description="false: private, read by its author only.")
    created_at: datetime
    updated_at: datetime


class ActionItemOut(Schema):
    id: int
    mentorship_id: int
    session_id: int | None = None
    title: str
    owner: PersonOut
    due_on: date
    kind: str = Field(description="practice, task or stretch.")
    done_at: datetime | None = None
    created_at: datetime


class ReflectionOut(Schema):
    author: PersonOut
    role: str = Field(description="mentee (their reflection) or mentor (their session report).")
    goal_met: str = Field(description="yes, partly or no.")
    why_not: str = ""
    plan_now: str = ""
    still_makes_sense: str = Field(description="yes, unsure or no.")
    topics_covered: str = Field("", description="The mentor's report only.")
    created_at: datetime
    updated_at: datetime


class FeedbackOut(Schema):
    rating: int = Field(description="1 (not helpful) to 5 (very helpful).")
    useful: str = ""
    less_productive: str = ""
    visibility: str = Field(description="mentor (with the mentee's name) or success_manager.")
    created_at: datetime


class WorkspaceWindowsOut(Schema):
    agenda_editable: bool = Field(description="The mentee, until the session starts.")
    notes_open: bool = Field(description="The two parties, until notes_close_at.")
    notes_close_at: datetime
    reflection_open: bool = Field(description="The caller's own reflection, now.")
    reflection_closes_at: datetime
    feedback_open: bool = Field(description="The mentee, once, in the normal window.")


class WorkspaceOut(Schema):
    session_id: int
    viewer: str = Field(description="mentee, mentor or staff (staff read only).")
    agenda: AgendaOut | None = None
    questions: list[QuestionOut] = Field(description="The questions brought to this session.")
    notes: list[NoteOut] = Field(description="Shared notes, and the caller's own private ones.")
    action_items: list[ActionItemOut]
    reflections: list[ReflectionOut] = Field(
        description="A party reads their own; staff read both."
    )
    feedback: FeedbackOut | None = Field(
        None,
        description="The mentee's own; the mentor only if shared with them; staff's to read.",
    )
    windows: WorkspaceWindowsOut
