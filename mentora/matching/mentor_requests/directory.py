"""The mentor directory: a program's mentors, filtered, sorted by fit to the
viewing mentee, one page at a time, each with a one-line "why".

Everything is read from the program's mentor pool (`engine.cache.mentor_pool`:
what `features.load_mentors` loads, cached until a service says a mentor
changed; ranked through `suggestions.ranked_for_directory` for a mentee), so the
directory filters on the same facts the fit score uses, and a mentor's
background is only ever what they shared with the program: answers kept private
are not loaded at all, so they can't leak into a filter, a card or a reason, nor
into the cache. A fixed number of queries, whatever the number of mentors (the
mentors' own five only when the pool isn't cached). Whether the viewer browses
as a mentee (by fit, with their overlap) is `access.browses_as_mentee`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time

from django.core.paginator import Page, Paginator

from mentora.accounts.choices import EducationPath
from mentora.accounts.models import BackgroundAnswer, MentorProfile, User
from mentora.matching import access
from mentora.matching.engine.cache import mentor_pool
from mentora.matching.engine.features import (
    DEFAULT_DAY,
    NO_STAGE,
    STAGE_ORDER,
    MentorFeatures,
    mentee_day_hours,
    mentee_day_of,
)
from mentora.matching.engine.suggestions import PoolRanking, RankedMentor, ranked_for_directory
from mentora.matching.mentor_requests.queries import pending
from mentora.programs.models import Program

PER_PAGE = 10
EDUCATION = "education_path"


@dataclass(frozen=True)
class Filters:
    """What a viewer narrowed the directory to; empty means "any"."""

    stack: frozenset[int] = frozenset()  # knows all of these tags
    areas: frozenset[str] = frozenset()  # knows all of these areas
    stages: frozenset[str] = frozenset()  # at one of these career stages
    min_years: int | None = None
    education: frozenset[str] = frozenset()  # learned one of these ways
    languages: frozenset[str] = frozenset()  # speaks one of these
    min_overlap: int | None = None  # hours a week inside the viewing mentee's day
    has_room: bool = False
    background: frozenset[str] = frozenset()  # yes-answers shared with the program
    shares_my_background: bool = False  # same answer as the viewer, shared with the program


def _stage(mentor: MentorFeatures) -> str:
    return STAGE_ORDER[mentor.stage_rank] if mentor.stage_rank != NO_STAGE else ""


def _education(mentor: MentorFeatures) -> set[str]:
    return {value for fld, value in mentor.background if fld == EDUCATION}


def _answers(mentor: MentorFeatures) -> set[tuple[str, str]]:
    return {pair for pair in mentor.background if pair[0] != EDUCATION}


def matches(
    mentor: MentorFeatures,
    filters: Filters,
    *,
    viewer_hours: frozenset[int],
    viewer_background: frozenset[tuple[str, str]],
) -> bool:
    """Whether one mentor passes every filter."""
    f = filters
    return (
        f.stack <= mentor.stack.keys()
        and f.areas <= mentor.areas
        and (not f.stages or _stage(mentor) in f.stages)
        and (f.min_years is None or mentor.years >= f.min_years)
        and (not f.education or bool(_education(mentor) & f.education))
        and (not f.languages or bool(mentor.languages & f.languages))
        and (f.min_overlap is None or len(viewer_hours & mentor.hours) >= f.min_overlap)
        and (not f.has_room or mentor.free > 0)
        and all((code, "yes") in mentor.background for code in f.background)
        and (not f.shares_my_background or bool(_answers(mentor) & viewer_background))
    )


@dataclass(frozen=True)
class Card:
    """One mentor in the directory."""

    mentor: MentorFeatures
    profile: MentorProfile
    why: str  # empty when the viewer isn't a mentee (nothing to fit against)
    overlap_hours: int | None
    requested: bool  # the viewing mentee has an open request to them

    @property
    def has_room(self) -> bool:
        return self.mentor.free > 0

    @property
    def stack_names(self) -> list[str]:
        return sorted(self.mentor.stack.values(), key=str.lower)

    @property
    def education_label(self) -> str:
        paths = sorted(_education(self.mentor))
        return EducationPath(paths[0]).label if paths and paths[0] in EducationPath.values else ""


@dataclass(frozen=True)
class Candidates:
    """Every mentor the viewer may browse, in the order the directory lists them."""

    mentors: list[MentorFeatures]
    ranked: Mapping[int, RankedMentor]  # by mentor id; empty unless sorted by fit
    for_mentee: bool  # the viewer is a mentee here: overlap and fit are theirs
    viewer_hours: frozenset[int]
    viewer_background: frozenset[tuple[str, str]]
    viewer_day: tuple[time, time] = DEFAULT_DAY  # the viewing mentee's own hours

    @property
    def stack_choices(self) -> list[tuple[str, str]]:
        """(tag id, name) of every tag some mentor here lists, for the filter."""
        tags: dict[int, str] = {}
        for mentor in self.mentors:
            tags.update(mentor.stack)
        return [(str(pk), name) for pk, name in sorted(tags.items(), key=lambda t: t[1].lower())]


@dataclass(frozen=True)
class Directory:
    page: Page[MentorFeatures]  # for the pager
    cards: list[Card]  # the mentors on this page
    total: int  # mentors matching the filters
    candidates: Candidates


def _own_background(viewer: User) -> frozenset[tuple[str, str]]:
    # The viewer's own answers, all of them: they are the owner. Only mentors'
    # shared answers are compared against them.
    rows = BackgroundAnswer.objects.filter(user=viewer).values_list("field", "value")
    return frozenset((fld, value.strip().lower()) for fld, value in rows)


def directory_candidates(*, program: Program, viewer: User, now: datetime) -> Candidates:
    """The program's mentors for `viewer`: by fit for a mentee, else by name."""
    reference = now.date()
    for_mentee = access.browses_as_mentee(viewer, program)
    day = mentee_day_of(viewer.pk) if for_mentee else DEFAULT_DAY
    ranking = ranked_for_directory(program, viewer.pk, reference) if for_mentee else None
    if ranking:
        mentors = ranking.mentors
    else:  # staff, mentors, and a mentee without a profile yet: alphabetical
        pool = mentor_pool(program, reference)
        mentors = [pool.mentors[j] for j in pool.alphabetical]
    return Candidates(
        mentors=[m for m in mentors if m.user_id != viewer.pk],
        ranked=ranking or {},
        for_mentee=for_mentee,
        viewer_hours=mentee_day_hours(viewer.time_zone, reference, day)
        if for_mentee
        else frozenset(),
        viewer_day=day,
        viewer_background=_own_background(viewer) if for_mentee else frozenset(),
    )


