"""Mentorships over the API: the ones the caller may read (their own, and as
staff their caseload's or the program's), a page at a time, and one by id; and
for the mentee's staff, the writes the pages offer them: match a mentee with a
mentor, complete, pause, resume and re-match.

Who may read which is `programs.access.mentorships_seen_by`, the rule the
pages use for the same people; who may write is the pages' rule too
(`matching.access.mentee_for_matching`, `mentorship_for_manager`); anyone else
gets the 404 of a missing id. The services decide everything else (capacity,
hard rules, a mentorship already ended), as on the pages.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema, Status

from mentora.api import lists
from mentora.api.access import caller, object_id, program_for_caller
from mentora.api.idempotency import answer_once
from mentora.api.schemas import MentorshipOut, MentorshipPage, person_out
from mentora.api.sessions import ERRORS, WRITE_ERRORS
from mentora.matching import access as matching_access
from mentora.matching.engine.suggestions import ranked_mentors_for
from mentora.matching.health import services as health
from mentora.matching.health.forms import RematchForm
from mentora.matching.lifecycle import offboarding
from mentora.matching.lifecycle import services as lifecycle
from mentora.matching.lifecycle.forms import OffboardNoteForm
from mentora.matching.staff import services as staff
from mentora.programs import access
from mentora.programs import queries as program_queries
from mentora.programs.models import EndReason, Mentorship, MentorshipStatus

router = Router(tags=["mentorships"])
CURSOR_SALT = "mentora.api.mentorships.cursor"


class MentorshipFilterForm(lists.ListFilterForm):
    """?status= and ?updated_since= (RFC 3339 with an offset)."""

    status_choices = MentorshipStatus.choices


class MatchIn(Schema):
    mentee_id: int
    mentor_id: int = Field(description="A mentor the page would suggest for the mentee.")


class CompleteIn(Schema):
    note: str = Field("", description="Why, in a line (optional); the two parties read it.")


class RematchIn(Schema):
    mentor_id: int = Field(description="The new mentor: one the re-match page would offer.")
    reason: str = Field(EndReason.REMATCHED, description="Why the current mentorship ends.")
    note: str = ""


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
    return lists.page_answer(
        found,
        chosen,
        order="started_at",
        cursor=cursor,
        limit=limit,
        salt=CURSOR_SALT,
        out=mentorship_out,
    )


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


def _answer(mentorship: Mentorship) -> dict[str, Any]:
    found = Mentorship.objects.select_related("mentor", "mentee").get(pk=mentorship.pk)
    return mentorship_out(found)


def _managed(request: HttpRequest, slug: str, mentorship_id: int) -> Mentorship:
    """A mentorship the caller manages (the mentee's success manager, an admin)."""
    program = program_for_caller(request, slug)
    return matching_access.mentorship_for_manager(
        caller(request), program, object_id(mentorship_id)
    )


@router.post(
    "/{slug}/mentorships",
    response={201: MentorshipOut, **WRITE_ERRORS},
    operation_id="mentorship_match",
    summary="Match a mentee with a mentor, as the mentee's staff (send Idempotency-Key)",
)
def mentorship_match(
    request: HttpRequest,
    slug: str,
    payload: MatchIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    program = program_for_caller(request, slug)
    membership = matching_access.mentee_for_matching(
        caller(request), program, object_id(payload.mentee_id)
    )

    def match() -> tuple[int, dict[str, Any]]:
        mentorship = staff.match_from_suggestion(
            program=program,
            mentee=membership.user,
            mentor_id=object_id(payload.mentor_id),
            by=caller(request),
        )
        return 201, MentorshipOut.model_validate(_answer(mentorship)).model_dump(mode="json")

    return answer_once(
        owner=caller(request),
        key=idempotency_key,
        operation=f"mentorship_match:{program.pk}",
        payload=payload,
        run=match,
    )


@router.post(
    "/{slug}/mentorships/{mentorship_id}/complete",
    response={200: MentorshipOut, **WRITE_ERRORS},
    operation_id="mentorship_complete",
    summary="End a live mentorship as completed (its future sessions are cancelled)",
)
def mentorship_complete(
    request: HttpRequest, slug: str, mentorship_id: int, payload: CompleteIn
) -> Any:
    mentorship = _managed(request, slug, mentorship_id)
    form = OffboardNoteForm({"note": payload.note})
    if not form.is_valid():
        lists.refuse_form(form)
    offboarding.mentorship_complete(
        mentorship=mentorship, by=caller(request), note=form.cleaned_data["note"]
    )
    return _answer(mentorship)


@router.post(
    "/{slug}/mentorships/{mentorship_id}/pause",
    response={200: MentorshipOut, **WRITE_ERRORS},
    operation_id="mentorship_pause",
    summary="Pause an active mentorship (it keeps its place with the mentor)",
)
def mentorship_pause(request: HttpRequest, slug: str, mentorship_id: int) -> Any:
    return _answer(lifecycle.mentorship_pause(mentorship=_managed(request, slug, mentorship_id)))


@router.post(
    "/{slug}/mentorships/{mentorship_id}/resume",
    response={200: MentorshipOut, **WRITE_ERRORS},
    operation_id="mentorship_resume",
    summary="Resume a paused mentorship",
)
def mentorship_resume(request: HttpRequest, slug: str, mentorship_id: int) -> Any:
    return _answer(lifecycle.mentorship_resume(mentorship=_managed(request, slug, mentorship_id)))


@router.post(
    "/{slug}/mentorships/{mentorship_id}/rematch",
    response={201: MentorshipOut, **WRITE_ERRORS},
    operation_id="mentorship_rematch",
    summary="End a mentorship and start the mentee's new one with another mentor, in one step",
)
def mentorship_rematch(
    request: HttpRequest, slug: str, mentorship_id: int, payload: RematchIn
) -> Any:
    mentorship = _managed(request, slug, mentorship_id)
    program, now = mentorship.program, timezone.now()
    # The mentors the re-match page offers, ranked the same way: nobody else.
    ranked = ranked_mentors_for(
        program, mentorship.mentee_id, now.date(), exclude=(mentorship.mentor_id,)
    )
    form = RematchForm(
        {"mentor": payload.mentor_id, "reason": payload.reason, "note": payload.note},
        mentors=[(r.mentor.user_id, r.mentor.name) for r in ranked],
    )
    if not form.is_valid():
        lists.refuse_form(form)
    result = health.mentorship_rematch(
        mentorship=mentorship,
        new_mentor=program_queries.mentor_in_program(program, form.cleaned_data["mentor"]),
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"],
        by=caller(request),
        now=now,
    )
    return Status(201, _answer(result.new))
