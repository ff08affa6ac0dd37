"""What matching knows about each person, loaded in a fixed number of queries.

Two layers: frozen dataclasses per person (readable, used for explanations),
and `vectorise`, which turns lists of them into numpy arrays over shared
vocabularies so that scoring is matrix arithmetic, not a loop over pairs.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import chain, repeat
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from django.db.models import (
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from mentora.accounts.choices import CareerStage
from mentora.accounts.models import BackgroundAnswer, MenteeProfile, MentorProfile, Technology
from mentora.programs.models import (
    LIVE_MENTORSHIP_STATUSES,
    EndReason,
    Membership,
    Mentorship,
    MentorshipStatus,
    Program,
    Role,
)
from mentora.scheduling.models import WeeklyHours
from mentora.scheduling.slots import local_to_utc

HOURS_PER_WEEK = 168
# A mentee's "day" when they haven't said: the hours they can reasonably meet, in
# their own zone. A profile's meets_from/meets_until replace it.
MENTEE_DAY = (8, 22)
DEFAULT_DAY = (time(MENTEE_DAY[0]), time(MENTEE_DAY[1]))
# Career stages in order of seniority; the index is the stage's rank.
STAGE_ORDER: tuple[str, ...] = tuple(CareerStage.values)
# Mentee profiles carry no career stage: mentees are students or career changers.
MENTEE_STAGE_RANK = 0
NO_STAGE = -1

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class MenteeFeatures:
    user_id: int
    name: str = ""
    stack: Mapping[int, str] = field(default_factory=dict)  # tag id -> name
    learning: frozenset[int] = frozenset()  # tag ids named in what they learn or aim for
    interests: frozenset[str] = frozenset()  # KnowledgeArea codes
    stage_rank: int = MENTEE_STAGE_RANK
    languages: frozenset[str] = frozenset()
    hours: frozenset[int] = frozenset()  # UTC hour-of-week (0 = Monday 00:00 UTC)
    # Already filtered: empty unless the mentee asked for a shared background.
    background: frozenset[tuple[str, str]] = frozenset()
    wants_shared_background: bool = False
    day: tuple[time, time] = DEFAULT_DAY  # the mentee's own hours, in their zone


@dataclass(frozen=True)
class MentorFeatures:
    user_id: int
    name: str = ""
    stack: Mapping[int, str] = field(default_factory=dict)
    areas: frozenset[str] = frozenset()
    stage_rank: int = NO_STAGE
    years: int = 0
    languages: frozenset[str] = frozenset()
    hours: frozenset[int] = frozenset()
    # Already filtered: only what the mentor shared with the program.
    background: frozenset[tuple[str, str]] = frozenset()
    capacity: int = 0
    load: int = 0

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.load)


# --- building blocks -----------------------------------------------------------


def week_monday(reference: date) -> date:
    return reference - timedelta(days=reference.weekday())


@lru_cache(maxsize=4096)
def utc_hours(zone: str, weekday: int, start: time, end: time, reference: date) -> frozenset[int]:
    """Whole hours of a local weekly range, as UTC hours of the week.

    Converted on the reference week, so daylight saving is as it is that week.
    Only hours fully inside the range count: a session needs the whole hour.
    """
    tz = ZoneInfo(zone)
    day = week_monday(reference) + timedelta(days=weekday)
    origin = datetime.combine(week_monday(reference), time(0), tzinfo=ZoneInfo("UTC"))
    first = start.hour + (1 if (start.minute or start.second) else 0)
    hours = set()
    for hour in range(first, end.hour):
        at = local_to_utc(day, time(hour), tz)
        hours.add(int((at - origin).total_seconds() // 3600) % HOURS_PER_WEEK)
    return frozenset(hours)


@lru_cache(maxsize=1024)
def mentee_day_hours(
    zone: str, reference: date, day: tuple[time, time] = DEFAULT_DAY
) -> frozenset[int]:
    """The whole hours of the mentee's day (`day`, local) every day of the
    reference week, as UTC hours of the week."""
    start, end = day
    hours: set[int] = set()
    for weekday in range(7):
        hours |= utc_hours(zone, weekday, start, end, reference)
    return frozenset(hours)


def mentee_day_of(user_id: int) -> tuple[time, time]:
    """The hours a mentee said they can meet, or the default day without a profile."""
    row = (
        MenteeProfile.objects.filter(user_id=user_id)
        .values_list("meets_from", "meets_until")
        .first()
    )
    return (row[0], row[1]) if row else DEFAULT_DAY


def tags_named_in(text: str, tags: Iterable[Technology]) -> frozenset[int]:
    """Tags whose name appears as a word in free text ("with Python and React")."""
    lowered = text.lower()
    return frozenset(
        t.pk
        for t in tags
        if re.search(rf"(?<![\w+#.]){re.escape(t.name.lower())}(?![\w+#])", lowered)
    )


def stage_rank(stage: str) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else NO_STAGE


# --- loading for a program -----------------------------------------------------


# Mentors to load: a list of ids, or a subquery of the program's (see load_mentors).
MentorIds = Sequence[int] | QuerySet[Any, Any]


def _members(program: Program, role: Role) -> list[int]:
    return list(
        Membership.objects.active()
        .filter(program=program, role=role)
        .values_list("user_id", flat=True)
    )


def _background(user_ids: MentorIds, *, shared_only: bool) -> dict[int, set[tuple[str, str]]]:
    answers = BackgroundAnswer.objects.filter(user_id__in=user_ids).order_by()
    if shared_only:
        answers = answers.visible_to_program()
    found: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for user_id, fld, value in answers.values_list("user_id", "field", "value"):
        found[user_id].add((fld, value.strip().lower()))
    return found


def _education(path: str) -> set[tuple[str, str]]:
    # Education path is public on every profile; it counts as shared background.
    return {("education_path", path)} if path else set()


def load_mentees(
    program: Program, reference: date, user_ids: Sequence[int] | None = None
) -> list[MenteeFeatures]:
    """Active mentees of the program (or the given ones): four queries."""
    ids = list(user_ids) if user_ids is not None else _members(program, Role.MENTEE)
    profiles = (
        MenteeProfile.objects.filter(user_id__in=ids)
        .select_related("user")
        .prefetch_related(Prefetch("stack", queryset=Technology.objects.all()))
    )
    asked = list(profiles)
    background = _background(
        [p.user_id for p in asked if p.wants_shared_background], shared_only=False
    )
    all_tags = list(Technology.objects.all())
    return [
        MenteeFeatures(
            user_id=p.user_id,
            name=p.user.name,
            stack={t.pk: t.name for t in p.stack.all()},
            learning=tags_named_in(f"{p.learning} {p.target_roles}", all_tags),
            interests=frozenset(p.interests),
            languages=frozenset(p.languages),
            hours=mentee_day_hours(p.user.time_zone, reference, (p.meets_from, p.meets_until)),
            day=(p.meets_from, p.meets_until),
            background=frozenset(background.get(p.user_id, set()) | _education(p.education_path))
            if p.wants_shared_background
            else frozenset(),
            wants_shared_background=p.wants_shared_background,
        )
        for p in asked
    ]


def load_mentors(
    program: Program, reference: date, user_ids: Sequence[int] | None = None
) -> list[MentorFeatures]:
    """Active mentors of the program (or the given ones): five flat queries.

    Plain rows, not model instances: the directory and suggestions load every
    mentor of a program, and building thousands of objects would cost far more
    than the scoring. The program's mentors are a subquery, not a list of ids:
    thousands of ids as parameters cost more to build into four queries than the
    queries take. Load counts live mentorships in this program against the
    mentor's capacity.
    """
    ids = _mentor_ids(program, user_ids)
    profiles = _mentor_profiles(program, ids)
    stacks = _mentor_stacks(ids)
    zones = {row[0]: row[2] for row in profiles}
    hours = _weekly_hours(ids, zones, reference)
    background = _background(ids, shared_only=True)
    read = _Interned()
    return [
        MentorFeatures(
            user_id=user_id,
            name=name,
            stack=stacks.get(user_id, {}),
            areas=read.codes(areas),
            stage_rank=read.stage(stage),
            years=years,
            languages=read.codes(languages),
            hours=hours.get(user_id, frozenset()),
            background=read.background(background.get(user_id), education),
            capacity=capacity,
            load=load,
        )
        for user_id, name, _, areas, stage, years, languages, education, capacity, load in profiles
    ]


def _mentor_ids(program: Program, user_ids: Sequence[int] | None) -> MentorIds:
    """The given mentors, else the program's active ones as a subquery."""
    if user_ids is not None:
        return list(user_ids)
    members = Membership.objects.active().filter(program=program, role=Role.MENTOR)
    return members.values("user_id")


