"""Sessions over the API: list (filters, cursor), one, open slots, book, move,
cancel, and what happened (attendance).

The same access rules (scheduling.access), forms (booking.forms: a start time in
the booking window, a reason from the list, an outcome from the list) and
services (session_book, session_reschedule, session_cancel: the notice policy
decides on time or late; session_mark_attendance: who may record what, and
when) as the pages.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema

from mentora.api import lists
from mentora.api.access import caller, object_id, program_for_caller
from mentora.api.errors import ApiCode, ApiError
from mentora.api.idempotency import answer_once
from mentora.api.schemas import (
    BookIn,
    CancelIn,
    ErrorOut,
    SessionOut,
    SessionPage,
    SlotsOut,
    person_out,
)
from mentora.scheduling import access, queries
from mentora.scheduling.booking import services
from mentora.scheduling.booking.forms import AttendanceForm, CancelForm, SlotForm
from mentora.scheduling.models import Session, SessionStatus

router = Router(tags=["sessions"])

# The error answers every operation may give (400: a body that can't be read at all).
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}
SLOT_DAYS = 7
MAX_SLOT_DAYS = 31
CURSOR_SALT = "mentora.api.sessions.cursor"


class MoveIn(Schema):
    starts_at: str = Field(
        description="One of the mentorship's open slots, RFC 3339 with an offset.",
        examples=["2027-01-05T15:00:00Z"],
    )


class AttendanceIn(Schema):
    outcome: str = Field(
        description=(
            "held or mentee_no_show (the mentor, once the session has ended); "
            "mentor_no_show (the mentee, once it has started)."
        ),
        examples=["held"],
    )


def session_out(session: Session) -> dict[str, Any]:
    return {
        "id": session.pk,
        "mentorship_id": session.mentorship_id,
        "mentor": person_out(session.mentor),
        "mentee": person_out(session.mentee),
        "kind": session.kind,
        "status": session.status,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "created_at": session.created_at,
        "updated_at": session.updated_at,
        "cancelled_at": session.cancelled_at,
        "cancel_reason": session.cancel_reason,
        "cancellation_kind": session.cancellation_kind,
    }


class SessionFilterForm(lists.ListFilterForm):
    """?from=, ?to= and ?updated_since= (RFC 3339 with an offset) and ?status=."""

    time_filters = ("from", "to", "updated_since")
    status_choices = SessionStatus.choices


@router.get(
    "/{slug}/sessions",
    response={200: SessionPage, **ERRORS},
    operation_id="sessions_list",
    summary="The caller's own sessions in a program, oldest first, a page at a time",
)
def sessions_list(
    request: HttpRequest,
    slug: str,
    from_: str | None = Query(None, alias="from", description="Starting at or after (RFC 3339)."),
    to: str | None = Query(None, description="Starting before (RFC 3339)."),
    status: str | None = Query(None, description="scheduled, held, cancelled, ..."),
    updated_since: str | None = Query(
        None,
        description=(
            "Changed at or after (RFC 3339): to sync, pass the time your last sync started."
        ),
    ),
    cursor: str | None = Query(None, description="The `next` of the previous page."),
    limit: int = Query(lists.PAGE_SIZE, ge=1, le=lists.MAX_PAGE_SIZE),
) -> Any:
    program = program_for_caller(request, slug)
    given = {"from": from_, "to": to, "status": status, "updated_since": updated_since}
    chosen = lists.filters_or_refuse(SessionFilterForm, given, timezone.now())
    found = queries.sessions_for(caller(request), program)
    if chosen.get("from"):
        found = found.filter(starts_at__gte=chosen["from"])
    if chosen.get("to"):
        found = found.filter(starts_at__lt=chosen["to"])
    if chosen.get("status"):
        found = found.filter(status=chosen["status"])
    return lists.page_answer(
        found,
        chosen,
        order="starts_at",
        cursor=cursor,
        limit=limit,
        salt=CURSOR_SALT,
        out=session_out,
    )


@router.get(
    "/{slug}/sessions/{session_id}",
    response={200: SessionOut, **ERRORS},
    operation_id="session_get",
    summary="One session: its parties, and staff who may view the mentee",
)
def session_get(request: HttpRequest, slug: str, session_id: int) -> Any:
    program = program_for_caller(request, slug)
    session = access.session_for_viewer(caller(request), program, object_id(session_id))
    return session_out(session)


@router.get(
    "/{slug}/mentorships/{mentorship_id}/slots",
    response={200: SlotsOut, **ERRORS},
    operation_id="mentorship_slots",
    summary="Open times a booking would accept (the mentor and mentee only)",
)
def mentorship_slots(
    request: HttpRequest,
    slug: str,
    mentorship_id: int,
    from_: str | None = Query(None, alias="from", description="Default: now (RFC 3339)."),
    days: int = Query(SLOT_DAYS, ge=1, le=MAX_SLOT_DAYS),
) -> Any:
    program = program_for_caller(request, slug)
    # The mentee's open times, for the parties and for staff booking on the mentee's behalf.
    mentorship = access.mentorship_for_booking(caller(request), program, object_id(mentorship_id))
    now = timezone.now()
    start = now
    if from_:
        form = SlotForm({"starts_at": from_}, program=program, now=now - timedelta(days=1))
        if not form.is_valid():
            raise ApiError(
                ApiCode.INVALID, str(form.errors["starts_at"][0]), status=422, field="from"
            )
        start = max(now, form.cleaned_data["starts_at"])
    end = start + timedelta(days=days)
    bookable = queries.bookable_slots(mentorship, window=(start, end), now=now)
    mine = request.user.pk != mentorship.mentor_id  # the mentee, or staff booking for them
    return {
        "mentorship_id": mentorship.pk,
        "window_start": start,
        "window_end": end,
        "slots": bookable.starts,
        "clashes": sorted(bookable.mentee_clashes) if mine else [],
    }


@router.post(
    "/{slug}/sessions",
    response={201: SessionOut, **WRITE_ERRORS},
    operation_id="session_book",
    summary=(
        "Book a session in an open time, as a party or for a mentee as their staff "
        "(send Idempotency-Key to retry safely)"
    ),
)
def session_book(
    request: HttpRequest,
    slug: str,
    payload: BookIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    program = program_for_caller(request, slug)
    # A party, or the mentee's staff booking for the mentee (an integration's token).
    mentorship = access.mentorship_for_booking(
        caller(request), program, object_id(payload.mentorship_id)
    )
    now = timezone.now()
    form = SlotForm({"starts_at": payload.starts_at}, program=program, now=now)
    if not form.is_valid():
        lists.refuse_form(form)

    def book() -> tuple[int, dict[str, Any]]:
        session = services.session_book(
            mentorship=mentorship,
            starts_at=form.cleaned_data["starts_at"],
            by=caller(request),
            now=now,
        )
        return 201, SessionOut.model_validate(_answer(session)).model_dump(mode="json")

    return answer_once(
        owner=caller(request),
        key=idempotency_key,
        operation=f"session_book:{program.pk}",
        payload=payload,
        run=book,
    )


@router.post(
    "/{slug}/sessions/{session_id}/cancel",
    response={200: SessionOut, **WRITE_ERRORS},
    operation_id="session_cancel",
    summary="Cancel a session that hasn't started; less notice than the program asks is late",
)
def session_cancel(request: HttpRequest, slug: str, session_id: int, payload: CancelIn) -> Any:
    program = program_for_caller(request, slug)
    session = access.session_for_party(caller(request), program, object_id(session_id))
    form = CancelForm({"reason": payload.reason, "note": payload.note})
    if not form.is_valid():
        lists.refuse_form(form)
    services.session_cancel(
        session=session,
        by=caller(request),
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"],
    )
    return _answer(session)


def _answer(session: Session) -> dict[str, Any]:
    return session_out(Session.objects.select_related("mentor", "mentee").get(pk=session.pk))


@router.post(
    "/{slug}/sessions/{session_id}/move",
    response={200: SessionOut, **WRITE_ERRORS},
    operation_id="session_move",
    summary="Move a session that hasn't started to another open time (late inside the notice)",
)
def session_move(request: HttpRequest, slug: str, session_id: int, payload: MoveIn) -> Any:
    program = program_for_caller(request, slug)
    session = access.session_for_party(caller(request), program, object_id(session_id))
    now = timezone.now()
    form = SlotForm({"starts_at": payload.starts_at}, program=program, now=now)
    if not form.is_valid():
        lists.refuse_form(form)
    moved = services.session_reschedule(
        session=session, starts_at=form.cleaned_data["starts_at"], by=caller(request), now=now
    )
    return _answer(moved)


@router.post(
    "/{slug}/sessions/{session_id}/attendance",
    response={200: SessionOut, **WRITE_ERRORS},
    operation_id="session_attendance",
    summary="Record what happened: held or a no-show (once; the mentor after the end)",
)
def session_attendance(
    request: HttpRequest, slug: str, session_id: int, payload: AttendanceIn
) -> Any:
    program = program_for_caller(request, slug)
    session = access.session_for_party(caller(request), program, object_id(session_id))
    form = AttendanceForm({"outcome": payload.outcome})
    if not form.is_valid():
        lists.refuse_form(form)
    marked = services.session_mark_attendance(
        session=session, by=caller(request), outcome=form.cleaned_data["outcome"]
    )
    return _answer(marked)
