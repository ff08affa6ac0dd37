"""Bulk matching against a brute-force optimum on small random instances."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentora.matching.engine.assignment import NO_CAPACITY, NO_FIT, PinError, bulk_match


@dataclass
class Instance:
    scores: np.ndarray
    feasible: np.ndarray
    capacities: np.ndarray
    min_score: float
    pinned: list[tuple[int, int]]
    excluded: list[tuple[int, int]]
    block_pairs: int  # pairs scored at once: 1 is a row per block


@st.composite
def instances(draw) -> Instance:
    m, n = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    # Whole-number scores: the solver keeps three decimals, brute force compares exactly.
    scores = np.array(
        draw(st.lists(st.integers(0, 100), min_size=m * n, max_size=m * n)), dtype=np.float32
    ).reshape(m, n)
    feasible = np.array(
        draw(st.lists(st.booleans(), min_size=m * n, max_size=m * n)), dtype=bool
    ).reshape(m, n)
    capacities = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    cells = st.tuples(st.integers(0, m - 1), st.integers(0, n - 1))
    excluded = draw(st.lists(cells, max_size=3))
    pinned, seats, pinned_rows = [], capacities.copy(), set()
    for i, j in draw(st.lists(cells, max_size=2)):
        # Keep only pins a real admin could make: allowed, not excluded, with a seat.
        if i not in pinned_rows and feasible[i, j] and (i, j) not in excluded and seats[j] > 0:
            pinned.append((i, j))
            pinned_rows.add(i)
            seats[j] -= 1
    min_score = float(draw(st.sampled_from([0, 0, 30, 60])))
    block_pairs = draw(st.sampled_from([1, n + 1, 10**6]))
    return Instance(scores, feasible, capacities, min_score, pinned, excluded, block_pairs)


def options(inst: Instance, i: int) -> list[int | None]:
    """What brute force may give mentee i: nothing, or any allowed mentor above the minimum."""
    pins = dict(inst.pinned)
    if i in pins:
        return [pins[i]]
    return [None] + [
        j
        for j in range(inst.scores.shape[1])
        if inst.feasible[i, j]
        and (i, j) not in inst.excluded
        and inst.scores[i, j] >= inst.min_score
    ]


def assignments(inst: Instance):
    m, n = inst.scores.shape
    for choice in itertools.product(*(options(inst, i) for i in range(m))):
        used = np.bincount([j for j in choice if j is not None], minlength=n)
        if np.all(used <= inst.capacities):
            pairs = [(i, j) for i, j in enumerate(choice) if j is not None]
            yield len(pairs), float(sum(inst.scores[i, j] for i, j in pairs))


def run(inst: Instance, objective: str):
    return bulk_match(
        inst.scores,
        inst.feasible,
        inst.capacities,
        objective=objective,
        min_score=inst.min_score,
        pinned=inst.pinned,
        excluded=inst.excluded,
        top_k=None,
        block_pairs=inst.block_pairs,
    )


def assert_valid(inst: Instance, result) -> None:
    m, n = inst.scores.shape
    rows = [i for i, _, _ in result.pairs]
    assert len(rows) == len(set(rows)), "a mentee matched twice"
    load = np.bincount([j for _, j, _ in result.pairs], minlength=n)
    assert np.all(load <= inst.capacities)
    assert np.array_equal(load, result.load)
    assert set(inst.pinned) <= {(i, j) for i, j, _ in result.pairs}
    for i, j, score in result.pairs:
        assert (i, j) not in inst.excluded
        assert inst.feasible[i, j]
        assert score == inst.scores[i, j]
        assert (i, j) in inst.pinned or score >= inst.min_score
    assert set(result.unmatched) == set(range(m)) - set(rows)


def assert_reasons(inst: Instance, result) -> None:
    load = result.load
    for i, why in result.unmatched.items():
        fits = [
            j
            for j in range(inst.scores.shape[1])
            if (inst.feasible[i, j] or inst.capacities[j] <= 0)
            and (i, j) not in inst.excluded
            and inst.scores[i, j] >= inst.min_score
        ]
        assert why == (NO_CAPACITY if fits else NO_FIT)
        # "No capacity left" is true: every mentor who fits is full.
        assert all(load[j] >= inst.capacities[j] for j in fits)
        # The closest: the best score the rules allow, capacity and minimum aside.
        allowed = [
            j
            for j in range(inst.scores.shape[1])
            if (inst.feasible[i, j] or inst.capacities[j] <= 0) and (i, j) not in inst.excluded
        ]
        if allowed:
            j, score = result.closest[i]
            assert j in allowed
            assert score == max(inst.scores[i, k] for k in allowed) == inst.scores[i, j]
        else:
            assert result.closest[i] is None


@settings(max_examples=300, deadline=None)
@given(instances())
def test_total_fit_equals_the_brute_force_optimum(inst):
    result = run(inst, "total_fit")
    assert_valid(inst, result)
    assert_reasons(inst, result)
    best = max(total for _, total in assignments(inst))
    assert result.total == pytest.approx(best, abs=1e-3)


@settings(max_examples=300, deadline=None)
@given(instances())
def test_most_matched_maximises_count_then_fit(inst):
    result = run(inst, "most_matched")
    assert_valid(inst, result)
    assert_reasons(inst, result)
    found = list(assignments(inst))
    most = max(count for count, _ in found)
    assert len(result.pairs) == most
    assert result.total == pytest.approx(max(t for c, t in found if c == most), abs=1e-3)


@settings(max_examples=100, deadline=None)
@given(instances())
def test_pruned_graph_still_respects_every_rule(inst):
    result = bulk_match(
        inst.scores,
        inst.feasible,
        inst.capacities,
        min_score=inst.min_score,
        pinned=inst.pinned,
        excluded=inst.excluded,
        top_k=1,
        block_pairs=inst.block_pairs,
    )
    assert_valid(inst, result)
    assert_reasons(inst, result)


def test_unmatched_reason_when_capacity_runs_out():
    scores = np.array([[90], [80]], dtype=np.float32)
    result = bulk_match(scores, np.ones((2, 1), bool), [1])
    assert result.pairs == [(0, 0, 90.0)]
    assert result.unmatched == {1: NO_CAPACITY}


def test_unmatched_reason_when_nobody_fits_well_enough():
    scores = np.array([[20.0, 10.0]], dtype=np.float32)
    result = bulk_match(scores, np.ones((1, 2), bool), [1, 1], min_score=50)
    assert result.pairs == []
    assert result.unmatched == {0: NO_FIT}


def test_most_matched_gives_up_fit_to_match_everyone():
    # Mentee 0 likes both; mentee 1 only fits mentor 0. One seat each.
    scores = np.array([[90, 80], [85, 0]], dtype=np.float32)
    feasible = np.array([[True, True], [True, False]])
    assert len(bulk_match(scores, feasible, [1, 1], objective="most_matched").pairs) == 2
    fit = bulk_match(scores, feasible, [1, 1], objective="total_fit")
    assert fit.total == pytest.approx(165.0)


def test_pin_that_breaks_a_hard_rule_is_refused():
    scores = np.array([[50.0]], dtype=np.float32)
    with pytest.raises(PinError):
        bulk_match(scores, np.array([[False]]), [1], pinned=[(0, 0)])
    with pytest.raises(PinError):
        bulk_match(scores, np.array([[True]]), [0], pinned=[(0, 0)])
