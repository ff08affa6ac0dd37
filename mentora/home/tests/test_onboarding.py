"""Onboarding: which steps a person needs, completion from data, the services,
the pages and the first-login redirect."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from mentora.accounts.models import MenteeProfile
from mentora.home.onboarding import steps
from mentora.home.onboarding.errors import OnboardingError
from mentora.home.onboarding.queries import facts_for, progress_of, unfinished_count
from mentora.home.onboarding.services import (
    onboarding_finish,
    onboarding_skip,
    onboarding_step_save,
)
from mentora.programs.models import Role
from mentora.scheduling.models import WeeklyHours
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db


def new_person(program, *roles, **extra):
    user = f.UserFactory(onboarded_at=None, activated_at=None, **extra)
    for role in roles:
        f.MembershipFactory(user=user, program=program, role=role)
    return user


# --- steps.py: pure ------------------------------------------------------------


def test_steps_per_role():
    assert steps.steps_needed({Role.MENTEE}) == (steps.ABOUT, *steps.MENTEE_STEPS)
    assert steps.steps_needed({Role.MENTOR}) == (steps.ABOUT, *steps.MENTOR_STEPS)
    both = steps.steps_needed({Role.MENTOR, Role.MENTEE})
    assert both == (steps.ABOUT, *steps.MENTEE_STEPS, *steps.MENTOR_STEPS)
    assert steps.steps_needed({Role.SUCCESS_MANAGER}) == (steps.ABOUT,)
    assert steps.steps_needed({Role.ADMIN, Role.SUCCESS_MANAGER}) == (steps.ABOUT,)
    assert steps.steps_needed(set()) == (steps.ABOUT,)


def test_completion_is_decided_by_the_data():
    empty = steps.progress({Role.MENTEE, Role.MENTOR}, steps.Facts(name=" "))
    assert empty.complete == frozenset()
    assert empty.first_unfinished == steps.ABOUT
    filled = steps.Facts(
        name="Nia",
        has_mentee_profile=True,
        learning="Python",
        target_roles="Backend developer",
        has_mentor_profile=True,
        headline="Backend engineer",
        knowledge_areas=0,
        mentor_stack=2,  # a stack alone is a strength
        meeting_link="https://meet.example.org/nia",
        weekly_ranges=1,
    )
    assert steps.progress({Role.MENTEE, Role.MENTOR}, filled).done
    no_hours = steps.progress({Role.MENTOR}, steps.Facts(**{**filled.__dict__, "weekly_ranges": 0}))
    assert no_hours.first_unfinished == steps.MENTOR_HOURS
    no_roles = steps.progress({Role.MENTEE}, steps.Facts(**{**filled.__dict__, "target_roles": ""}))
    assert no_roles.unfinished() == [steps.MENTEE_GOALS]


def test_progress_numbers_the_steps():
    p = steps.progress({Role.MENTEE}, steps.Facts())
    assert p.total == 4
    assert p.number(steps.MENTEE_GOALS) == 2
    assert p.next_after(steps.MENTEE_BACKGROUND) is None
    assert p.previous(steps.ABOUT) is None


def test_a_profile_filled_elsewhere_counts(program):
    # The conftest mentor has a full profile but no weekly hours and no link yet.
    person = new_person(program, Role.MENTOR, name="Mo")
    f.MentorProfileFactory(user=person, meeting_link="https://meet.example.org/mo")
    assert progress_of(person).unfinished() == [steps.MENTOR_HOURS]
    f.WeeklyHoursFactory(mentor=person)
    assert progress_of(person).done
    assert facts_for(person).mentor_stack == 2


def test_roles_in_any_program_count(program, outsider):
    elsewhere = outsider.memberships.get().program
    person = new_person(program, Role.MENTOR)
    f.MembershipFactory(user=person, program=elsewhere, role=Role.MENTEE)
    assert progress_of(person).steps == (steps.ABOUT, *steps.MENTEE_STEPS, *steps.MENTOR_STEPS)


# --- services --------------------------------------------------------------------


def test_step_save_writes_only_the_step_fields(program):
    person = new_person(program, Role.MENTEE)
    onboarding_step_save(
        user=person,
        step=steps.MENTEE_DAY,
        data={"meets_from": time(7), "meets_until": time(12), "learning": "sneaked in"},
    )
    profile = MenteeProfile.objects.get(user=person)
    assert (profile.meets_from, profile.meets_until) == (time(7), time(12))
    assert profile.learning == ""


def test_step_save_refusal_names_the_field(program):
    person = new_person(program, Role.MENTEE)
    with pytest.raises(OnboardingError) as caught:
        onboarding_step_save(
            user=person, step=steps.ABOUT, data={"name": "Nia", "time_zone": "Mars/Olympus"}
        )
    assert caught.value.field == "time_zone"
    before = person.time_zone
    person.refresh_from_db()
    assert person.time_zone == before


def test_weekly_hours_step_adds_through_scheduling(program):
    person = new_person(program, Role.MENTOR)
    onboarding_step_save(
        user=person,
        step=steps.MENTOR_HOURS,
        data={"weekday": 1, "start_time": time(18), "end_time": time(20)},
    )
    assert WeeklyHours.objects.filter(mentor=person, weekday=1).count() == 1


def test_skip_sets_skipped_at_once(program, now):
    person = new_person(program, Role.MENTEE)
    onboarding_skip(user=person, now=now)
    assert person.onboarding_skipped_at == now
    onboarding_skip(user=person, now=now + timedelta(hours=1))
    assert person.onboarding_skipped_at == now
    assert person.onboarded_at is None


def test_finish_refuses_until_every_step_is_complete(program):
    person = new_person(program, Role.MENTEE, name="Nia")
    with pytest.raises(OnboardingError, match="What you are learning"):
        onboarding_finish(user=person)
    f.MenteeProfileFactory(user=person)
    onboarding_finish(user=person)
    assert person.onboarded_at is not None


def test_staff_count_is_one_query(program, mentee, django_assert_num_queries):
    new_person(program, Role.MENTEE)
    both = new_person(program, Role.MENTEE, Role.MENTOR)
    assert both.memberships.count() == 2
    new_person(f.ProgramFactory(), Role.MENTEE)  # another program's
    with django_assert_num_queries(1):
        assert unfinished_count(program) == 2
