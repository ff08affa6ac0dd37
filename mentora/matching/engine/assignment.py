"""Bulk matching: the best assignment of many mentees to mentors with capacities.

Solved exactly as a min-cost flow (OR-Tools): source -> mentee (1) -> mentor
(capacity) -> sink, plus a zero-cost mentee -> sink arc meaning "unmatched", so
a feasible flow always exists. A mentor's capacity sits on one arc instead of
one column per seat, which keeps the graph small.

For large instances the graph keeps, per mentee, its `top_k` best candidate
mentors and, per mentor, its `top_k` best candidate mentees; the benchmark
measures what that costs against the exact optimum. A final pass places any
mentee still unmatched with a candidate mentor who has a seat left (which
only ever happens through pruning or zero-score ties).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from mentora.matching.engine.features import BoolArray, FloatArray, IntArray

Objective = Literal["total_fit", "most_matched"]
NO_CAPACITY = "no capacity left"
NO_FIT = "no mentor above the minimum fit"
# Flow costs are integers: scores (0..100) are kept to three decimals.
SCALE = 1000
MAX_SCORE = 100
DEFAULT_TOP_K = 40


@dataclass(frozen=True)
class MatchResult:
    pairs: list[tuple[int, int, float]]  # (mentee row, mentor column, score)
    unmatched: dict[int, str]  # mentee row -> reason
    load: IntArray  # mentees given to each mentor by this match, pins included

    @property
    def total(self) -> float:
        return float(sum(score for _, _, score in self.pairs))


class PinError(ValueError):
    """A pinned pair breaks a hard rule, a capacity, or pins a mentee twice."""


def bulk_match(
    scores: FloatArray,
    feasible: BoolArray,
    capacities: npt.ArrayLike,
    *,
    objective: Objective = "total_fit",
    min_score: float = 0.0,
    pinned: Iterable[tuple[int, int]] = (),
    excluded: Iterable[tuple[int, int]] = (),
    top_k: int | None = DEFAULT_TOP_K,
) -> MatchResult:
    """Pairs maximising the objective under capacities; `top_k=None` never prunes.

    "total_fit" maximises the sum of scores; "most_matched" maximises the number of
    mentees matched, then the sum of scores among those assignments. Pins are kept
    whatever their score (staff chose them) but must obey the hard rules; excluded
    pairs are never proposed.
    """
    m, n = scores.shape
    free = np.asarray(capacities, dtype=np.int64).copy()
    barred = np.zeros_like(feasible)
    for i, j in excluded:
        barred[i, j] = True
    allowed = feasible & ~barred
    pins = _apply_pins(list(pinned), allowed, free)
    pinned_rows = {i for i, _ in pins}

    candidates = allowed & (scores >= np.float32(min_score))
    candidates[list(pinned_rows), :] = False
    candidates &= (free > 0)[None, :]

    rows, cols = _edges(scores, candidates, top_k)
    chosen = _solve(scores, rows, cols, free, m, n, objective)
    pairs = pins + chosen
    pairs += _fill_spare(scores, candidates, free - _load(chosen, n), pairs)

    matched = {i for i, _ in pairs}
    full = np.asarray(capacities, dtype=np.int64) <= 0
    # A full mentor is infeasible in the score matrix; for the reason they still count
    # as one who fits, so the mentee hears that capacity, not fit, was the problem.
    fits = (feasible | full[None, :]) & ~barred & (scores >= np.float32(min_score))
    return MatchResult(
        pairs=sorted((i, j, float(scores[i, j])) for i, j in pairs),
        unmatched=_reasons(fits, matched),
        load=_load(pairs, n),
    )


def _load(pairs: Sequence[tuple[int, int]], n: int) -> IntArray:
    return np.bincount(np.array([j for _, j in pairs], dtype=np.int64), minlength=n)


def _apply_pins(
    pinned: list[tuple[int, int]], allowed: BoolArray, free: IntArray
) -> list[tuple[int, int]]:
    """Check pins and take their seats first (`free` is updated in place)."""
    seen: set[int] = set()
    for i, j in pinned:
        if i in seen:
            raise PinError(f"Mentee {i} is pinned twice.")
        if not allowed[i, j]:
            raise PinError(f"Pinned pair ({i}, {j}) breaks a hard rule or is excluded.")
        if free[j] <= 0:
            raise PinError(f"Mentor {j} has no capacity left for pinned mentee {i}.")
        seen.add(i)
        free[j] -= 1
    return pinned


def _edges(
    scores: FloatArray, candidates: BoolArray, top_k: int | None
) -> tuple[IntArray, IntArray]:
    """Candidate pairs to give the solver: all, or each side's best `top_k`."""
    m, n = scores.shape
    if top_k is None or (n <= top_k and m <= top_k):
        rows, cols = np.nonzero(candidates)
        return rows.astype(np.int64), cols.astype(np.int64)
    masked = np.where(candidates, scores, np.float32(-1.0))
    keep = np.zeros_like(candidates)
    if n > top_k:
        best = np.argpartition(-masked, top_k, axis=1)[:, :top_k]
        np.put_along_axis(keep, best, True, axis=1)
    else:
        keep[:] = True
    if m > top_k:
        # A mentor's best mentees too, so less popular mentors still get offered.
        best_rows = np.argpartition(-masked, top_k, axis=0)[:top_k, :]
        np.put_along_axis(keep, best_rows, True, axis=0)
    keep &= candidates
    rows, cols = np.nonzero(keep)
    return rows.astype(np.int64), cols.astype(np.int64)