ProfileRow = tuple[int, str, str, str, str, int, str, str, int, int]


def _mentor_profiles(program: Program, ids: MentorIds) -> list[ProfileRow]:
    """(user id, name, time zone, areas, stage, years, languages, education,
    capacity, load), by user id: the load order breaks ties between equal names.

    The two lists come as their JSON text, decoded once per distinct text by
    `_Interned`: most mentors share them, and decoding each row's was a tenth
    of the load. The load is a subquery per mentor, not a join grouped by every
    column.
    """
    live = (
        Mentorship.objects.filter(
            mentor_id=OuterRef("user_id"), program=program, status__in=LIVE_MENTORSHIP_STATUSES
        )
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        MentorProfile.objects.filter(user_id__in=ids)
        .annotate(
            areas_json=Cast("knowledge_areas", TextField()),
            languages_json=Cast("languages", TextField()),
            live_load=Coalesce(Subquery(live, output_field=IntegerField()), Value(0)),
        )
        .order_by("user_id")
        .values_list(
            "user_id",
            "user__name",
            "user__time_zone",
            "areas_json",
            "career_stage",
            "years_experience",
            "languages_json",
            "education_path",
            "capacity",
            "live_load",
        )
    )


class _Interned:
    """One load's decoded values, shared between the mentors that have the same:
    each distinct text is decoded once, and equal sets are one object (fewer
    objects to build, and for the garbage collector to walk)."""

    def __init__(self) -> None:
        self._codes: dict[str, frozenset[str]] = {}
        self._stages: dict[str, int] = {}
        self._education: dict[str, frozenset[tuple[str, str]]] = {}

    def codes(self, text: str) -> frozenset[str]:
        found = self._codes.get(text)
        if found is None:
            found = self._codes[text] = frozenset(json.loads(text))
        return found

    def stage(self, stage: str) -> int:
        found = self._stages.get(stage)
        if found is None:
            found = self._stages[stage] = stage_rank(stage)
        return found

    def background(
        self, answers: set[tuple[str, str]] | None, education: str
    ) -> frozenset[tuple[str, str]]:
        if answers:
            return frozenset(answers | _education(education))
        found = self._education.get(education)
        if found is None:
            found = self._education[education] = frozenset(_education(education))
        return found


