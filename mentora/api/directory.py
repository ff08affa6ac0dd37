"""The mentor directory over the API: the program's mentors as its directory page
lists them to the caller (by fit with its reasons for a mentee, by name for
anyone else), with the page's filters, a page at a time; and one mentor's
profile as their page shows it to the caller (`programs.people.mentor_page`:
background answers only as the page shows them, the meeting link only to whom
the page shows it).

The same reads (`matching.mentor_requests.directory`) and filter form
(`DirectoryFilterForm`) as the page; only what a card shows is sent (never a
mentor's background answers). A filter the page would show with an error is a
422 naming it here.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from mentora.api import lists
from mentora.api.access import caller, object_id, program_for_caller
from mentora.api.schemas import PersonOut, person_out
from mentora.api.sessions import ERRORS
from mentora.matching import access
from mentora.matching.mentor_requests import directory
from mentora.matching.mentor_requests.forms import DirectoryFilterForm
from mentora.programs import people

router = Router(tags=["directory"])
CURSOR_SALT = "mentora.api.directory.cursor"
LISTED = ("stack", "area", "stage", "education", "language", "background")


class DirectoryQuery(Schema):
    """The directory page's filters, as query parameters (a list one repeats)."""

    stack: list[str] = Field(default_factory=list, description="Tag ids the mentor knows (all).")
    area: list[str] = Field(default_factory=list, description="Knowledge areas known (all).")
    stage: list[str] = Field(default_factory=list, description="Career stages (any).")
    min_years: str | None = Field(None, description="At least this many years of experience.")
    education: list[str] = Field(default_factory=list, description="How they learned (any).")
    language: list[str] = Field(default_factory=list, description="Languages spoken (any).")
    min_overlap: str | None = Field(
        None, description="A mentee: at least this many of their hours a week in your day."
    )
    has_room: bool = Field(False, description="Only mentors with room for a new mentee.")
    background: list[str] = Field(
        default_factory=list, description="Background answers shared with the program."
    )
    shares_my_background: bool = Field(False, description="A mentee: the same answers as yours.")
    cursor: str | None = Field(None, description="The `next` of the previous page.")


class DirectoryMentorOut(Schema):
    mentor: PersonOut
    headline: str
    has_room: bool
    requested: bool  # the calling mentee has an open request to them
    why: str  # why they fit the calling mentee; empty for anyone else
    overlap_hours: int | None  # their weekly hours inside the calling mentee's day
    stack: list[str]
    career_stage: str
    years_experience: int
    knowledge_areas: list[str]
    languages: list[str]


class DirectoryPageOut(Schema):
    items: list[DirectoryMentorOut]
    total: int  # mentors that pass the filters
    can_request: bool  # the caller may send requests to mentors with room
    next: str | None


def _card_out(card: directory.Card) -> dict[str, Any]:
    profile = card.profile
    return {
        "mentor": person_out(profile.user),
        "headline": profile.headline,
        "has_room": card.has_room,
        "requested": card.requested,
        "why": card.why,
        "overlap_hours": card.overlap_hours,
        "stack": card.stack_names,
        "career_stage": profile.career_stage,
        "years_experience": profile.years_experience,
        "knowledge_areas": list(profile.knowledge_areas or []),
        "languages": list(profile.languages or []),
    }


@router.get(
    "/{slug}/mentors",
    response={200: DirectoryPageOut, **ERRORS},
    operation_id="mentor_directory",
    summary="The program's mentors as the directory lists them to the caller, with its filters",
)
def mentor_directory(
    request: HttpRequest,
    slug: str,
    filters: Query[DirectoryQuery],  # type: ignore[type-arg]
) -> Any:
    program, now, viewer = program_for_caller(request, slug), timezone.now(), caller(request)
    candidates = directory.directory_candidates(program=program, viewer=viewer, now=now)
    given = QueryDict(mutable=True)
    for name in LISTED:
        given.setlist(name, getattr(filters, name))
    for name in ("min_years", "min_overlap"):
        if getattr(filters, name):
            given[name] = getattr(filters, name)
    for name in ("has_room", "shares_my_background"):
        if getattr(filters, name):
            given[name] = "on"
    form = DirectoryFilterForm(
        given,
        stack_choices=candidates.stack_choices,
        for_mentee=candidates.for_mentee,
        day=candidates.viewer_day,
    )
    if not form.is_valid():
        lists.refuse_form(form)
    number = lists.page_number_of(filters.cursor, CURSOR_SALT)
    found = directory.directory_page(
        program=program,
        viewer=viewer,
        candidates=candidates,
        filters=form.filters(),
        page=number,
        now=now,
    )
    following = (
        lists.numbered_cursor(found.page.number + 1, CURSOR_SALT) if found.page.has_next() else None
    )
    # A cursor past the last page reads as the last page: give none further.
    return {
        "items": [_card_out(c) for c in found.cards],
        "total": found.total,
        "can_request": access.may_request_mentors(viewer, program),
        "next": following,
    }


class BackgroundOut(Schema):
    field: str
    label: str
    value: str


class MentorProfileOut(Schema):
    mentor: PersonOut
    headline: str
    bio: str
    stack: dict[str, list[str]]  # by kind: languages, frameworks, tools...
    career_stage: str
    years_experience: int
    knowledge_areas: list[str]
    languages: list[str]
    capacity: int
    mentees_now: int
    has_room: bool
    their_local_time: str  # HH:MM in their zone, now
    offset_minutes: int  # their UTC offset minus the caller's
    background: list[BackgroundOut]
    meeting_link: str | None


@router.get(
    "/{slug}/mentors/{user_id}",
    response={200: MentorProfileOut, **ERRORS},
    operation_id="mentor_get",
    summary="One mentor's profile, as their page shows it to the caller",
)
def mentor_get(request: HttpRequest, slug: str, user_id: int) -> Any:
    program = program_for_caller(request, slug)
    page = people.mentor_page(
        program=program, mentor_id=object_id(user_id), viewer=caller(request), now=timezone.now()
    )
    profile = page.profile
    return {
        "mentor": person_out(page.mentor),
        "headline": profile.headline if profile else "",
        "bio": profile.bio if profile else "",
        "stack": {group.label: [t.name for t in group.technologies] for group in page.stack},
        "career_stage": profile.career_stage if profile else "",
        "years_experience": profile.years_experience if profile else 0,
        "knowledge_areas": list(profile.knowledge_areas or []) if profile else [],
        "languages": list(profile.languages or []) if profile else [],
        "capacity": profile.capacity if profile else 0,
        "mentees_now": page.load,
        "has_room": page.has_room,
        "their_local_time": page.zone.local_time,
        "offset_minutes": page.zone.offset_minutes,
        "background": [
            {"field": a.field, "label": str(a.get_field_display()), "value": a.value}
            for a in page.background
        ],
        "meeting_link": (profile.meeting_link or None)
        if profile and page.shows_meeting_link
        else None,
    }
