"""Mentor requests over the API (issue 15): the caller's requests (a page at a
time), one, the weekly times the mentor may accept with, send (a mentee asks a
mentor), accept, decline, withdraw.

The same access rules (`matching.access`: the mentee, the mentor, and staff who
may see the mentee; only the mentor answers, only the mentee withdraws), forms
(`mentor_requests.forms`) and services (`mentor_requests.services`: the
program's self-requests switch, the caps, the mentor's room, accepting twice)
as the pages. The message is shown to whoever the request page shows it to:
its two parties and the staff who may see the request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Query, Router

from mentora.api import lists
from mentora.api.access import caller, object_id, program_for_caller
from mentora.api.idempotency import answer_once
from mentora.api.schemas import (
    AcceptIn,
    DeclineIn,
    MentorRequestIn,
    MentorRequestOut,
    MentorRequestPage,
    WeeklyTimesOut,
    person_out,
)
from mentora.api.sessions import ERRORS, WRITE_ERRORS
from mentora.matching import access
from mentora.matching.errors import MatchingCode, MatchingError
from mentora.matching.mentor_requests import queries, services
from mentora.matching.mentor_requests.forms import AcceptForm, DeclineForm, RequestForm
from mentora.matching.models import MentorRequest, RequestStatus
from mentora.programs import queries as program_queries
from mentora.programs.models import Program, Role

router = Router(tags=["mentor requests"])
CURSOR_SALT = "mentora.api.mentor_requests.cursor"


class RequestFilterForm(lists.ListFilterForm):
    """?status= and ?updated_since= (RFC 3339 with an offset)."""

    status_choices = RequestStatus.choices


def request_out(asked: MentorRequest) -> dict[str, Any]:
    # Open but past its expiry reads as expired, as on the pages, until the job writes it.
    overdue = getattr(asked, "overdue", False)
    return {
        "id": asked.pk,
        "mentee": person_out(asked.mentee),
        "mentor": person_out(asked.mentor),
        "message": asked.message,
        "status": RequestStatus.EXPIRED if overdue else asked.status,
        "created_at": asked.created_at,
        "expires_at": asked.expires_at,
        "decided_at": asked.decided_at,
        "updated_at": asked.updated_at,
        "decline_reason": asked.decline_reason,
        "decline_note": asked.decline_note,
        "withdraw_reason": asked.withdraw_reason,
        "mentorship_id": asked.mentorship_id,
    }


def _as_it_is(program: Program, asked: MentorRequest, now: datetime) -> dict[str, Any]:
    """The request as read after a change (the service's instance has no annotation)."""
    found = queries.request_in(program, asked.pk, now)
    assert found is not None
    return request_out(found)


def _still_waiting(asked: MentorRequest) -> None:
    """An answer to a request no longer waiting is refused before its form, as the
    page does (its weekly times may be gone with it)."""
    if not queries.is_waiting(asked):
        raise MatchingError(MatchingCode.NOT_OPEN, queries.closed_reason(asked.status))


@router.get(
    "/{slug}/requests",
    response={200: MentorRequestPage, **ERRORS},
    operation_id="requests_list",
    summary="The requests the caller may read (sent, received, as staff), oldest first",
)
def requests_list(
    request: HttpRequest,
    slug: str,
    status: str | None = Query(None, description="open, accepted, declined, withdrawn or expired."),
    updated_since: str | None = Query(
        None, description="Changed at or after (RFC 3339): the time your last sync started."
    ),
    cursor: str | None = Query(None, description="The `next` of the previous page."),
    limit: int = Query(lists.PAGE_SIZE, ge=1, le=lists.MAX_PAGE_SIZE),
) -> Any:
    program = program_for_caller(request, slug)
    now = timezone.now()
    given = {"status": status, "updated_since": updated_since}
    chosen = lists.filters_or_refuse(RequestFilterForm, given, now)
    found = access.requests_seen_by(caller(request), program, now)
    if chosen.get("status") == RequestStatus.EXPIRED:  # by `overdue`, as it reads
        found = found.filter(Q(status=RequestStatus.EXPIRED) | Q(overdue=True))
    elif chosen.get("status") == RequestStatus.OPEN:
        found = found.filter(Q(status=RequestStatus.OPEN) & Q(overdue=False))
    elif chosen.get("status"):
        found = found.filter(status=chosen["status"])
    return lists.page_answer(
        found,
        chosen,
        order="created_at",
        cursor=cursor,
        limit=limit,
        salt=CURSOR_SALT,
        out=request_out,
    )


@router.get(
    "/{slug}/requests/{request_id}",
    response={200: MentorRequestOut, **ERRORS},
    operation_id="request_get",
    summary="One request: its mentee, its mentor, and staff who may see the mentee",
)
def request_get(request: HttpRequest, slug: str, request_id: int) -> Any:
    program = program_for_caller(request, slug)
    now = timezone.now()
    return request_out(
        access.request_for_viewer(caller(request), program, object_id(request_id), now)
    )


@router.get(
    "/{slug}/requests/{request_id}/times",
    response={200: WeeklyTimesOut, **ERRORS},
    operation_id="request_times",
    summary="The weekly times the mentor may accept with (the mentor only; none once answered)",
)
def request_times(request: HttpRequest, slug: str, request_id: int) -> Any:
    program = program_for_caller(request, slug)
    now = timezone.now()
    asked = access.request_for_party(
        caller(request), program, object_id(request_id), now, as_role=Role.MENTOR
    )
    times = []
    if queries.is_waiting(asked):
        times = queries.weekly_times(
            program=program, mentor=asked.mentor, mentee_zone=asked.mentee.time_zone, now=now
        )
    return {
        "request_id": asked.pk,
        "times": [
            {
                "slot": t.value,
                "weekday": t.weekday,
                "time": f"{t.at:%H:%M}",
                "time_zone": t.mentor_zone,
                "mentee_first": t.mentee_local,
            }
            for t in times
        ],
    }


@router.post(
    "/{slug}/requests",
    response={201: MentorRequestOut, **WRITE_ERRORS},
    operation_id="request_create",
    summary="A mentee asks a mentor, with a message (send Idempotency-Key to retry safely)",
)
def request_create(
    request: HttpRequest,
    slug: str,
    payload: MentorRequestIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    program = program_for_caller(request, slug)
    mentor = program_queries.mentor_in_program(program, object_id(payload.mentor_id))
    form = RequestForm({"message": payload.message})
    if not form.is_valid():
        lists.refuse_form(form)
    now = timezone.now()

    def send() -> tuple[int, dict[str, Any]]:
        sent = services.request_create(
            program=program,
            mentee=caller(request),
            mentor=mentor,
            message=form.cleaned_data["message"],
            now=now,
        )
        body = MentorRequestOut.model_validate(_as_it_is(program, sent, now))
        return 201, body.model_dump(mode="json")

    return answer_once(
        owner=caller(request),
        key=idempotency_key,
        operation=f"request_create:{program.pk}",
        payload=payload,
        run=send,
    )


@router.post(
    "/{slug}/requests/{request_id}/accept",
    response={200: MentorRequestOut, **WRITE_ERRORS},
    operation_id="request_accept",
    summary="The mentor accepts with a regular weekly time: the mentorship and its sessions start",
)
def request_accept(request: HttpRequest, slug: str, request_id: int, payload: AcceptIn) -> Any:
    program = program_for_caller(request, slug)
    now = timezone.now()
    asked = access.request_for_party(
        caller(request), program, object_id(request_id), now, as_role=Role.MENTOR
    )
    _still_waiting(asked)
    times = queries.weekly_times(
        program=program, mentor=asked.mentor, mentee_zone=asked.mentee.time_zone, now=now
    )
    form = AcceptForm({"slot": payload.slot, "frequency": payload.frequency}, times=times)
    if not form.is_valid():
        lists.refuse_form(form)
    weekday, at = form.weekly_time()
    services.request_accept(
        request=asked,
        by=caller(request),
        weekday=weekday,
        time_of_day=at,
        frequency=form.cleaned_data["frequency"],
        now=now,
    )
    return _as_it_is(program, asked, now)


@router.post(
    "/{slug}/requests/{request_id}/decline",
    response={200: MentorRequestOut, **WRITE_ERRORS},
    operation_id="request_decline",
    summary="The mentor declines with a reason from the list and an optional note",
)
def request_decline(request: HttpRequest, slug: str, request_id: int, payload: DeclineIn) -> Any:
    program = program_for_caller(request, slug)
    now = timezone.now()
    asked = access.request_for_party(
        caller(request), program, object_id(request_id), now, as_role=Role.MENTOR
    )
    _still_waiting(asked)
    form = DeclineForm({"reason": payload.reason, "note": payload.note})
    if not form.is_valid():
        lists.refuse_form(form)
    services.request_decline(
        request=asked,
        by=caller(request),
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"],
        now=now,
    )
    return _as_it_is(program, asked, now)


@router.post(
    "/{slug}/requests/{request_id}/withdraw",
    response={200: MentorRequestOut, **WRITE_ERRORS},
    operation_id="request_withdraw",
    summary="The mentee takes back a request still waiting; the mentor hears of it",
)
def request_withdraw(request: HttpRequest, slug: str, request_id: int) -> Any:
    program = program_for_caller(request, slug)
    now = timezone.now()
    asked = access.request_for_party(
        caller(request), program, object_id(request_id), now, as_role=Role.MENTEE
    )
    services.request_withdraw(request=asked, by=caller(request), now=now)
    return _as_it_is(program, asked, now)