def _mentor_stacks(ids: MentorIds) -> dict[int, dict[int, str]]:
    """Mentor id -> {tag id: tag name}: the link rows, and the tags' names once each."""
    links = MentorProfile.stack.through.objects.filter(mentorprofile__user_id__in=ids)
    names = dict(Technology.objects.order_by().values_list("pk", "name"))
    stacks: dict[int, dict[int, str]] = defaultdict(dict)
    for user_id, tag_id in links.values_list("mentorprofile__user_id", "technology_id"):
        stacks[user_id][tag_id] = names[tag_id]
    return stacks


def _weekly_hours(
    mentor_ids: MentorIds, zones: Mapping[int, str], reference: date
) -> dict[int, frozenset[int]]:
    """Mentor id -> UTC hours of the week they are available, in one query
    (`zones`: each loaded mentor's time zone; others' rows are skipped).

    Times come as text: mentors share a handful of ranges, so each distinct one
    is parsed and converted once (`_range_hours`), not once per row.
    """
    ranges = (
        WeeklyHours.objects.filter(mentor_id__in=mentor_ids)
        .order_by()  # any order: the hours are a union
        .values_list(
            "mentor_id", "weekday", Cast("start_time", CharField()), Cast("end_time", CharField())
        )
    )
    hours: dict[int, set[int]] = defaultdict(set)
    for mentor_id, weekday, start, end in ranges:
        zone = zones.get(mentor_id)
        if zone is not None:
            hours[mentor_id] |= _range_hours(zone, weekday, start, end, reference)
    return {mentor_id: frozenset(h) for mentor_id, h in hours.items()}


@lru_cache(maxsize=4096)
def _range_hours(zone: str, weekday: int, start: str, end: str, reference: date) -> frozenset[int]:
    """`utc_hours` of a range whose times are the database's text ("09:30:00")."""
    return utc_hours(zone, weekday, time.fromisoformat(start), time.fromisoformat(end), reference)


def not_a_fit_pairs(program: Program) -> set[tuple[int, int]]:
    """(mentee id, mentor id) of pairings in this program that ended as not a fit."""
    return set(
        Mentorship.objects.filter(
            program=program, status=MentorshipStatus.ENDED, end_reason=EndReason.NOT_A_FIT
        ).values_list("mentee_id", "mentor_id")
    )


# --- vectorisation -------------------------------------------------------------


@dataclass(frozen=True)
class MenteeArrays:
    ids: IntArray  # (m,)
    stack_weight: FloatArray  # (m, T): 1 per stack tag, 2 if also being learned
    interests: FloatArray  # (m, A) multi-hot
    stage: IntArray  # (m,)
    languages: FloatArray  # (m, L)
    hours: FloatArray  # (m, 168)
    background: FloatArray  # (m, B), zero rows when not asked

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: IntArray) -> MenteeArrays:
        return MenteeArrays(**_rows_of(self, rows))


