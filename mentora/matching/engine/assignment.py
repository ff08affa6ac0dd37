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

Scores come a block of mentee rows at a time (`Rows`: a dense matrix, or
`scoring.RowScorer`, which scores rows on demand), sized to a memory budget:
each block gives up its mentees' best candidates and updates every mentor's
running best, so no mentees x mentors array of any kind is ever held, and the
flow graph is built from the kept candidate arcs only. Unmatched mentees'
reasons (and the closest mentor the rules allow) come from scoring just their
rows again.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal, Protocol

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
# Pairs scored at once: a block's float32 scores take 4 bytes a pair (8 MiB here).
BLOCK_PAIRS = 2 * 1024 * 1024
# Blocks scored side by side (each thread holds one block's temporaries).
THREADS = min(2, os.cpu_count() or 1)
ARC_CHUNK = 1 << 18  # candidate arcs handed to the solver at once

Index = npt.NDArray[np.int32]
Arcs = tuple[Index, Index, FloatArray]  # (mentee rows, mentor columns, scores)


@dataclass(frozen=True)
class MatchResult:
    pairs: list[tuple[int, int, float]]  # (mentee row, mentor column, score)
    unmatched: dict[int, str]  # mentee row -> reason
    load: IntArray  # mentees given to each mentor by this match, pins included
    # Unmatched mentee row -> (column, score) of the best mentor the hard rules allow,
    # capacity and the minimum fit aside; None when the rules allow none.
    closest: dict[int, tuple[int, float] | None] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return float(sum(score for _, _, score in self.pairs))


class PinError(ValueError):
    """A pinned pair breaks a hard rule, a capacity, or pins a mentee twice."""


class Rows(Protocol):
    """Scores and hard rules for blocks of mentee rows, without a full matrix."""

    @property
    def shape(self) -> tuple[int, int]: ...

    def block(self, rows: slice | IntArray) -> tuple[FloatArray, BoolArray]: ...

    def columns(self, cols: IntArray) -> Rows: ...


@dataclass(frozen=True)
class DenseRows:
    """A whole score matrix and its hard rules, as rows (small instances and tests)."""

    scores: FloatArray
    feasible: BoolArray

    @property
    def shape(self) -> tuple[int, int]:
        return self.scores.shape  # type: ignore[return-value]

    def block(self, rows: slice | IntArray) -> tuple[FloatArray, BoolArray]:
        return self.scores[rows], self.feasible[rows]

    def columns(self, cols: IntArray) -> DenseRows:
        return DenseRows(self.scores[:, cols], self.feasible[:, cols])


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
    block_pairs: int = BLOCK_PAIRS,
    threads: int = THREADS,
) -> MatchResult:
    """`match_in_blocks` over a full score matrix and its hard rules."""
    return match_in_blocks(
        DenseRows(scores, feasible),
        capacities,
        objective=objective,
        min_score=min_score,
        pinned=pinned,
        excluded=excluded,
        top_k=top_k,
        block_pairs=block_pairs,
        threads=threads,
    )


