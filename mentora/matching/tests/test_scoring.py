"""Scoring: each factor, each hard rule, reasons in words, explain == matrix."""

from __future__ import annotations

from datetime import date, time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentora.accounts.choices import BackgroundField, Visibility
from mentora.matching.engine.features import (
    MenteeFeatures,
    MentorFeatures,
    load_mentees,
    load_mentors,
    mentee_day_hours,
    not_a_fit_pairs,
    utc_hours,
    vectorise,
)
from mentora.matching.engine.scoring import Weights, explain, one_line_why, score_matrix
from mentora.programs.models import EndReason, MentorshipStatus, Role
from mentora.tests import factories as f

# A Wednesday in winter: Berlin is UTC+1, New York UTC-5.
WINTER = date(2027, 1, 13)
PYTHON, DJANGO, REACT = 1, 2, 3
NAMES = {PYTHON: "Python", DJANGO: "Django", REACT: "React"}


def a_mentee(**kw) -> MenteeFeatures:
    base = dict(user_id=1, stack={PYTHON: "Python"}, interests=frozenset({"backend"}))
    return MenteeFeatures(**{**base, **kw})


def a_mentor(**kw) -> MentorFeatures:
    base = dict(user_id=100, stack={PYTHON: "Python"}, capacity=2, stage_rank=3, years=7)
    return MentorFeatures(**{**base, **kw})


def points(mentee: MenteeFeatures, mentor: MentorFeatures, factor: str) -> float:
    return next(x.points for x in explain(mentee, mentor, Weights()).factors if x.name == factor)


def reason(mentee: MenteeFeatures, mentor: MentorFeatures, factor: str) -> str:
    return next(x.reason for x in explain(mentee, mentor, Weights()).factors if x.name == factor)


def test_stack_overlap_counts_what_the_mentee_is_learning_double():
    mentee = a_mentee(stack={PYTHON: "Python", REACT: "React"}, learning=frozenset({PYTHON}))
    knows_python = a_mentor(stack={PYTHON: "Python"})
    knows_react = a_mentor(stack={REACT: "React"})
    assert points(mentee, knows_python, "stack") == pytest.approx(
        2 * points(mentee, knows_react, "stack")
    )
    assert reason(mentee, knows_python, "stack") == "Python in common (you're learning Python)"


def test_stack_overlap_full_when_everything_is_covered():
    mentee = a_mentee(stack={PYTHON: "Python", DJANGO: "Django"})
    mentor = a_mentor(stack={PYTHON: "Python", DJANGO: "Django", REACT: "React"})
    assert points(mentee, mentor, "stack") == pytest.approx(Weights().points()["stack"])
    assert reason(mentee, mentor, "stack") == "Django, Python in common"


def test_areas_score_against_the_mentees_interests():
    mentee = a_mentee(interests=frozenset({"backend", "career"}))
    both = a_mentor(areas=frozenset({"backend", "career", "ux"}))
    one = a_mentor(areas=frozenset({"backend"}))
    none = a_mentor(areas=frozenset({"ux"}))
    assert points(mentee, both, "areas") == pytest.approx(Weights().points()["areas"])
    assert points(mentee, one, "areas") == pytest.approx(Weights().points()["areas"] / 2)
    assert points(mentee, none, "areas") == 0
    assert reason(mentee, one, "areas") == "Knows Back-end, which you asked for"


def test_experience_prefers_a_mentor_a_few_steps_ahead():
    mentee = a_mentee()
    senior = a_mentor(stage_rank=3, years=7)
    junior = a_mentor(stage_rank=1, years=1)
    no_stage = a_mentor(stage_rank=-1, years=7)
    assert points(mentee, senior, "experience") == pytest.approx(Weights().points()["experience"])
    assert points(mentee, junior, "experience") < points(mentee, senior, "experience")
    assert points(mentee, no_stage, "experience") == pytest.approx(
        Weights().points()["experience"] / 2
    )
    assert "a few steps ahead of you" in reason(mentee, senior, "experience")


