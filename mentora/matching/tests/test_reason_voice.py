"""Reasons speak to the mentee ("you") on their pages and about the mentee by name on
staff pages: the same reason functions build both, so only the grammatical person differs."""

from __future__ import annotations

import pytest

from mentora.matching.engine.features import MENTEE_STAGE_RANK, MenteeFeatures, MentorFeatures
from mentora.matching.engine.scoring import Weights, explain
from mentora.matching.engine.suggestions import rank_mentors

PYTHON, DJANGO = 1, 2


def mia(**kw) -> MenteeFeatures:
    base = dict(
        user_id=1,
        name="Mia Mentee",
        stack={PYTHON: "Python"},
        learning=frozenset({DJANGO}),
        interests=frozenset({"backend"}),
        hours=frozenset({10, 11}),
    )
    return MenteeFeatures(**{**base, **kw})  # type: ignore[arg-type]


def mo(**kw) -> MentorFeatures:
    base = dict(
        user_id=100,
        name="Mo Mentor",
        stack={PYTHON: "Python", DJANGO: "Django"},
        areas=frozenset({"backend"}),
        capacity=2,
        stage_rank=MENTEE_STAGE_RANK + 1,
        years=7,
        hours=frozenset({10, 11}),
    )
    return MentorFeatures(**{**base, **kw})  # type: ignore[arg-type]


def reasons(mentee: MenteeFeatures, mentor: MentorFeatures, *, to_staff: bool) -> dict[str, str]:
    explanation = explain(mentee, mentor, Weights(), to_staff=to_staff)
    return {f.name: f.reason for f in explanation.factors}


def test_the_mentee_reads_you_staff_read_the_mentees_name():
    to_mentee = reasons(mia(), mo(), to_staff=False)
    to_staff = reasons(mia(), mo(), to_staff=True)

    assert to_mentee["stack"] == "Django, Python in common (you're learning Django)"
    assert to_staff["stack"] == "Django, Python in common (Mia Mentee is learning Django)"
    assert to_mentee["areas"].endswith("which you asked for")
    assert to_staff["areas"].endswith("which Mia Mentee asked for")
    assert to_mentee["experience"].endswith("one step ahead of you")
    assert to_staff["experience"].endswith("one step ahead of Mia Mentee")
    assert "falls in your day" in to_mentee["availability"]
    assert "falls in Mia Mentee's day" in to_staff["availability"]


@pytest.mark.parametrize(
    ("mentee", "mentor", "factor", "staff_words"),
    [
        (mia(interests=frozenset()), mo(), "areas", "Mia Mentee hasn't said which areas"),
        (mia(interests=frozenset({"career"})), mo(), "areas", "areas Mia Mentee asked for"),
        (mia(), mo(hours=frozenset({3})), "availability", "outside Mia Mentee's day"),
        (mia(), mo(stage_rank=MENTEE_STAGE_RANK), "experience", "at Mia Mentee's own stage"),
    ],
)
def test_no_staff_reason_speaks_to_you(mentee, mentor, factor, staff_words):
    staff = reasons(mentee, mentor, to_staff=True)
    assert staff_words in staff[factor]
    for text in staff.values():
        assert "you" not in text.lower().split() and "your" not in text.lower()


def test_scores_and_facts_are_the_same_in_both_voices():
    ranked = rank_mentors(mia(), [mo()], Weights())[0]
    assert ranked.explanation.score == ranked.staff_explanation.score
    assert [f.points for f in ranked.explanation.factors] == [
        f.points for f in ranked.staff_explanation.factors
    ]
    assert "you're learning" in ranked.why and "Mia Mentee is learning" in ranked.staff_why


def test_a_mentee_without_a_name_is_the_mentee():
    staff = reasons(mia(name=""), mo(), to_staff=True)
    assert staff["stack"].endswith("(the mentee is learning Django)")
    no_areas = reasons(mia(name="", interests=frozenset()), mo(), to_staff=True)
    assert no_areas["areas"] == "The mentee hasn't said which areas they want help with"