def match_in_blocks(
    source: Rows,
    capacities: npt.ArrayLike,
    *,
    objective: Objective = "total_fit",
    min_score: float = 0.0,
    pinned: Iterable[tuple[int, int]] = (),
    excluded: Iterable[tuple[int, int]] = (),
    top_k: int | None = DEFAULT_TOP_K,
    block_pairs: int = BLOCK_PAIRS,
    threads: int = THREADS,
) -> MatchResult:
    """Pairs maximising the objective under capacities; `top_k=None` never prunes.

    "total_fit" maximises the sum of scores; "most_matched" maximises the number of
    mentees matched, then the sum of scores among those assignments. Pins are kept
    whatever their score (staff chose them) but must obey the hard rules; excluded
    pairs are never proposed. Rows are scored `block_pairs` pairs at a time, in
    `threads` threads.
    """
    m, n = source.shape
    capacity = np.asarray(capacities, dtype=np.int64).reshape(n)
    free = capacity.copy()
    barred = _Barred(excluded, n)
    pins = list(pinned)
    pin_scores = _apply_pins(pins, source, barred, free)
    skip = np.zeros(m, dtype=bool)
    skip[[i for i, _ in pins]] = True
    threshold = np.float32(min_score)
    candidates = _Candidates(threshold, free > 0, barred, skip)
    step = max(1, block_pairs // max(1, n))
    closed = int(np.count_nonzero(free <= 0))
    pruned = top_k if top_k is not None and m > top_k else None

    def scan(part: range) -> tuple[list[Arcs], _Best]:
        """One share of the mentees, block by block: its arcs and its mentors' best."""
        row_arcs, best = [], _Best(n, pruned, closed)
        for start in part:
            rows = slice(start, min(m, start + step))
            masked = candidates(rows, *source.block(rows))
            row_arcs.append(_row_best(masked, start, top_k))
            best.add(masked, start)
            del masked
        return row_arcs, best

    # numpy lets go of the GIL in its loops, so shares of the blocks run side by side.
    blocks = range(0, m, step)
    shares = max(1, min(threads, len(blocks)))
    parts = [blocks[k::shares] for k in range(shares)]
    if shares == 1:
        scanned = [scan(parts[0])]
    else:
        with ThreadPoolExecutor(shares) as pool:
            scanned = list(pool.map(scan, parts))
    row_arcs = [arcs for found, _ in scanned for arcs in found]
    row_arcs.sort(key=lambda arcs: int(arcs[0][0]) if len(arcs[0]) else -1)
    best = _Best(n, pruned, closed)
    best.parts = [p for _, share in scanned for p in share.parts]
    arc_rows, arc_cols, arc_scores = _union(row_arcs, best.arcs(), n)
    del row_arcs, best, scanned

    chosen = _solve(arc_rows, arc_cols, arc_scores, free, m, n, objective)
    matched = skip.copy()
    matched[[i for i, _, _ in chosen]] = True
    spare = free - _load(chosen, n)
    filled = _fill_spare(source, spare, np.flatnonzero(~matched), candidates, block_pairs)
    pairs = [(i, j, pin_scores[k]) for k, (i, j) in enumerate(pins)] + chosen + filled
    matched[[i for i, _, _ in filled]] = True

    unmatched, closest = _reasons(
        source, np.flatnonzero(~matched), capacity <= 0, barred, threshold, block_pairs
    )
    return MatchResult(
        pairs=sorted((i, j, float(score)) for i, j, score in pairs),
        unmatched=unmatched,
        load=_load(pairs, n),
        closest=closest,
    )


def _load(pairs: Sequence[tuple[int, int, float]], n: int) -> IntArray:
    return np.bincount(np.array([j for _, j, _ in pairs], dtype=np.int64), minlength=n)


class _Barred:
    """Excluded pairs, by mentee row."""

    def __init__(self, excluded: Iterable[tuple[int, int]], n: int) -> None:
        by_row: dict[int, set[int]] = defaultdict(set)
        for i, j in excluded:
            by_row[int(i)].add(int(j))
        self.by_row = {i: np.array(sorted(js), dtype=np.int64) for i, js in by_row.items()}
        self.rows = np.array(sorted(self.by_row), dtype=np.int64)

    def __contains__(self, pair: tuple[int, int]) -> bool:
        i, j = pair
        return i in self.by_row and bool(np.any(self.by_row[i] == j))

    def clear(self, allowed: BoolArray, rows: slice | IntArray, position: IntArray | None) -> None:
        """Set excluded pairs of these rows to False in a block (of columns, when
        `position` maps each mentor to its column in the block, -1 if absent)."""
        if not len(self.rows):
            return
        if isinstance(rows, slice):
            lo, hi = np.searchsorted(self.rows, [rows.start, rows.stop])
            found = [(i - rows.start, i) for i in self.rows[lo:hi].tolist()]
        else:
            found = [(k, i) for k, i in enumerate(rows.tolist()) if i in self.by_row]
        for k, i in found:
            cols = self.by_row[i]
            if position is not None:
                cols = position[cols]
                cols = cols[cols >= 0]
            allowed[k, cols] = False


class _Candidates:
    """Which pairs may be proposed: allowed, at least the minimum fit, a seat left
    after the pins, not excluded, the mentee not pinned."""

    def __init__(
        self, threshold: np.float32, open_cols: BoolArray, barred: _Barred, skip: BoolArray
    ) -> None:
        self.threshold, self.open_cols, self.barred, self.skip = threshold, open_cols, barred, skip

    def __call__(
        self,
        rows: slice | IntArray,
        scores: FloatArray,
        feasible: BoolArray,
        cols: IntArray | None = None,
    ) -> FloatArray:
        """Scores where the pair may be proposed, -1 elsewhere."""
        allowed = feasible & (scores >= self.threshold)
        allowed &= self.open_cols if cols is None else self.open_cols[cols]
        position = None
        if cols is not None:
            position = np.full(len(self.open_cols), -1, dtype=np.int64)
            position[cols] = np.arange(len(cols))
        self.barred.clear(allowed, rows, position)
        allowed[self.skip[rows]] = False
        return np.where(allowed, scores, np.float32(-1.0))


def _apply_pins(
    pinned: list[tuple[int, int]], source: Rows, barred: _Barred, free: IntArray
) -> list[float]:
    """Check pins and take their seats first (`free` is updated in place); their scores."""
    seen: set[int] = set()
    if not pinned:
        return []
    scores, feasible = source.block(np.array([i for i, _ in pinned], dtype=np.int64))
    found = []
    for k, (i, j) in enumerate(pinned):
        if i in seen:
            raise PinError(f"Mentee {i} is pinned twice.")
        if not feasible[k, j] or (i, j) in barred:
            raise PinError(f"Pinned pair ({i}, {j}) breaks a hard rule or is excluded.")
        if free[j] <= 0:
            raise PinError(f"Mentor {j} has no capacity left for pinned mentee {i}.")
        seen.add(i)
        free[j] -= 1
        found.append(float(scores[k, j]))
    return found


def _row_best(masked: FloatArray, start: int, top_k: int | None) -> Arcs:
    """Each row's candidates, or its best `top_k` of them, as arcs."""
    n = masked.shape[1]
    if top_k is None or n <= top_k:
        rows, cols = np.nonzero(masked >= 0)
        return (rows + start).astype(np.int32), cols.astype(np.int32), masked[rows, cols]
    cols = np.argpartition(masked, n - top_k, axis=1)[:, n - top_k :]
    values = np.take_along_axis(masked, cols, axis=1)
    rows, k = np.nonzero(values >= 0)
    return (rows + start).astype(np.int32), cols[rows, k].astype(np.int32), values[rows, k]


class _Best:
    """Every mentor's running best `top_k` candidate mentees, merged block by block.

    Each mentor has a floor, a lower bound on their k-th best so far: a block gives
    up only its entries above the floor (few, after the first blocks). While many
    floors are still unknown, a block's own k-th best per mentor sets them. The
    collection is cut back to each mentor's best `top_k` whenever it grows past a
    few times `top_k` per mentor.
    """

    def __init__(self, n: int, top_k: int | None, closed: int = 0) -> None:
        self.n, self.top_k = n, top_k
        self.floor = np.full(n, np.float32(-1.0))  # a candidate must beat this
        self.closed = closed  # mentors with no seat: never a candidate, floor stays -1
        self.unknown = n  # mentors whose floor is still -1
        self.parts: list[Arcs] = []
        self.size = 0

    def add(self, masked: FloatArray, start: int) -> None:
        if self.top_k is None:
            return
        hit = masked > self.floor
        unknown = (self.unknown - self.closed) * 2 > self.n - self.closed
        if unknown and len(masked) > self.top_k:
            # The block's own k-th best per mentor: its best k are at or above it.
            kth = np.partition(masked, len(masked) - self.top_k, axis=0)[-self.top_k]
            hit &= masked >= kth
            self.floor = np.maximum(self.floor, kth)
            self.unknown = int(np.count_nonzero(self.floor < 0))
        rows, cols = np.nonzero(hit)
        del hit
        if not len(rows):
            return
        self.parts.append(
            ((rows + start).astype(np.int32), cols.astype(np.int32), masked[rows, cols])
        )
        self.size += len(rows)
        if self.size > 2 * self.top_k * self.n or (unknown and self.size >= self.top_k * self.n):
            self._cut()

    def _cut(self) -> None:
        assert self.top_k is not None
        rows, cols, values = (np.concatenate(x) for x in zip(*self.parts, strict=True))
        # By mentor, best first, in one integer sort: a non-negative float32's bits
        # order as its value does.
        bits = values.astype(np.float32).view(np.uint32).astype(np.int64)
        order = np.argsort((cols.astype(np.int64) << 32) | (np.int64(0xFFFFFFFF) - bits))
        del bits
        rows, cols, values = rows[order], cols[order], values[order]
        first = np.searchsorted(cols, np.arange(self.n))
        keep = np.arange(len(cols)) - first[cols] < self.top_k
        rows, cols, values = rows[keep], cols[keep], values[keep]
        self.parts, self.size = [(rows, cols, values)], len(rows)
        full = np.bincount(cols, minlength=self.n) >= self.top_k
        # Sorted by mentor, best first: each full mentor's last kept entry is their k-th.
        last = np.searchsorted(cols, np.arange(self.n), side="right") - 1
        kth = np.where(full, values[np.maximum(last, 0)], np.float32(-1.0))
        self.floor = np.maximum(self.floor, kth).astype(np.float32)
        self.unknown = int(np.count_nonzero(self.floor < 0))

    def arcs(self) -> Arcs:
        if not self.parts:
            empty = np.zeros(0, dtype=np.int32)
            return empty, empty, np.zeros(0, dtype=np.float32)
        self._cut()
        return self.parts[0]


def _union(row_arcs: list[Arcs], mentor_arcs: Arcs, n: int) -> Arcs:
    """Every mentee's arcs, and the mentors' arcs that aren't among them already.

    Each mentee's own arcs are distinct; only a mentor's arc can repeat one. Checked
    block by block against the mentors' arcs (sorted keys), so the temporaries stay
    the size of a block's arcs.
    """
    m_rows, m_cols, m_values = mentor_arcs
    keys = m_rows.astype(np.int64) * n + m_cols
    order = np.argsort(keys)
    keys = keys[order]
    repeated = np.zeros(len(keys), dtype=bool)
    if len(keys):
        for rows, cols, _ in row_arcs:
            found = rows.astype(np.int64) * n + cols
            at = np.minimum(np.searchsorted(keys, found), len(keys) - 1)
            repeated[at[keys[at] == found]] = True
    extra = order[~repeated]
    return (
        np.concatenate([rows for rows, _, _ in row_arcs] + [m_rows[extra]]),
        np.concatenate([cols for _, cols, _ in row_arcs] + [m_cols[extra]]),
        np.concatenate([values for _, _, values in row_arcs] + [m_values[extra]]),
    )


def _solve(
    rows: Index,
    cols: Index,
    values: FloatArray,
    free: IntArray,
    m: int,
    n: int,
    objective: Objective,
) -> list[tuple[int, int, float]]:
    if len(rows) == 0:
        return []
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = m + n, m + n + 1
    mentees = np.arange(m, dtype=np.int64)
    mentors = np.arange(n, dtype=np.int64)
    zeros, ones = np.zeros(m, np.int64), np.ones(m, np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(np.full(m, source), mentees, ones, zeros)
    # The candidate arcs, a chunk at a time: the solver keeps its own copy.
    first = m  # the candidate arcs are numbered from here, in order
    for start in range(0, len(rows), ARC_CHUNK):
        part = slice(start, start + ARC_CHUNK)
        gain = np.rint(values[part].astype(np.float64) * SCALE).astype(np.int64)
        if objective == "most_matched":
            # One more match must outweigh any total of scores: lexicographic order.
            gain += (MAX_SCORE * SCALE + 1) * (m + 1)
        np.negative(gain, out=gain)
        tails = rows[part].astype(np.int64)
        heads = m + cols[part].astype(np.int64)
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, np.ones_like(gain), gain)
    flow.add_arcs_with_capacity_and_unit_cost(
        m + mentors, np.full(n, sink), np.maximum(free, 0), np.zeros(n, np.int64)
    )
    # "Unmatched": a mentee's unit goes straight to the sink, at no gain.
    flow.add_arcs_with_capacity_and_unit_cost(mentees, np.full(m, sink), ones, zeros)
    supplies = np.zeros(m + n + 2, dtype=np.int64)
    supplies[source], supplies[sink] = m, -m
    flow.set_nodes_supplies(np.arange(m + n + 2), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"Min-cost flow failed: {status}")
    used = np.concatenate(
        [
            flow.flows(np.arange(first + start, first + min(len(rows), start + ARC_CHUNK))) > 0
            for start in range(0, len(rows), ARC_CHUNK)
        ]
    )
    return list(zip(rows[used].tolist(), cols[used].tolist(), values[used].tolist(), strict=True))


def _row_blocks(rows: IntArray, n: int, block_pairs: int) -> Iterator[IntArray]:
    step = max(1, block_pairs // max(1, n))
    for start in range(0, len(rows), step):
        yield rows[start : start + step]


def _fill_spare(
    source: Rows,
    spare: IntArray,
    unmatched: IntArray,
    candidates: _Candidates,
    block_pairs: int,
) -> list[tuple[int, int, float]]:
    """Give still-unmatched mentees the best candidate mentor with a seat left.

    Only mentees left out by pruning (or zero-score ties) reach this pass, which
    scores just their rows against just the mentors with a seat left.
    """
    cols = np.flatnonzero(spare > 0)
    if not len(cols) or not len(unmatched):
        return []
    seats = spare[cols].copy()
    narrow = source.columns(cols)
    added = []
    for rows in _row_blocks(unmatched, len(cols), block_pairs):
        scores, feasible = narrow.block(rows)
        allowed = candidates(rows, scores, feasible, cols)
        for k, i in enumerate(rows.tolist()):
            options = np.flatnonzero((allowed[k] >= 0) & (seats > 0))
            if len(options):
                best = int(options[np.argmax(allowed[k, options])])
                seats[best] -= 1
                added.append((i, int(cols[best]), float(allowed[k, best])))
    return added


def _reasons(
    source: Rows,
    unmatched: IntArray,
    full: BoolArray,
    barred: _Barred,
    threshold: np.float32,
    block_pairs: int,
) -> tuple[dict[int, str], dict[int, tuple[int, float] | None]]:
    """Why each unmatched mentee is, and the closest mentor the rules allow.

    A mentor who was full before the match is infeasible in the scores; for the
    reason they still count as one who fits, so the mentee hears that capacity,
    not fit, was the problem.
    """
    reasons: dict[int, str] = {}
    closest: dict[int, tuple[int, float] | None] = {}
    n = source.shape[1]
    for rows in _row_blocks(unmatched, n, block_pairs):
        scores, feasible = source.block(rows)
        allowed = feasible | full
        barred.clear(allowed, rows, None)
        fits = np.any(allowed & (scores >= threshold), axis=1)
        ranked = np.where(allowed, scores, -np.inf)
        best = np.argmax(ranked, axis=1) if n else np.zeros(len(rows), dtype=np.int64)
        some = np.any(allowed, axis=1)
        for k, i in enumerate(rows.tolist()):
            reasons[i] = NO_CAPACITY if fits[k] else NO_FIT
            j = int(best[k])
            closest[i] = (j, float(scores[k, j])) if some[k] else None
    return reasons, closest
