"""The mentor directory for one mentee over 2,000 mentors (target: 50 ms).

The program comes from `manage.py seed` (2,000 mentors with their stacks and
areas) with weekly hours added in bulk (bench/openings.py's). Timed: what the
directory page computes, the candidates ranked by fit and the first page of
cards, for one mentee. Warm: the program's mentor pool is in the cache (the
usual request). Cold: the cache is emptied before each call, so the mentors are
loaded and vectorised again (the first request after a change with nothing to
rebuild it). Rebuilt: a change is announced and the worker's `pool_rebuild` has
run, and the request comes from another process (it remembers no pool, so it
reads the cache): the first request after a change when the worker keeps up.

The tables are analysed after seeding, as autovacuum would have done on a
database in use: straight after a bulk insert PostgreSQL has no statistics and
plans the mentor queries as nested loops over one row.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.openings import people, seed, weekly_hours
from bench.report import Result, time_ms
from mentora.accounts.models import User
from mentora.matching.engine import cache as pool_cache
from mentora.matching.engine.cache import pool_rebuild, program_mentors_changed
from mentora.matching.mentor_requests.directory import Filters, directory_candidates, directory_page
from mentora.programs.models import Program, Role

REPEAT = 20
TARGET_MS = 50.0


def build() -> tuple[Program, User]:
    program = seed()
    weekly_hours(people(program, Role.MENTOR), random.Random(1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    mentee_id = people(program, Role.MENTEE)[0][0]
    return program, User.objects.get(pk=mentee_id)


def time_after(
    prepare: Callable[[], object], fn: Callable[[], object], *, repeat: int
) -> list[float]:
    """Milliseconds of `repeat` calls of `fn`, each after an untimed `prepare`."""
    timings = []
    for _ in range(repeat):
        prepare()
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def run() -> list[Result]:
    program, mentee = build()
    now = timezone.now()

    def directory() -> int:
        candidates = directory_candidates(program=program, viewer=mentee, now=now)
        found = directory_page(
            program=program,
            viewer=mentee,
            candidates=candidates,
            filters=Filters(),
            page=1,
            now=now,
        )
        return len([c.why for c in found.cards])  # the page's reasons are worded too

    def cold() -> int:
        cache.clear()
        return directory()

    def change_rebuilt() -> None:
        program_mentors_changed([program.pk])  # what a profile edit announces
        pool_rebuild.call(program.pk)  # the worker's, from the queue
        pool_cache._memo.clear()  # the request's process remembers nothing

    cache.clear()
    with CaptureQueriesContext(connection) as cold_queries:
        directory()
    with CaptureQueriesContext(connection) as warm_queries:
        directory()
    mentors = len(people(program, Role.MENTOR))
    cold_ms = time_ms(cold, repeat=REPEAT // 2, warmup=1)  # ten: collections make it jumpy
    warm_ms = time_ms(directory, repeat=REPEAT, warmup=2)
    change_rebuilt()
    with CaptureQueriesContext(connection) as rebuilt_queries:
        directory()
    rebuilt_ms = time_after(change_rebuilt, directory, repeat=REPEAT // 2)
    return [
        Result(
            name=f"directory, {mentors:,} mentors, warm",
            timings_ms=warm_ms,
            target_ms=TARGET_MS,
            judged_by="median",
            note=f"mentor pool cached; {len(warm_queries.captured_queries)} queries",
        ),
        Result(
            name=f"directory, {mentors:,} mentors, rebuilt",
            timings_ms=rebuilt_ms,
            target_ms=TARGET_MS,
            judged_by="median",
            note=(
                "after a change, once the worker rebuilt the pool (read from the cache); "
                f"{len(rebuilt_queries.captured_queries)} queries"
            ),
        ),
        Result(
            name=f"directory, {mentors:,} mentors, cold",
            timings_ms=cold_ms,
            target_ms=TARGET_MS,
            judged_by="median",
            note=(
                "cache emptied before each call (mentors loaded and vectorised); "
                f"{len(cold_queries.captured_queries)} queries"
            ),
        ),
    ]
