"""Mentorships over the API: the ones the caller may read (their own, and as
staff their caseload's or the program's), a page at a time, and one by id.

Who may read which is `programs.access.mentorships_seen_by`, the rule the
pages use for the same people; anyone else gets the 404 of a missing id.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from mentora.api import lists
from mentora.api.access import caller, object_id, program_for_caller
from mentora.api.schemas import MentorshipOut, MentorshipPage, person_out
from mentora.api.sessions import ERRORS
from mentora.programs import access
from mentora.programs.models import Mentorship, MentorshipStatus

router = Router(tags=["mentorships"])
CURSOR_SALT = "mentora.api.mentorships.cursor"


class MentorshipFilterForm(lists.ListFilterForm):
    """?status= and ?updated_since= (RFC 3339 with an offset)."""

    status_choices = MentorshipStatus.choices


def mentorship_out(mentorship: Mentorship) -> dict[str, Any]:
    # The end note and the closing reflections are people's words: not sent.
    return {
        "id": mentorship.pk,
        "mentor": person_out(mentorship.mentor),
        "mentee": person_out(mentorship.mentee),
        "status": mentorship.status,
        "started_at": mentorship.started_at,
        "ended_at": mentorship.ended_at,
        "end_reason": mentorship.end_reason,
        "updated_at": mentorship.updated_at,
    }


@router.get(
    "/{slug}/mentorships",
    response={200: MentorshipPage, **ERRORS},
    operation_id="mentorships_list",
    summary="Mentorships the caller may read, oldest first, a page at a time",
)
def mentorships_list(
    request: HttpRequest,
    slug: str,
    status: str | None = Query(None, description="active, paused or ended."),
    updated_since: str | None = Query(
        None, description="Changed at or after (RFC 3339): the time your last sync started."
    ),
    cursor: str | None = Query(None, description="The `next` of the previous page."),
    limit: int = Query(lists.PAGE_SIZE, ge=1, le=lists.MAX_PAGE_SIZE),
) -> Any:
    program = program_for_caller(request, slug)
    given = {"status": status, "updated_since": updated_since}
    chosen = lists.filters_or_refuse(MentorshipFilterForm, given, timezone.now())
    found = access.mentorships_seen_by(caller(request), program).select_related("mentor", "mentee")
    if chosen.get("status"):
        found = found.filter(status=chosen["status"])
    if chosen.get("updated_since"):
        found = found.filter(updated_at__gte=chosen["updated_since"])
    rows, following = lists.page_of(
        found, order="started_at", cursor=cursor, limit=limit, salt=CURSOR_SALT
    )
    return {"items": [mentorship_out(m) for m in rows], "next": following}


@router.get(
    "/{slug}/mentorships/{mentorship_id}",
    response={200: MentorshipOut, **ERRORS},
    operation_id="mentorship_get",
    summary="One mentorship the caller may read",
)
def mentorship_get(request: HttpRequest, slug: str, mentorship_id: int) -> Any:
    program = program_for_caller(request, slug)
    found = (
        access.mentorships_seen_by(caller(request), program)
        .select_related("mentor", "mentee")
        .filter(pk=object_id(mentorship_id))
        .first()
    )
    access.require(found is not None, "No such mentorship.")
    assert found is not None
    return mentorship_out(found)
