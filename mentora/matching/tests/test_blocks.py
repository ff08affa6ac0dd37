"""Matching in blocks: the same scores, hard rules and match as the whole matrix, in
bounded memory."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentora.matching.engine.assignment import _Best, bulk_match, match_in_blocks
from mentora.matching.engine.features import MenteeFeatures, MentorFeatures, vectorise
from mentora.matching.engine.scoring import RowScorer, Weights, feasibility, score_matrix
from mentora.matching.tests.test_scoring import mentees_st, mentors_st

WEIGHTS = Weights(stack=25, areas=20, experience=15, availability=20, language=10, background=10)


def _asked_only(mentees: list[MenteeFeatures]) -> list[MenteeFeatures]:
    # As the loaders do: no background unless the mentee asked to match on it.
    return [
        m
        if m.wants_shared_background
        else MenteeFeatures(**{**m.__dict__, "background": frozenset()})
        for m in mentees
    ]


people = st.tuples(
    st.lists(mentees_st, min_size=1, max_size=6),
    st.integers(1, 3),  # each mentee repeated, so some factors become tables of distinct rows
    st.lists(mentors_st, min_size=1, max_size=5),
    st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), max_size=4),
    st.booleans(),
)


@settings(max_examples=80, deadline=None)
@given(people, st.integers(1, 4), st.randoms(use_true_random=False))
def test_block_scores_and_rules_equal_the_full_matrix_to_the_bit(case, step, rnd):
    drawn, repeat, mentors, not_a_fit, language = case
    mentees = _asked_only(drawn) * repeat
    arrays = vectorise(mentees, mentors)
    scores, feasible = score_matrix(
        *arrays, WEIGHTS, not_a_fit=not_a_fit, must_share_language=language
    )
    assert np.array_equal(
        feasible,
        feasibility(*arrays, not_a_fit=not_a_fit, must_share_language=language),
    )
    scorer = RowScorer(*arrays, WEIGHTS, not_a_fit=not_a_fit, must_share_language=language)
    m, n = scores.shape
    assert scorer.shape == (m, n)
    for start in range(0, m, step):
        rows = slice(start, min(m, start + step))
        block_scores, block_feasible = scorer.block(rows)
        assert block_scores.dtype == np.float32
        assert np.array_equal(block_scores, scores[rows])  # bit for bit, not approximately
        assert np.array_equal(block_feasible, feasible[rows])
    picked = np.array(rnd.sample(range(m), min(m, 3)), dtype=np.int64)
    block_scores, block_feasible = scorer.block(picked)
    assert np.array_equal(block_scores, scores[picked])
    assert np.array_equal(block_feasible, feasible[picked])
    cols = np.array(sorted(rnd.sample(range(n), max(1, n // 2))), dtype=np.int64)
    narrow_scores, narrow_feasible = scorer.columns(cols).block(picked)
    assert np.array_equal(narrow_scores, scores[np.ix_(picked, cols)])
    assert np.array_equal(narrow_feasible, feasible[np.ix_(picked, cols)])


def cohort(m: int, n: int, seed: int) -> tuple[list[MenteeFeatures], list[MentorFeatures]]:
    """A random cohort shaped like a real one: mentees' days from a few time zones."""
    rng = np.random.default_rng(seed)
    days = [
        frozenset((d * 24 + h - z) % 168 for d in range(7) for h in range(8, 22))
        for z in (0, 1, 5, 9)
    ]
    langs = ["en", "es", "de", "fr"]

    def some(pool, low, high):
        return frozenset(
            rng.choice(pool, size=int(rng.integers(low, high)), replace=False).tolist()
        )

    mentees = [
        MenteeFeatures(
            user_id=i,
            stack={int(t): f"T{t}" for t in some(range(20), 1, 4)},
            learning=some(range(20), 0, 2),
            interests=some(["backend", "career", "ux", "data"], 1, 3),
            languages=some(langs, 1, 3),
            hours=days[int(rng.integers(len(days)))],
            background=some(["a", "b"], 0, 2) and frozenset({("first_in_family", "yes")}),
            wants_shared_background=bool(rng.random() < 0.3),
        )
        for i in range(m)
    ]
    mentors = [
        MentorFeatures(
            user_id=m + j,
            stack={int(t): f"T{t}" for t in some(range(20), 2, 6)},
            areas=some(["backend", "career", "ux", "data"], 1, 4),
            stage_rank=int(rng.integers(-1, 7)),
            years=int(rng.integers(0, 20)),
            languages=some(langs, 1, 3),
            hours=frozenset(int(h) for h in rng.choice(168, size=int(rng.integers(0, 12)))),
            background=frozenset({("first_in_family", "yes")})
            if rng.random() < 0.5
            else frozenset(),
            capacity=int(rng.integers(0, 4)),
        )
        for j in range(n)
    ]
    return _asked_only(mentees), mentors


