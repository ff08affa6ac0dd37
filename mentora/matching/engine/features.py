"""What matching knows about each person, loaded in a fixed number of queries.

Two layers: frozen dataclasses per person (readable, used for explanations),
and `vectorise`, which turns lists of them into numpy arrays over shared
vocabularies so that scoring is matrix arithmetic, not a loop over pairs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from django.db.models import Count, Prefetch, Q

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


def _members(program: Program, role: Role) -> list[int]:
    return list(
        Membership.objects.active()
        .filter(program=program, role=role)
        .values_list("user_id", flat=True)
    )


def _background(user_ids: Sequence[int], *, shared_only: bool) -> dict[int, set[tuple[str, str]]]:
    answers = BackgroundAnswer.objects.filter(user_id__in=user_ids)
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
    than the scoring. Load counts live mentorships in this program against the
    mentor's capacity.
    """
    ids = list(user_ids) if user_ids is not None else _members(program, Role.MENTOR)
    live = Q(
        user__mentorships_as_mentor__program=program,
        user__mentorships_as_mentor__status__in=LIVE_MENTORSHIP_STATUSES,
    )
    profiles = list(
        MentorProfile.objects.filter(user_id__in=ids)
        .values(
            "pk",
            "user_id",
            "user__name",
            "user__time_zone",
            "knowledge_areas",
            "career_stage",
            "years_experience",
            "languages",
            "education_path",
            "capacity",
        )
        .annotate(live_load=Count("user__mentorships_as_mentor", filter=live))
    )
    found = [p["user_id"] for p in profiles]
    stacks = _mentor_stacks([p["pk"] for p in profiles])
    hours = _weekly_hours(found, reference)
    background = _background(found, shared_only=True)
    return [
        MentorFeatures(
            user_id=p["user_id"],
            name=p["user__name"],
            stack=stacks.get(p["pk"], {}),
            areas=frozenset(p["knowledge_areas"]),
            stage_rank=stage_rank(p["career_stage"]),
            years=p["years_experience"],
            languages=frozenset(p["languages"]),
            hours=hours.get(p["user_id"], frozenset()),
            background=frozenset(
                background.get(p["user_id"], set()) | _education(p["education_path"])
            ),
            capacity=p["capacity"],
            load=p["live_load"],
        )
        for p in profiles
    ]


def _mentor_stacks(profile_ids: Sequence[int]) -> dict[int, dict[int, str]]:
    """Profile id -> {tag id: tag name}, in one query over the link table."""
    links = MentorProfile.stack.through.objects.filter(mentorprofile_id__in=profile_ids)
    stacks: dict[int, dict[int, str]] = defaultdict(dict)
    for profile_id, tag_id, name in links.values_list(
        "mentorprofile_id", "technology_id", "technology__name"
    ):
        stacks[profile_id][tag_id] = name
    return stacks


def _weekly_hours(mentor_ids: Sequence[int], reference: date) -> dict[int, frozenset[int]]:
    """Mentor id -> UTC hours of the week they are available, in one query."""
    ranges = WeeklyHours.objects.filter(mentor_id__in=mentor_ids).values_list(
        "mentor_id", "mentor__time_zone", "weekday", "start_time", "end_time"
    )
    hours: dict[int, set[int]] = defaultdict(set)
    for mentor_id, zone, weekday, start, end in ranges:
        hours[mentor_id] |= utc_hours(zone, weekday, start, end, reference)
    return {mentor_id: frozenset(h) for mentor_id, h in hours.items()}


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
    seen: dict[object, int] = {}
    for group in groups:
        for items in group:
            for item in items:
                seen.setdefault(item, len(seen))
    return seen


def _multi_hot(rows: Sequence[Iterable[object]], vocab: Mapping[object, int]) -> FloatArray:
    # float32 so overlaps are BLAS matrix products; width at least 1 for empty vocabularies.
    # Many people share a set (the same day, the same languages): each distinct set is
    # encoded once, then copied to its rows.
    distinct: dict[frozenset[object], int] = {}
    which = np.fromiter(
        (distinct.setdefault(frozenset(items), len(distinct)) for items in rows),
        dtype=np.int64,
        count=len(rows),
    )
    table = np.zeros((len(distinct), max(1, len(vocab))), dtype=np.float32)
    for r, items in enumerate(distinct):
        table[r, [vocab[i] for i in items if i in vocab]] = 1.0
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