def test_availability_overlap_new_york_evenings_with_a_berlin_day():
    # 18:00–21:00 in New York is 00:00–03:00 in Berlin: outside the Berlin day.
    berlin = a_mentee(hours=mentee_day_hours("Europe/Berlin", WINTER))
    evenings = a_mentor(hours=utc_hours("America/New_York", 1, time(18), time(21), WINTER))
    mornings = a_mentor(hours=utc_hours("America/New_York", 1, time(8), time(11), WINTER))
    assert points(berlin, evenings, "availability") == 0
    assert "outside your day" in reason(berlin, evenings, "availability")
    # 08:00–11:00 New York is 14:00–17:00 Berlin: 3 hours inside the day.
    assert reason(berlin, mornings, "availability").startswith("3 h a week")
    assert points(berlin, mornings, "availability") == pytest.approx(
        Weights().points()["availability"] / 2
    )


def test_language_scores_when_a_language_is_shared():
    mentee = a_mentee(languages=frozenset({"es", "en"}))
    spanish = a_mentor(languages=frozenset({"es"}))
    german = a_mentor(languages=frozenset({"de"}))
    assert points(mentee, spanish, "language") == pytest.approx(Weights().points()["language"])
    assert points(mentee, german, "language") == 0
    assert reason(mentee, spanish, "language") == "Both speak Spanish"


def test_background_counts_only_when_the_mentee_asked():
    bootcamp = frozenset({("education_path", "bootcamp")})
    asked = a_mentee(background=bootcamp, wants_shared_background=True)
    not_asked = a_mentee(wants_shared_background=False)
    mentor = a_mentor(background=bootcamp)
    assert points(asked, mentor, "background") > 0
    assert reason(asked, mentor, "background") == "Also a bootcamp graduate"
    names = [x.name for x in explain(not_asked, mentor, Weights()).factors]
    assert "background" not in names


def test_full_mentor_is_infeasible():
    full = a_mentor(user_id=100, capacity=2, load=2)
    free = a_mentor(user_id=101, capacity=2, load=1)
    _, feasible = score_matrix(*vectorise([a_mentee()], [full, free]), Weights())
    assert feasible.tolist() == [[False, True]]


def test_same_person_is_infeasible():
    _, feasible = score_matrix(
        *vectorise([a_mentee(user_id=7)], [a_mentor(user_id=7), a_mentor(user_id=8)]), Weights()
    )
    assert feasible.tolist() == [[False, True]]


def test_pair_that_ended_as_not_a_fit_is_infeasible():
    arrays = vectorise([a_mentee(user_id=1)], [a_mentor(user_id=100), a_mentor(user_id=101)])
    _, feasible = score_matrix(*arrays, Weights(), not_a_fit={(1, 100)})
    assert feasible.tolist() == [[False, True]]


def test_must_share_a_language_only_when_asked_for():
    mentee = a_mentee(languages=frozenset({"es"}))
    arrays = vectorise([mentee], [a_mentor(languages=frozenset({"de"}))])
    assert not score_matrix(*arrays, Weights(), must_share_language=True)[1][0, 0]
    assert score_matrix(*arrays, Weights())[1][0, 0]


def test_one_line_why_names_the_two_strongest_reasons():
    mentee = a_mentee(stack={PYTHON: "Python"}, languages=frozenset({"es"}))
    mentor = a_mentor(stack={PYTHON: "Python"}, languages=frozenset({"es"}))
    assert one_line_why(explain(mentee, mentor, Weights())) == (
        "Python in common; Senior (5+ years), 7 years of experience: a few steps ahead of you"
    )


