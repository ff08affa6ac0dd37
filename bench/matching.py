"""Bulk matching in blocks (issue 18): a cohort and a national program.

- 10,000 mentees to 2,000 mentors with capacities 1 to 8, timed end to end from
  features already in memory: vectorise, score in blocks, match, and an
  explanation (with words) for every proposed pair (target: 1.5 s, 500 MiB).
- 100,000 mentees to 20,000 mentors, the same work (target: 60 s, 4 GiB).

Each runs in its own process, so its peak RSS (ru_maxrss, the whole process:
Python, Django and the generated people included) is its own; the cohort's
peak of traced allocations during one match (tracemalloc) is given too, and
the CPU time (all threads), which a loaded machine changes less than the wall
clock: the note gives the load average.
Loading from the database is not timed here; it is a fixed number of queries.

A smaller instance from the same generator is also solved exactly (dense
linear_sum_assignment over one column per mentor seat) to measure what
pruning each side to its best candidates costs (target: within 0.1%).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from bench.report import Result
from mentora.accounts.choices import BackgroundField, EducationPath, KnowledgeArea, SpokenLanguage
from mentora.matching.engine.assignment import match_in_blocks
from mentora.matching.engine.features import MenteeFeatures, MentorFeatures, vectorise
from mentora.matching.engine.scoring import RowScorer, Weights, explain_pairs, score_matrix

SEED = 20270401
MENTEES, MENTORS = 10_000, 2_000
NATIONAL_MENTEES, NATIONAL_MENTORS = 100_000, 20_000
SMALL_MENTEES, SMALL_MENTORS = 2_000, 400
TAGS = 60
REPEAT = 3
TARGET_MS = 1500.0
TARGET_MIB = 500.0
NATIONAL_TARGET_MS = 60_000.0
NATIONAL_TARGET_MIB = 4096.0
TARGET_GAP = 0.1  # percent
# UTC offsets (hours) people live at, weighted towards Europe and the Americas.
OFFSETS = np.array([-8, -5, -3, 0, 1, 2, 3, 5, 8, 9])
OFFSET_WEIGHTS = np.array([0.08, 0.15, 0.07, 0.1, 0.3, 0.12, 0.05, 0.06, 0.04, 0.03])
AREAS = list(KnowledgeArea.values)
LANGUAGES = list(SpokenLanguage.values)
LANGUAGE_WEIGHTS = np.array([0.5] + [0.5 / (len(LANGUAGES) - 1)] * (len(LANGUAGES) - 1))
TAG_NAMES = {t: f"Tech{t}" for t in range(TAGS)}
# Popular tags are much more common, as Python and JavaScript are.
TAG_WEIGHTS = 1.0 / np.arange(1, TAGS + 1)
TAG_WEIGHTS /= TAG_WEIGHTS.sum()


def _pick(
    rng: np.random.Generator,
    pool: Sequence[Any],
    k: int,
    p: npt.NDArray[np.float64] | None = None,
) -> list[Any]:
    return list(rng.choice(np.array(pool, dtype=object), size=k, replace=False, p=p))


def _week(offset: int, ranges: Sequence[tuple[int, int, int]]) -> frozenset[int]:
    """Local (weekday, start hour, end hour) ranges as UTC hours of the week."""
    return frozenset(
        (d * 24 + h - offset) % 168 for d, start, end in ranges for h in range(start, end)
    )


def _background(rng: np.random.Generator) -> frozenset[tuple[str, str]]:
    answers = {("education_path", str(rng.choice(EducationPath.values)))}
    for fld in (BackgroundField.FIRST_IN_FAMILY, BackgroundField.CAREER_CHANGER):
        if rng.random() < 0.25:
            answers.add((str(fld), "yes"))
    return frozenset(answers)


def mentee(rng: np.random.Generator, user_id: int) -> MenteeFeatures:
    stack = _pick(rng, range(TAGS), int(rng.integers(1, 6)), TAG_WEIGHTS)
    wants = bool(rng.random() < 0.3)
    return MenteeFeatures(
        user_id=user_id,
        stack={int(t): TAG_NAMES[int(t)] for t in stack},
        learning=frozenset(int(t) for t in stack[: int(rng.integers(0, 3))]),
        interests=frozenset(_pick(rng, AREAS, int(rng.integers(1, 4)))),
        languages=frozenset(_pick(rng, LANGUAGES, int(rng.integers(1, 3)), LANGUAGE_WEIGHTS)),
        hours=_week(int(rng.choice(OFFSETS, p=OFFSET_WEIGHTS)), [(d, 8, 22) for d in range(7)]),
        background=_background(rng) if wants else frozenset(),
        wants_shared_background=wants,
    )


def mentor(rng: np.random.Generator, user_id: int) -> MentorFeatures:
    days = rng.choice(7, size=int(rng.integers(1, 5)), replace=False)
    start = int(rng.integers(7, 20))
    return MentorFeatures(
        user_id=user_id,
        stack={
            int(t): TAG_NAMES[int(t)]
            for t in _pick(rng, range(TAGS), int(rng.integers(2, 9)), TAG_WEIGHTS)
        },
        areas=frozenset(_pick(rng, AREAS, int(rng.integers(1, 5)))),
        stage_rank=int(rng.integers(1, 7)),
        years=int(rng.integers(1, 25)),
        languages=frozenset(_pick(rng, LANGUAGES, int(rng.integers(1, 4)), LANGUAGE_WEIGHTS)),
        hours=_week(
            int(rng.choice(OFFSETS, p=OFFSET_WEIGHTS)),
            [(int(d), start, min(24, start + int(rng.integers(1, 4)))) for d in days],
        ),
        background=_background(rng) if rng.random() < 0.5 else frozenset(),
        capacity=int(rng.integers(1, 9)),
    )


def instance(
    mentees: int, mentors: int, seed: int
) -> tuple[list[MenteeFeatures], list[MentorFeatures]]:
    rng = np.random.default_rng(seed)
    # Mentor ids start above mentee ids: nobody is both here.
    return (
        [mentee(rng, i) for i in range(mentees)],
        [mentor(rng, mentees + j) for j in range(mentors)],
    )


def match_with_reasons(
    mentees: list[MenteeFeatures], mentors: list[MentorFeatures]
) -> tuple[int, float, dict[str, float]]:
    """The timed work: (pairs explained, total score, seconds per step)."""
    steps: dict[str, float] = {}
    started = time.perf_counter()
    weights = Weights()
    arrays = vectorise(mentees, mentors)
    steps["vectorise"] = time.perf_counter() - started
    scorer = RowScorer(*arrays, weights)
    result = match_in_blocks(scorer, arrays[1].free, objective="total_fit")
    steps["score and match"] = time.perf_counter() - started - steps["vectorise"]
    pairs = [(i, j) for i, j, _ in result.pairs]
    explanations = explain_pairs(mentees, mentors, arrays, pairs, weights)
    steps["reasons"] = time.perf_counter() - started - sum(steps.values())
    assert all(e.factors and e.factors[0].reason for e in explanations)
    return len(explanations), result.total, steps


def exact_total(scores: np.ndarray, feasible: np.ndarray, capacities: np.ndarray) -> float:
    """The exact optimum: a dense assignment, a column per seat, an 'unmatched' per mentee."""
    seats = np.repeat(np.arange(len(capacities)), capacities)
    m = scores.shape[0]
    gain = np.where(feasible[:, seats], scores[:, seats].astype(np.float64), -1e9)
    gain = np.hstack([gain, np.zeros((m, m))])
    rows, cols = linear_sum_assignment(gain, maximize=True)
    real = cols < len(seats)
    return float(gain[rows[real], cols[real]].sum())


def optimality_gap() -> tuple[float, float]:
    """(total matching in blocks, exact total) on the smaller instance."""
    mentees, mentors = instance(SMALL_MENTEES, SMALL_MENTORS, SEED + 1)
    arrays = vectorise(mentees, mentors)
    pruned = match_in_blocks(RowScorer(*arrays, Weights()), arrays[1].free).total
    scores, feasible = score_matrix(*arrays, Weights())
    return pruned, exact_total(scores, feasible, arrays[1].free)


def peak_mib() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS; the whole process's peak, Django included.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure(mentees: int, mentors: int, repeat: int, traced: bool) -> dict[str, Any]:
    """In a process of its own: time the work `repeat` times, report its peaks."""
    people = instance(mentees, mentors, SEED)
    before = peak_mib()
    timings, cpu, steps = [], [], {}
    explained, total = 0, 0.0
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        explained, total, steps = match_with_reasons(*people)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append(time.process_time() - used)
    found: dict[str, Any] = {
        "timings_ms": timings,
        "cpu_s": min(cpu),
        "steps": steps,
        "explained": explained,
        "total": total,
        "peak_mib": peak_mib(),
        "instance_mib": before,
    }
    if traced:  # untimed: tracing slows every allocation
        tracemalloc.start()
        match_with_reasons(*people)
        found["traced_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return found


def in_subprocess(mentees: int, mentors: int, repeat: int, traced: bool) -> dict[str, Any]:
    # Django first: the engine imports models.
    code = (
        "import django, json; django.setup(); from bench.matching import measure; "
        f"print(json.dumps(measure({mentees}, {mentors}, {repeat}, {traced})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "mentora.settings"},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} on {os.cpu_count()} cores"


def _steps(steps: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in steps.items())


def run() -> list[Result]:
    cohort = in_subprocess(MENTEES, MENTORS, REPEAT, traced=True)
    cohort_load = load()
    pruned, exact = optimality_gap()
    gap = 100.0 * (exact - pruned) / exact if exact else 0.0
    memory = "ok" if cohort["peak_mib"] < TARGET_MIB else "over"
    optimal = "ok" if gap <= TARGET_GAP else "over"
    results = [
        Result(
            name=f"bulk match {MENTEES:,} x {MENTORS:,}",
            timings_ms=cohort["timings_ms"],
            target_ms=TARGET_MS,
            judged_by="median",
            note=f"{cohort['explained']:,} pairs with reasons, total {cohort['total']:,.0f} "
            f"({_steps(cohort['steps'])}; CPU {cohort['cpu_s']:.2f} s, all threads); "
            f"peak RSS {cohort['peak_mib']:,.0f} MiB "
            f"(people alone {cohort['instance_mib']:,.0f}) vs {TARGET_MIB:,.0f}: {memory}; "
            f"traced peak of one match {cohort['traced_mib']:,.0f} MiB; "
            f"{SMALL_MENTEES:,} x {SMALL_MENTORS} gap to exact optimum {gap:.3f}% "
            f"({pruned:,.1f} vs {exact:,.1f}) vs {TARGET_GAP}%: {optimal}; {cohort_load}",
        ),
    ]
    if os.environ.get("MENTORA_BENCH_QUICK"):  # `python -m bench --quick`: the small sizes
        return results
    national = in_subprocess(NATIONAL_MENTEES, NATIONAL_MENTORS, 1, traced=False)
    national_load = load()
    national_memory = "ok" if national["peak_mib"] < NATIONAL_TARGET_MIB else "over"
    return [
        *results,
        Result(
            name=f"bulk match {NATIONAL_MENTEES:,} x {NATIONAL_MENTORS:,}",
            timings_ms=national["timings_ms"],
            target_ms=NATIONAL_TARGET_MS,
            judged_by="median",
            note=f"{national['explained']:,} pairs with reasons, total "
            f"{national['total']:,.0f} ({_steps(national['steps'])}; "
            f"CPU {national['cpu_s']:.1f} s, all threads); peak RSS "
            f"{national['peak_mib']:,.0f} MiB (people alone {national['instance_mib']:,.0f}) "
            f"vs {NATIONAL_TARGET_MIB:,.0f}: {national_memory}; {national_load}",
        ),
    ]
