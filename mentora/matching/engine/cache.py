"""Each program's mentors as matching sees them, kept between requests.

The directory ranks one mentee against every active mentor of the program.
Loading and vectorising those mentors is most of that work, and it only changes
when a mentor's profile, capacity, weekly hours or membership does, or a
mentorship starts or ends (a mentor's load). So a program's pool (the features
`load_mentors` loads and their arrays over the mentors' own vocabularies) is
kept in Django's cache (local memory, or Redis with MENTORA_REDIS_URL, shared
between processes) under a per-program version token; `program_mentors_changed`
replaces the token, so the next request loads afresh. The services announce
changes through `accounts.hooks.mentor_features_changed` and matching's own
mentorship hooks; `connect_listeners` (MatchingConfig.ready) listens.

The token is replaced at once and again after commit: at once so the writer's
own transaction (and a test's) sees the change, after commit because a request
that read the old rows meanwhile may have stored them under the first new token.

Only what `load_mentors` loads is cached: background answers a mentor keeps
private are never loaded, so never cached. Each process also remembers the
pools it used last, checked against the shared token on every request, so a
warm request doesn't even unpickle. A pool expires after POOL_SECONDS: with the
local-memory cache each process has its own tokens, so an invalidation in one
process reaches the others only then (run several processes with Redis). Time
off and date overrides don't enter matching (weekly hours only), so they don't
invalidate anything.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import transaction

from mentora.accounts import hooks as account_hooks
from mentora.matching import hooks as matching_hooks
from mentora.matching.engine.features import (
    HOURS_PER_WEEK,
    FloatArray,
    IntArray,
    MenteeArrays,
    MenteeFeatures,
    MentorArrays,
    MentorFeatures,
    _multi_hot,
    _stack_weights,
    _vocabulary,
    load_mentors,
    week_monday,
)
from mentora.programs.models import Membership, Mentorship, Program, Role

POOL_SECONDS = 300
MEMO_SIZE = 8  # pools a process keeps unpickled (a few programs, a week boundary)
HOURS = {h: h for h in range(HOURS_PER_WEEK)}

Vocabulary = Mapping[object, int]


@dataclass(frozen=True)
class MentorPool:
    """A program's active mentors for one reference week, loaded and vectorised."""

    mentors: tuple[MentorFeatures, ...]
    arrays: MentorArrays  # row j is mentors[j], columns over the vocabularies below
    tags: Vocabulary
    areas: Vocabulary
    languages: Vocabulary
    background: Vocabulary
    name_rank: IntArray  # each mentor's place in name order (equal names: load order)
    alphabetical: tuple[int, ...]  # indices by (lower-case name, user id): the unranked list
    loaded_at: float  # time.time(), for POOL_SECONDS


def pool_build(mentors: Sequence[MentorFeatures]) -> MentorPool:
    """The pool of these mentors: arrays over vocabularies of what they hold."""
    tags = _vocabulary([m.stack.keys() for m in mentors])
    areas = _vocabulary([m.areas for m in mentors])
    languages = _vocabulary([m.languages for m in mentors])
    background = _vocabulary([m.background for m in mentors])
    arrays = MentorArrays(
        ids=np.array([m.user_id for m in mentors], dtype=np.int64),
        stack=_multi_hot([m.stack.keys() for m in mentors], tags),
        areas=_multi_hot([m.areas for m in mentors], areas),
        stage=np.array([m.stage_rank for m in mentors], dtype=np.int64),
        years=np.array([m.years for m in mentors], dtype=np.float32),
        languages=_multi_hot([m.languages for m in mentors], languages),
        hours=_multi_hot([m.hours for m in mentors], HOURS),  # type: ignore[arg-type]
        background=_multi_hot([m.background for m in mentors], background),
        free=np.array([m.free for m in mentors], dtype=np.int64),
    )
    by_name = sorted(range(len(mentors)), key=lambda j: mentors[j].name)
    name_rank = np.empty(len(mentors), dtype=np.int64)
    name_rank[by_name] = np.arange(len(mentors), dtype=np.int64)
    alphabetical = sorted(
        range(len(mentors)), key=lambda j: (mentors[j].name.lower(), mentors[j].user_id)
    )
    return MentorPool(
        mentors=tuple(mentors),
        arrays=arrays,
        tags=tags,
        areas=areas,
        languages=languages,
        background=background,
        name_rank=name_rank,
        alphabetical=tuple(alphabetical),
        loaded_at=time.time(),
    )


# --- one mentee against a pool ---------------------------------------------------------


def _extend(vocab: Vocabulary, *groups: Iterable[object]) -> Vocabulary:
    """The pool's vocabulary, with the mentee's items it lacks appended (a copy only then)."""
    extra = [item for group in groups for item in group if item not in vocab]
    if not extra:
        return vocab
    grown = dict(vocab)
    for item in extra:
        grown.setdefault(item, len(grown))
    return grown