def _solve(
    scores: FloatArray,
    rows: IntArray,
    cols: IntArray,
    free: IntArray,
    m: int,
    n: int,
    objective: Objective,
) -> list[tuple[int, int]]:
    if len(rows) == 0:
        return []
    gain = np.rint(scores[rows, cols].astype(np.float64) * SCALE).astype(np.int64)
    if objective == "most_matched":
        # One more match must outweigh any total of scores: lexicographic order.
        gain += (MAX_SCORE * SCALE + 1) * (m + 1)
    source, sink = m + n, m + n + 1
    mentees = np.arange(m, dtype=np.int64)
    mentors = np.arange(n, dtype=np.int64)
    tails = np.concatenate([np.full(m, source), rows, m + mentors, mentees])
    heads = np.concatenate([mentees, m + cols, np.full(n, sink), np.full(m, sink)])
    capacity = np.concatenate(
        [
            np.ones(m, np.int64),
            np.ones(len(rows), np.int64),
            np.maximum(free, 0),
            np.ones(m, np.int64),
        ]
    )
    cost = np.concatenate([np.zeros(m, np.int64), -gain, np.zeros(n + m, np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacity, cost)
    supplies = np.zeros(m + n + 2, dtype=np.int64)
    supplies[source], supplies[sink] = m, -m
    flow.set_nodes_supplies(np.arange(m + n + 2), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"Min-cost flow failed: {status}")
    used = flow.flows(arcs[m : m + len(rows)]) > 0
    return list(zip(rows[used].tolist(), cols[used].tolist(), strict=True))


def _fill_spare(
    scores: FloatArray,
    candidates: BoolArray,
    free: IntArray,
    pairs: list[tuple[int, int]],
) -> list[tuple[int, int]]:
    """Give still-unmatched mentees the best candidate mentor with a seat left.

    Only mentees left out by pruning (or zero-score ties) reach this loop, which
    runs over those mentees, not over pairs.
    """
    spare = free.copy()
    matched = {i for i, _ in pairs}
    added = []
    for i in range(scores.shape[0]):
        if i in matched:
            continue
        options = np.flatnonzero(candidates[i] & (spare > 0))
        if len(options):
            j = int(options[np.argmax(scores[i, options])])
            spare[j] -= 1
            added.append((i, j))
    return added


def _reasons(fits: BoolArray, matched: set[int]) -> dict[int, str]:
    """Unmatched with some mentor who fits: their seats went to others (or were full)."""
    some_fit: BoolArray = np.asarray(fits.any(axis=1))
    return {
        i: (NO_CAPACITY if some_fit[i] else NO_FIT) for i in range(len(fits)) if i not in matched
    }
