"""Concerns over the API (issue 15): raise one (a party of a mentorship), the
caller's concerns a page at a time, one, and resolve (the mentee's staff).

The same access rules (`matching.access`: a concern is private to the success
manager, seen by whoever raised it, the mentee's own success manager and
program admins, never the other party), forms (`health.forms`) and services
(`health.services.concern_raise` / `concern_resolve`) as the pages. The details
are the raiser's words: they go only to those who may see the concern.
Resolving keeps going or pauses, as the concern page's form; a re-match picks
the new mentor from a ranked list and stays on its page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Query, Router

from mentora.api import lists
from mentora.api.access import caller, object_id, program_for_caller
from mentora.api.idempotency import answer_once
from mentora.api.schemas import ConcernIn, ConcernOut, ConcernPage, ResolveIn, person_out
from mentora.api.sessions import ERRORS, WRITE_ERRORS
from mentora.matching import access
from mentora.matching.health import services
from mentora.matching.health.forms import ConcernForm, ResolveForm
from mentora.matching.health.queries import concern_in
from mentora.matching.models import Concern, ConcernStatus
from mentora.programs.models import Program
from mentora.scheduling.access import mentorship_for_party

router = Router(tags=["concerns"])
CURSOR_SALT = "mentora.api.concerns.cursor"


class ConcernFilterForm(lists.ListFilterForm):
    """?status= and ?updated_since= (RFC 3339 with an offset)."""

    status_choices = ConcernStatus.choices


def concern_out(concern: Concern) -> dict[str, Any]:
    mentorship = concern.mentorship
    return {
        "id": concern.pk,
        "mentorship_id": concern.mentorship_id,
        "mentor": person_out(mentorship.mentor),
        "mentee": person_out(mentorship.mentee),
        "raised_by": person_out(concern.raised_by),
        "reason": concern.reason,
        "details": concern.details,
        "status": concern.status,
        "created_at": concern.created_at,
        "updated_at": concern.updated_at,
        "resolved_at": concern.resolved_at,
        "resolved_by": person_out(concern.resolved_by) if concern.resolved_by else None,
        "outcome": concern.outcome,
        "resolution_note": concern.resolution_note,
        "new_mentorship_id": concern.new_mentorship_id,
    }


def _as_it_is(program: Program, concern: Concern) -> dict[str, Any]:
    """The concern as read after a change, with its people."""
    found = concern_in(program, concern.pk)
    assert found is not None
    return concern_out(found)


@router.get(
    "/{slug}/concerns",
    response={200: ConcernPage, **ERRORS},
    operation_id="concerns_list",
    summary="The concerns the caller may read (raised by them; as staff, their mentees')",
)
def concerns_list(
    request: HttpRequest,
    slug: str,
    status: str | None = Query(None, description="open or resolved."),
    updated_since: str | None = Query(
        None, description="Changed at or after (RFC 3339): the time your last sync started."
    ),
    cursor: str | None = Query(None, description="The `next` of the previous page."),
    limit: int = Query(lists.PAGE_SIZE, ge=1, le=lists.MAX_PAGE_SIZE),
) -> Any:
    program = program_for_caller(request, slug)
    given = {"status": status, "updated_since": updated_since}
    chosen = lists.filters_or_refuse(ConcernFilterForm, given, timezone.now())
    found = access.concerns_seen_by(caller(request), program)
    if chosen.get("status"):
        found = found.filter(status=chosen["status"])
    return lists.page_answer(
        found,
        chosen,
        order="created_at",
        cursor=cursor,
        limit=limit,
        salt=CURSOR_SALT,
        out=concern_out,
    )


@router.get(
    "/{slug}/concerns/{concern_id}",
    response={200: ConcernOut, **ERRORS},
    operation_id="concern_get",
    summary="One concern: for whoever raised it and the mentee's staff",
)
def concern_get(request: HttpRequest, slug: str, concern_id: int) -> Any:
    program = program_for_caller(request, slug)
    return concern_out(access.concern_for_viewer(caller(request), program, object_id(concern_id)))


@router.post(
    "/{slug}/concerns",
    response={201: ConcernOut, **WRITE_ERRORS},
    operation_id="concern_raise",
    summary="Raise a concern about your mentorship, privately to the success manager "
    "(send Idempotency-Key to retry safely)",
)
def concern_raise(
    request: HttpRequest,
    slug: str,
    payload: ConcernIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    program = program_for_caller(request, slug)
    mentorship = mentorship_for_party(caller(request), program, object_id(payload.mentorship_id))
    form = ConcernForm({"reason": payload.reason, "details": payload.details})
    if not form.is_valid():
        lists.refuse_form(form)

    def raise_it() -> tuple[int, dict[str, Any]]:
        concern = services.concern_raise(
            mentorship=mentorship,
            by=caller(request),
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
        )
        body = ConcernOut.model_validate(_as_it_is(program, concern))
        return 201, body.model_dump(mode="json")

    return answer_once(
        owner=caller(request),
        key=idempotency_key,
        operation=f"concern_raise:{program.pk}",
        payload=payload,
        run=raise_it,
    )


@router.post(
    "/{slug}/concerns/{concern_id}/resolve",
    response={200: ConcernOut, **WRITE_ERRORS},
    operation_id="concern_resolve",
    summary="The mentee's staff resolve a concern: keep going (with a note) or pause",
)
def concern_resolve(request: HttpRequest, slug: str, concern_id: int, payload: ResolveIn) -> Any:
    program = program_for_caller(request, slug)
    concern = access.concern_for_manager(caller(request), program, object_id(concern_id))
    form = ResolveForm({"outcome": payload.outcome, "note": payload.note})
    if not form.is_valid():
        lists.refuse_form(form)
    services.concern_resolve(
        concern=concern,
        by=caller(request),
        outcome=form.cleaned_data["outcome"],
        note=form.cleaned_data["note"],
    )
    return _as_it_is(program, concern)