def _widen(array: FloatArray, vocab: Vocabulary) -> FloatArray:
    # Mentor columns for items only the mentee has: zeros, so every overlap is unchanged.
    width = max(1, len(vocab))
    if array.shape[1] >= width:
        return array
    return np.pad(array, ((0, 0), (0, width - array.shape[1])))


def pool_vectorise(mentee: MenteeFeatures, pool: MentorPool) -> tuple[MenteeArrays, MentorArrays]:
    """One mentee and the pool's mentors over shared vocabularies.

    The same overlaps as `features.vectorise([mentee], pool.mentors)`: a column
    only one side holds adds nothing to a product, and the mentee's own items all
    stay (their sums saturate the factors); the values are small whole numbers, so
    float32 gives exactly the same scores.
    """
    tags = _extend(pool.tags, mentee.stack.keys(), mentee.learning)
    areas = _extend(pool.areas, mentee.interests)
    languages = _extend(pool.languages, mentee.languages)
    background = _extend(pool.background, mentee.background)
    mentee_arrays = MenteeArrays(
        ids=np.array([mentee.user_id], dtype=np.int64),
        stack_weight=_stack_weights([mentee], tags),
        interests=_multi_hot([mentee.interests], areas),
        stage=np.array([mentee.stage_rank], dtype=np.int64),
        languages=_multi_hot([mentee.languages], languages),
        hours=_multi_hot([mentee.hours], HOURS),  # type: ignore[arg-type]
        background=_multi_hot([mentee.background], background),
    )
    a = pool.arrays
    mentor_arrays = replace(
        a,
        stack=_widen(a.stack, tags),
        areas=_widen(a.areas, areas),
        languages=_widen(a.languages, languages),
        background=_widen(a.background, background),
    )
    return mentee_arrays, mentor_arrays


# --- the cache -------------------------------------------------------------------------

_memo: OrderedDict[str, MentorPool] = OrderedDict()
_memo_lock = threading.Lock()


def _version_key(program_id: int) -> str:
    return f"matching:mentor-pool:version:{program_id}"


def _version(program_id: int) -> str:
    key = _version_key(program_id)
    token = cache.get(key)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(key, token, None):  # another process was first: use theirs
            token = cache.get(key) or token
    return str(token)


def _fresh(pool: MentorPool | None) -> bool:
    return pool is not None and time.time() - pool.loaded_at < POOL_SECONDS


def _remembered(key: str) -> MentorPool | None:
    with _memo_lock:
        pool = _memo.get(key)
        if pool is not None:
            _memo.move_to_end(key)
        return pool


def _remember(key: str, pool: MentorPool) -> None:
    with _memo_lock:
        _memo[key] = pool
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)


def mentor_pool(program: Program, reference: date) -> MentorPool:
    """The program's active mentors for the reference week, from the cache if it holds
    them at the current version, else loaded (five queries) and stored."""
    monday = week_monday(reference).isoformat()
    key = f"matching:mentor-pool:{program.pk}:{_version(program.pk)}:{monday}"
    pool = _remembered(key)
    if not _fresh(pool):
        pool = cache.get(key)
        if not _fresh(pool):
            pool = pool_build(load_mentors(program, reference))
            cache.set(key, pool, POOL_SECONDS)
        _remember(key, pool)  # type: ignore[arg-type]
    assert pool is not None
    return pool


def program_mentors_changed(program_ids: Collection[int]) -> None:
    """Forget these programs' pools: now, and again once the transaction commits."""
    ids = sorted(set(program_ids))
    if not ids:
        return

    def bump() -> None:
        cache.set_many({_version_key(pk): uuid.uuid4().hex for pk in ids}, None)

    bump()
    transaction.on_commit(bump)


# --- listeners -------------------------------------------------------------------------


def _mentor_features_changed(user_ids: Collection[int], **_: Any) -> None:
    # Every program they mentor in, whatever the membership's status: leaving one counts.
    programs = Membership.objects.filter(user_id__in=list(user_ids), role=Role.MENTOR)
    program_mentors_changed(set(programs.values_list("program_id", flat=True)))


def _mentorship_changed(mentorship: Mentorship, **_: Any) -> None:
    program_mentors_changed([mentorship.program_id])  # the mentor's load


def _mentorships_started(mentorships: Sequence[Mentorship], **_: Any) -> None:
    program_mentors_changed({m.program_id for m in mentorships})


def connect_listeners() -> None:
    account_hooks.mentor_features_changed.connect(_mentor_features_changed)
    matching_hooks.mentorship_started.connect(_mentorship_changed)
    matching_hooks.mentorship_ended.connect(_mentorship_changed)
    matching_hooks.mentorships_started_many.connect(_mentorships_started)
