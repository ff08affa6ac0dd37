"""Ranked mentors for one mentee, with reasons: the directory's sort and staff suggestions.

One path for both: load features (a fixed number of queries), score every
candidate with `score_matrix`, apply the hard rules, and explain each pair with
the same factor functions, so a reason always matches its score. The directory
ranks against the program's cached mentors (`ranked_for_directory`, engine/cache.py);
staff suggestions and re-matching load them fresh (`ranked_mentors_for`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

from mentora.matching.engine.cache import MentorPool, mentor_pool, pool_vectorise
from mentora.matching.engine.features import (
    MenteeArrays,
    MenteeFeatures,
    MentorArrays,
    MentorFeatures,
    load_mentees,
    load_mentors,
    not_a_fit_pairs,
    vectorise,
)
from mentora.matching.engine.scoring import (
    Explanation,
    Weights,
    explain,
    explain_pairs,
    one_line_why,
    score_matrix,
)
from mentora.programs.models import Program


@dataclass(frozen=True)
class RankedMentor:
    mentor: MentorFeatures
    score: float
    feasible: bool  # the hard rules allow the pair (room, not self, not a past "not a fit", ...)
    mentee: MenteeFeatures
    weights: Weights

    @cached_property
    def explanation(self) -> Explanation:
        """Reasons in words, built on demand: a page shows a few of many ranked mentors."""
        return explain(self.mentee, self.mentor, self.weights)

    @property
    def why(self) -> str:
        return one_line_why(self.explanation)

    @cached_property
    def staff_explanation(self) -> Explanation:
        """The same reasons for staff, about the mentee by name ("Mia is learning Django")."""
        return explain(self.mentee, self.mentor, self.weights, to_staff=True)

    @property
    def staff_why(self) -> str:
        return one_line_why(self.staff_explanation)


def rank_mentors(
    mentee: MenteeFeatures,
    mentors: Sequence[MentorFeatures],
    weights: Weights,
    *,
    not_a_fit: Collection[tuple[int, int]] = (),
    must_share_language: bool = False,
) -> list[RankedMentor]:
    """Every mentor for this mentee, best first (ties by name); infeasible ones last."""
    if not mentors:
        return []
    scores, feasible = score_matrix(
        *vectorise([mentee], mentors),
        weights,
        not_a_fit=not_a_fit,
        must_share_language=must_share_language,
    )
    order = sorted(
        range(len(mentors)),
        key=lambda j: (not feasible[0, j], -float(scores[0, j]), mentors[j].name),
    )
    return [
        RankedMentor(mentors[j], float(scores[0, j]), bool(feasible[0, j]), mentee, weights)
        for j in order
    ]


class PoolRanking(Mapping[int, RankedMentor]):
    """A pool's mentors ranked for one mentee: by user id, in rank order.

    Each RankedMentor is built when asked for: a directory page shows ten of
    thousands, so only those ten are made (and worded)."""

    def __init__(
        self,
        pool: MentorPool,
        order: list[int],
        scores: list[float],
        feasible: list[bool],
        mentee: MenteeFeatures,
        weights: Weights,
        arrays: tuple[MenteeArrays, MentorArrays] | None = None,
    ) -> None:
        self._pool, self._mentee, self._weights, self._arrays = pool, mentee, weights, arrays
        self._scores, self._feasible = scores, feasible
        self.mentors = [pool.mentors[j] for j in order]  # best first
        self._index = {pool.mentors[j].user_id: j for j in order}

    def __getitem__(self, user_id: int) -> RankedMentor:
        j = self._index[user_id]
        return RankedMentor(
            self._pool.mentors[j], self._scores[j], self._feasible[j], self._mentee, self._weights
        )

    def worded(self, user_ids: Sequence[int]) -> dict[int, RankedMentor]:
        """These mentors with their reasons already worded, the numbers for all of
        them in one vectorised pass (`explain_pairs`, as `explain` does one by one)."""
        ranked = {pk: self[pk] for pk in user_ids if pk in self._index}
        if self._arrays is None or not ranked:
            return ranked
        pairs = [(0, self._index[pk]) for pk in ranked]
        explained = explain_pairs(
            [self._mentee], self._pool.mentors, self._arrays, pairs, self._weights
        )
        for r, explanation in zip(ranked.values(), explained, strict=True):
            r.__dict__["explanation"] = explanation  # what the cached_property would compute
        return ranked

    def __iter__(self) -> Iterator[int]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def rank_in_pool(
    mentee: MenteeFeatures,
    pool: MentorPool,
    weights: Weights,
    *,
    not_a_fit: Collection[tuple[int, int]] = (),
    must_share_language: bool = False,
) -> PoolRanking:
    """`rank_mentors` against a cached pool: the same scores in the same order."""
    if not pool.mentors:
        return PoolRanking(pool, [], [], [], mentee, weights)
    arrays = pool_vectorise(mentee, pool)
    scores, feasible = score_matrix(
        *arrays, weights, not_a_fit=not_a_fit, must_share_language=must_share_language
    )
    # lexsort's last key sorts first: feasible, then score (highest first), then name.
    order = np.lexsort((pool.name_rank, -scores[0], ~feasible[0]))
    return PoolRanking(
        pool, order.tolist(), scores[0].tolist(), feasible[0].tolist(), mentee, weights, arrays
    )


def ranked_for_directory(program: Program, mentee_id: int, reference: date) -> PoolRanking | None:
    """Every active mentor ranked for one mentee against the program's cached pool.

    The mentee, the "not a fit" pairs and the program's weights are read fresh;
    only the mentors come from the cache (engine/cache.py). None for a mentee
    without a profile.
    """
    mentees = load_mentees(program, reference, [mentee_id])
    if not mentees:
        return None
    return rank_in_pool(
        mentees[0],
        mentor_pool(program, reference),
        Weights.from_program(program),
        not_a_fit=not_a_fit_pairs(program),
        must_share_language=program.must_share_language,
    )


def ranked_mentors_for(
    program: Program,
    mentee_id: int,
    reference: date,
    *,
    exclude: Collection[int] = (),
    mentor_ids: Sequence[int] | None = None,
) -> list[RankedMentor]:
    """The program's mentors (or the given ones) ranked for one mentee, from the database.

    `exclude` drops mentors outright (for example the mentor of a mentorship being
    re-matched). A fixed number of queries, whatever the number of mentors.
    """
    mentees = load_mentees(program, reference, [mentee_id])
    if not mentees:
        return []
    mentors = [
        m for m in load_mentors(program, reference, mentor_ids) if m.user_id not in set(exclude)
    ]
    return rank_mentors(
        mentees[0],
        mentors,
        Weights.from_program(program),
        not_a_fit=not_a_fit_pairs(program),
        must_share_language=program.must_share_language,
    )