tags = st.dictionaries(st.sampled_from([PYTHON, DJANGO, REACT]), st.just("x"), max_size=3)
codes = st.frozensets(st.sampled_from(["backend", "career", "ux", "data"]))
langs = st.frozensets(st.sampled_from(["en", "es", "de"]))
hours = st.frozensets(st.integers(0, 167), max_size=30)
backgrounds = st.frozensets(
    st.sampled_from([("education_path", "bootcamp"), ("first_in_family", "yes")])
)
mentees_st = st.builds(
    MenteeFeatures,
    user_id=st.integers(1, 5),
    stack=tags,
    learning=st.frozensets(st.sampled_from([PYTHON, DJANGO, REACT])),
    interests=codes,
    languages=langs,
    hours=hours,
    background=backgrounds,
    wants_shared_background=st.booleans(),
)
mentors_st = st.builds(
    MentorFeatures,
    user_id=st.integers(1, 5),
    stack=tags,
    areas=codes,
    stage_rank=st.integers(-1, 6),
    years=st.integers(0, 30),
    languages=langs,
    hours=hours,
    background=backgrounds,
    capacity=st.integers(0, 3),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(mentees_st, min_size=1, max_size=4), st.lists(mentors_st, min_size=1, max_size=4))
def test_explain_adds_up_to_the_matrix_score(mentees, mentors):
    mentees = [
        m
        if m.wants_shared_background
        else MenteeFeatures(**{**m.__dict__, "background": frozenset()})
        for m in mentees
    ]
    scores, _ = score_matrix(*vectorise(mentees, mentors), Weights())
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(mentors):
            explanation = explain(mentee, mentor, Weights())
            assert explanation.score == pytest.approx(float(scores[i, j]), abs=1e-3)
            assert sum(x.points for x in explanation.factors) == pytest.approx(
                explanation.score, abs=1e-3
            )
            assert 0.0 <= explanation.score <= 100.0 + 1e-3


# --- loading from the database --------------------------------------------------------


@pytest.fixture
def people(program):
    mentor = f.UserFactory(name="Mo", time_zone="America/New_York")
    f.MembershipFactory(user=mentor, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=mentor, stack=["Python", "Django"], capacity=2)
    f.WeeklyHoursFactory(mentor=mentor, weekday=1, start_time=time(8), end_time=time(11))
    f.BackgroundAnswerFactory(
        user=mentor, field=BackgroundField.FIRST_IN_FAMILY, visibility=Visibility.PROGRAM
    )
    f.BackgroundAnswerFactory(
        user=mentor, field=BackgroundField.LGBTQIA, visibility=Visibility.PRIVATE
    )
    mentee = f.UserFactory(name="Mia", time_zone="Europe/Berlin")
    f.MembershipFactory(user=mentee, program=program, role=Role.MENTEE)
    f.MenteeProfileFactory(
        user=mentee, stack=["Python"], wants_shared_background=True, learning="Python and Django"
    )
    f.BackgroundAnswerFactory(user=mentee, field=BackgroundField.FIRST_IN_FAMILY)
    f.BackgroundAnswerFactory(user=mentee, field=BackgroundField.LGBTQIA)
    return mentee, mentor


def test_loaders_use_only_shared_background_and_never_mention_the_hidden_one(
    program, people, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        mentees = load_mentees(program, WINTER)
        mentors = load_mentors(program, WINTER)
    assert ("lgbtqia", "yes") not in mentors[0].background
    words = " ".join(x.reason for x in explain(mentees[0], mentors[0], Weights()).factors)
    assert "first in family" in words.lower()
    assert "lgbtqia" not in words.lower()
    assert "Django, Python in common" in words or "Python, Django in common" in words
    assert "3 h a week" in words


def test_loaders_count_live_load_and_not_a_fit_history(program, people):
    mentee, mentor = people
    f.MentorshipFactory(program=program, mentor=mentor, mentee=f.UserFactory())
    f.MentorshipFactory(
        program=program,
        mentor=mentor,
        mentee=mentee,
        status=MentorshipStatus.ENDED,
        ended_at="2026-01-01T00:00Z",
        end_reason=EndReason.NOT_A_FIT,
    )
    (loaded,) = load_mentors(program, WINTER)
    assert (loaded.capacity, loaded.load) == (2, 1)
    assert not_a_fit_pairs(program) == {(mentee.pk, mentor.pk)}
    arrays = vectorise(load_mentees(program, WINTER), [loaded])
    _, feasible = score_matrix(*arrays, Weights(), not_a_fit=not_a_fit_pairs(program))
    assert not feasible.any()
    assert np.all(arrays[1].free == [1])