@pytest.mark.parametrize("top_k", [None, 3, 40])
@pytest.mark.parametrize("objective", ["total_fit", "most_matched"])
def test_matching_in_blocks_gives_the_whole_matrix_match(top_k, objective):
    mentees, mentors = cohort(300, 60, seed=7)
    arrays = vectorise(mentees, mentors)
    not_a_fit = {(3, 300), (4, 301), (5, 333)}
    scores, feasible = score_matrix(*arrays, WEIGHTS, not_a_fit=not_a_fit)
    both = np.flatnonzero(feasible[0] & feasible[1] & (arrays[1].free >= 2))
    options = dict(
        objective=objective,
        min_score=20.0,
        pinned=[(0, int(both[0])), (1, int(both[0]))],
        excluded=[(2, 0), (2, 1), (7, 9)],
        top_k=top_k,
    )
    whole = bulk_match(scores, feasible, arrays[1].free, block_pairs=10**9, **options)
    scorer = RowScorer(*arrays, WEIGHTS, not_a_fit=not_a_fit)
    for block_pairs in (1, 61, 1000):
        blocks = match_in_blocks(scorer, arrays[1].free, block_pairs=block_pairs, **options)
        assert {(i, j) for i, j, _ in blocks.pairs} >= set(options["pinned"])
        both_unmatched = blocks.unmatched.keys() & whole.unmatched.keys()
        for i in both_unmatched:
            assert blocks.unmatched[i] == whole.unmatched[i]
            assert blocks.closest[i] == whole.closest[i]
        if top_k is None:
            assert blocks.total == pytest.approx(whole.total, abs=1e-3)
            assert len(blocks.pairs) == len(whole.pairs)
            assert blocks.unmatched.keys() == whole.unmatched.keys()
        else:
            # Ties at a mentor's k-th best may keep other (equally good) arcs.
            assert blocks.total == pytest.approx(whole.total, rel=0.01)


def test_the_closest_mentor_is_the_best_the_rules_allow_capacity_and_minimum_aside():
    scores = np.array([[10, 30, 20], [5, 6, 7]], dtype=np.float32)
    feasible = np.array([[True, False, True], [False, False, False]])
    # Mentor 1 is full (so infeasible) but still the closest; mentor 2 is excluded.
    result = bulk_match(scores, feasible, [1, 0, 1], min_score=50, excluded=[(0, 2)])
    assert result.closest == {0: (1, 30.0), 1: (1, 6.0)}


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 60),
    st.integers(1, 8),
    st.integers(1, 5),
    st.integers(1, 25),
    st.integers(0, 2**16),
)
def test_each_mentors_running_best_equals_the_best_of_the_whole_column(m, n, k, step, seed):
    rng = np.random.default_rng(seed)
    # Few distinct values, so ties; -1 means "not a candidate".
    masked = rng.integers(-1, 6, size=(m, n)).astype(np.float32)
    best = _Best(n, k)
    for start in range(0, m, step):
        best.add(masked[start : start + step], start)
    rows, cols, values = best.arcs()
    assert np.array_equal(masked[rows, cols], values)
    for j in range(n):
        column = np.sort(masked[:, j][masked[:, j] >= 0])[::-1][:k]
        assert np.array_equal(np.sort(values[cols == j])[::-1], column)


def test_matching_in_blocks_never_holds_a_whole_matrix():
    m, n = 6000, 4000
    mentees, mentors = cohort(m, n, seed=11)
    arrays = vectorise(mentees, mentors)
    whole_bool_matrix = m * n  # bytes: even one bool per pair
    tracemalloc.start()
    try:
        scorer = RowScorer(*arrays, WEIGHTS)
        # One thread: each thread holds its own block and its own mentors' best.
        result = match_in_blocks(scorer, arrays[1].free, block_pairs=2**16, threads=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.pairs
    assert peak < whole_bool_matrix