def directory_page(
    *,
    program: Program,
    viewer: User,
    candidates: Candidates,
    filters: Filters,
    page: str | int | None,
    now: datetime,
) -> Directory:
    """One page of the candidates that pass the filters (junk page numbers read as 1)."""
    c = candidates
    found = (
        [
            m
            for m in c.mentors
            if matches(
                m, filters, viewer_hours=c.viewer_hours, viewer_background=c.viewer_background
            )
        ]
        if filters != Filters()
        else c.mentors
    )
    shown = Paginator(found, PER_PAGE).get_page(page)
    on_page: list[MentorFeatures] = list(shown.object_list)
    on_ids = [m.user_id for m in on_page]
    # With the person (their zone, for the API's answer): the same one query.
    on_profiles = MentorProfile.objects.filter(user_id__in=on_ids).select_related("user")
    profiles = {p.user_id: p for p in on_profiles}
    requested = (
        set(pending(program, now).filter(mentee=viewer).values_list("mentor_id", flat=True))
        if c.for_mentee
        else set()
    )
    ranked = c.ranked.worded(on_ids) if isinstance(c.ranked, PoolRanking) else c.ranked
    cards = [
        Card(
            mentor=m,
            profile=profiles[m.user_id],
            why=ranked[m.user_id].why if m.user_id in ranked else "",
            overlap_hours=len(c.viewer_hours & m.hours) if c.for_mentee else None,
            requested=m.user_id in requested,
        )
        for m in on_page
    ]
    return Directory(page=shown, cards=cards, total=len(found), candidates=c)