@dataclass(frozen=True)
class MentorArrays:
    ids: IntArray  # (n,)
    stack: FloatArray  # (n, T)
    areas: FloatArray  # (n, A)
    stage: IntArray  # (n,)
    years: FloatArray  # (n,)
    languages: FloatArray  # (n, L)
    hours: FloatArray  # (n, 168)
    background: FloatArray  # (n, B)
    free: IntArray  # (n,) capacity left

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: IntArray) -> MentorArrays:
        return MentorArrays(**_rows_of(self, rows))


def _rows_of(arrays: object, rows: IntArray) -> dict[str, Any]:
    """The same rows of every array of a frozen arrays dataclass."""
    return {f.name: getattr(arrays, f.name)[rows] for f in fields(arrays)}  # type: ignore[arg-type]


def _vocabulary(*groups: Iterable[Iterable[object]]) -> dict[object, int]:
    # Each item's column in order of first sight; dict.fromkeys does the walk in C.
    seen = dict.fromkeys(chain.from_iterable(chain.from_iterable(groups)))
    return {item: column for column, item in enumerate(seen)}


def _multi_hot(rows: Sequence[Iterable[object]], vocab: Mapping[object, int]) -> FloatArray:
    # float32 so overlaps are BLAS matrix products; width at least 1 for empty vocabularies.
    # Many people share a set (the same day, the same languages): each distinct set is
    # encoded once, then copied to its rows; the ones are set in one assignment.
    sets = list(map(frozenset, rows))
    distinct = {items: r for r, items in enumerate(dict.fromkeys(sets))}
    which = np.fromiter(map(distinct.__getitem__, sets), dtype=np.int64, count=len(sets))
    sizes = np.fromiter(map(len, distinct), dtype=np.int64, count=len(distinct))
    items = chain.from_iterable(distinct)  # every set's items, set after set
    columns = np.fromiter(map(vocab.get, items, repeat(-1)), dtype=np.int64, count=int(sizes.sum()))
    known = columns >= 0  # items outside the vocabulary have no column
    table = np.zeros((len(distinct), max(1, len(vocab))), dtype=np.float32)
    table[np.repeat(np.arange(len(distinct)), sizes)[known], columns[known]] = 1.0
    return table[which]


def _stack_weights(mentees: Sequence[MenteeFeatures], vocab: Mapping[object, int]) -> FloatArray:
    # What the mentee is learning counts double, even if it isn't in their stack yet.
    stack = _multi_hot([m.stack.keys() for m in mentees], vocab)
    learning = _multi_hot([m.learning for m in mentees], vocab)
    return np.maximum(stack, 2.0 * learning)


def vectorise(
    mentees: Sequence[MenteeFeatures], mentors: Sequence[MentorFeatures]
) -> tuple[MenteeArrays, MentorArrays]:
    tags = _vocabulary([m.stack.keys() for m in mentees], [m.learning for m in mentees])
    areas = _vocabulary([m.interests for m in mentees])
    langs = _vocabulary([m.languages for m in mentees], [m.languages for m in mentors])
    # Only answers some mentee asked to match on can ever count.
    background = _vocabulary([m.background for m in mentees])
    hours = {h: h for h in range(HOURS_PER_WEEK)}
    return (
        MenteeArrays(
            ids=np.array([m.user_id for m in mentees], dtype=np.int64),
            stack_weight=_stack_weights(mentees, tags),
            interests=_multi_hot([m.interests for m in mentees], areas),
            stage=np.array([m.stage_rank for m in mentees], dtype=np.int64),
            languages=_multi_hot([m.languages for m in mentees], langs),
            hours=_multi_hot([m.hours for m in mentees], hours),  # type: ignore[arg-type]
            background=_multi_hot([m.background for m in mentees], background),
        ),
        MentorArrays(
            ids=np.array([m.user_id for m in mentors], dtype=np.int64),
            stack=_multi_hot([m.stack.keys() for m in mentors], tags),
            areas=_multi_hot([m.areas for m in mentors], areas),
            stage=np.array([m.stage_rank for m in mentors], dtype=np.int64),
            years=np.array([m.years for m in mentors], dtype=np.float32),
            languages=_multi_hot([m.languages for m in mentors], langs),
            hours=_multi_hot([m.hours for m in mentors], hours),  # type: ignore[arg-type]
            background=_multi_hot([m.background for m in mentors], background),
            free=np.array([m.free for m in mentors], dtype=np.int64),
        ),
    )
