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
After commit the worker is also asked to load the pool again (`pool_rebuild`,
one waiting task per program however many changes), so the next request
usually finds it warm instead of paying the load. Only with a cache shared
between processes (Redis): with local memory the worker's load would stay in the
worker, so nothing is queued and the next request loads, as it always did.

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

import gc
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

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
    names = [m.name for m in mentors]
    by_name = sorted(range(len(mentors)), key=names.__getitem__)  # stable: ties in load order
    name_rank = np.empty(len(mentors), dtype=np.int64)
    name_rank[by_name] = np.arange(len(mentors), dtype=np.int64)
    listed = [(name.lower(), m.user_id) for name, m in zip(names, mentors, strict=True)]
    alphabetical = sorted(range(len(mentors)), key=listed.__getitem__)
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


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No garbage collection while a pool is loaded and built, or unpickled.

    Either allocates tens of thousands of small objects, enough to set off many
    collections, and every few a full one walks every object the process holds:
    in a busy process that costs more than the build. The pool's objects hold no
    cycles; anything the queries leave is collected once the collector runs
    again, after. Only re-enabled if it was enabled, so a caller that paused it
    keeps it paused.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _pool_key(program_id: int, reference: date) -> str:
    monday = week_monday(reference).isoformat()
    return f"matching:mentor-pool:{program_id}:{_version(program_id)}:{monday}"


def _stored(key: str) -> MentorPool | None:
    with _collection_paused():  # unpickling builds as many objects as loading
        pool: MentorPool | None = cache.get(key)
    return pool if _fresh(pool) else None


def _pool_load(program: Program, reference: date, key: str) -> MentorPool:
    """Load and build the pool (five queries) and store it under `key`."""
    with _collection_paused():
        pool = pool_build(load_mentors(program, reference))
    cache.set(key, pool, POOL_SECONDS)
    return pool


def mentor_pool(program: Program, reference: date) -> MentorPool:
    """The program's active mentors for the reference week, from the cache if it holds
    them at the current version, else loaded (five queries) and stored."""
    key = _pool_key(program.pk, reference)
    pool = _remembered(key)
    if not _fresh(pool):
        pool = _stored(key) or _pool_load(program, reference, key)
        _remember(key, pool)
    assert pool is not None
    return pool


def program_mentors_changed(program_ids: Collection[int]) -> None:
    """Forget these programs' pools: now, and again once the transaction commits;
    then have the worker load them again (`pool_rebuild`)."""
    ids = sorted(set(program_ids))
    if not ids:
        return

    def bump() -> None:
        cache.set_many({_version_key(pk): uuid.uuid4().hex for pk in ids}, None)

    bump()
    transaction.on_commit(bump)
    # After the second bump (callbacks run in order); robust: a queue that fails
    # only leaves the load to the next request.
    transaction.on_commit(lambda: _rebuilds_queue(ids), robust=True)


# --- the worker loads it again ---------------------------------------------------------


def _shared() -> bool:
    # Local memory is one process's: a pool the worker loaded there would help no request.
    return not isinstance(caches[DEFAULT_CACHE_ALIAS], LocMemCache | DummyCache)


def _rebuilds_queue(program_ids: Sequence[int]) -> None:
    """Queue a `pool_rebuild` for each program that hasn't one waiting (one query,
    plus one per task queued): a hundred edits in a row queue one load, not a hundred.
    A rebuild already running may have read the rows before this change, so only
    waiting ones count."""
    if not _shared():
        return
    waiting = DBTaskResult.objects.ready().filter(task_path=pool_rebuild.module_path)
    queued = {row["args"][0] for row in waiting.values_list("args_kwargs", flat=True)}
    for program_id in program_ids:
        if program_id not in queued:
            pool_rebuild.enqueue(program_id)


@task()
def pool_rebuild(program_id: int) -> bool:
    """The worker's: load the program's pool for this week into the shared cache, so
    the first request after a change finds it warm. True if it loaded it; False if
    the pool was already there or the program is gone. Not retried: a rebuild that
    failed leaves the load to the next request, as without the worker."""
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        return False
    reference = timezone.now().date()  # the week the directory asks for (now.date())
    key = _pool_key(program_id, reference)
    if _stored(key) is not None:
        return False
    _pool_load(program, reference, key)
    return True


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
