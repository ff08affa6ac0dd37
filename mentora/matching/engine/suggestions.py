"""Ranked mentors for one mentee, with reasons: the directory's sort and staff suggestions.

One path for both: load features (a fixed number of queries), score every
candidate with `score_matrix`, apply the hard rules, and explain each pair with
the same factor functions, so a reason always matches its score.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from mentora.matching.engine.features import (
    MenteeFeatures,
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
