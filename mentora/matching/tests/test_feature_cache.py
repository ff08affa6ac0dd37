"""The directory's cached mentor pool: warm requests don't reload mentors, every
service that changes what matching knows about a mentor refreshes it, and the
cached ranking is the fresh ranking."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentora.accounts.choices import BackgroundField, KnowledgeArea, Visibility
from mentora.accounts.services import BackgroundEntry, profile_update
from mentora.matching.engine import cache as pool_cache
from mentora.matching.engine.features import load_mentees, load_mentors, not_a_fit_pairs
from mentora.matching.engine.scoring import Weights
from mentora.matching.engine.suggestions import rank_mentors, ranked_for_directory
from mentora.matching.lifecycle.offboarding import membership_graduate, membership_leave
from mentora.matching.lifecycle.services import mentorship_end, mentorship_start, mentorships_start
from mentora.matching.mentor_requests.directory import Filters, directory_candidates, directory_page
from mentora.matching.tests.people import mentee_in, mentor_in
from mentora.privacy.services import person_erase
from mentora.programs.models import EndReason, Membership, Role
from mentora.programs.services import membership_add
from mentora.scheduling.availability.services import weekly_hours_add, weekly_hours_remove
from mentora.scheduling.models import WeeklyHours
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeker(program):
    return mentee_in(program, "Sid Seeker", stack=["Python"], interests=[KnowledgeArea.BACKEND])


@pytest.fixture
def ana(program):
    return mentor_in(program, "Ana Backend", stack=["Python", "Django"], capacity=2)


@pytest.fixture
def ben(program):
    return mentor_in(program, "Ben Frontend", stack=["React"], capacity=2)


@pytest.fixture
def loads(monkeypatch):
    """How many times the pool was loaded from the database."""
    calls: list[int] = []
    real = pool_cache.load_mentors

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pool_cache, "load_mentors", counted)
    return calls


def cards(program, viewer, now):
    candidates = directory_candidates(program=program, viewer=viewer, now=now)
    return {
        c.mentor.name: c
        for c in directory_page(
            program=program,
            viewer=viewer,
            candidates=candidates,
            filters=Filters(),
            page=1,
            now=now,
        ).cards
    }


def test_a_second_request_does_not_load_the_mentors_again(program, seeker, ana, ben, now, loads):
    with CaptureQueriesContext(connection) as cold:
        first = cards(program, seeker, now)
    with CaptureQueriesContext(connection) as warm:
        second = cards(program, seeker, now)

    assert len(loads) == 1
    assert len(warm) <= len(cold) - 5  # the mentors' five queries
    assert list(first) == list(second) == ["Ana Backend", "Ben Frontend"]
    assert [c.why for c in first.values()] == [c.why for c in second.values()]


def test_staff_also_read_the_cached_pool(program, success_manager, ana, ben, now, loads):
    cards(program, success_manager, now)
    assert list(cards(program, success_manager, now)) == ["Ana Backend", "Ben Frontend"]
    assert len(loads) == 1


def test_another_week_loads_its_own_pool(program, seeker, ana, now, loads):
    # Hours are converted on the reference week: daylight saving may differ.
    cards(program, seeker, now)
    cards(program, seeker, now + timedelta(days=7))
    assert len(loads) == 2


def test_the_cached_ranking_is_the_fresh_ranking(program, seeker, ana, ben, now):
    mentor_in(program, "Ana Backend", stack=["Python"], capacity=0)  # same name, full
    mentor_in(program, "Cy Django", stack=["Django", "Go"], languages=["de"], capacity=3)
    reference = now.date()

    ranked_for_directory(program, seeker.pk, reference)
    ranking = ranked_for_directory(program, seeker.pk, reference)  # from the cache
    cached = list(ranking.values())
    worded = ranking.worded([r.mentor.user_id for r in cached])
    fresh = rank_mentors(
        load_mentees(program, reference, [seeker.pk])[0],
        load_mentors(program, reference),
        Weights.from_program(program),
        not_a_fit=not_a_fit_pairs(program),
        must_share_language=program.must_share_language,
    )

    assert [(r.mentor.user_id, r.score, r.feasible, r.why) for r in cached] == [
        (r.mentor.user_id, r.score, r.feasible, r.why) for r in fresh
    ]
    # A page's reasons worded in one pass are the ones worded one by one.
    assert [worded[r.mentor.user_id].explanation for r in fresh] == [r.explanation for r in fresh]


# --- every source of change refreshes the directory -------------------------------------


def test_a_profile_edit_refreshes_it(program, seeker, ana, ben, now):
    cards(program, seeker, now)
    profile_update(user=ana, account_data={"name": "Ana Renamed"}, mentor_data={"capacity": 0})

    found = cards(program, seeker, now)
    assert "Ana Renamed" in found
    assert not found["Ana Renamed"].has_room


def test_a_background_shared_later_refreshes_it_and_a_private_one_is_never_cached(
    program, seeker, ana, now
):
    cards(program, seeker, now)
    profile_update(
        user=ana,
        account_data={},
        background=[
            BackgroundEntry(
                field=BackgroundField.FIRST_IN_FAMILY,
                value="yes",
                visibility=Visibility.PRIVATE,
            )
        ],
    )
    pool = pool_cache.mentor_pool(program, now.date())
    assert all(
        fld != BackgroundField.FIRST_IN_FAMILY for m in pool.mentors for fld, _ in m.background
    )

    profile_update(
        user=ana,
        account_data={},
        background=[
            BackgroundEntry(
                field=BackgroundField.FIRST_IN_FAMILY,
                value="yes",
                visibility=Visibility.PROGRAM,
            )
        ],
    )
    pool = pool_cache.mentor_pool(program, now.date())
    assert (BackgroundField.FIRST_IN_FAMILY, "yes") in pool.mentors[0].background


def test_weekly_hours_added_and_removed_refresh_it(program, seeker, ana, now):
    before = cards(program, seeker, now)["Ana Backend"].overlap_hours

    hours = weekly_hours_add(mentor=ana, weekday=2, start_time=time(8), end_time=time(12))
    added = cards(program, seeker, now)["Ana Backend"].overlap_hours
    weekly_hours_remove(mentor=ana, weekly_hours_id=hours.pk)
    removed = cards(program, seeker, now)["Ana Backend"].overlap_hours

    assert added is not None and before is not None and added > before
    assert removed == before


def test_joining_refreshes_it(program, seeker, ana, now):
    cards(program, seeker, now)
    newcomer = f.UserFactory(name="Nia Newcomer")
    membership_add(user=newcomer, program=program, role=Role.MENTOR)

    assert "Nia Newcomer" in cards(program, seeker, now)


def test_leaving_refreshes_it(program, seeker, ana, ben, now, admin_user):
    cards(program, seeker, now)
    membership_leave(
        membership=Membership.objects.get(user=ben, program=program, role=Role.MENTOR),
        by=admin_user,
        now=now,
    )

    assert list(cards(program, seeker, now)) == ["Ana Backend"]


def test_a_mentorship_started_and_ended_refreshes_the_mentors_room(program, seeker, ana, now):
    other = mentee_in(program, "Oli Other")
    profile_update(user=ana, account_data={}, mentor_data={"capacity": 1})
    assert cards(program, seeker, now)["Ana Backend"].has_room

    mentorship = mentorship_start(program=program, mentor=ana, mentee=other, now=now)
    assert not cards(program, seeker, now)["Ana Backend"].has_room

    mentorship_end(mentorship=mentorship, reason=EndReason.OTHER, by=None, now=now)
    assert cards(program, seeker, now)["Ana Backend"].has_room


def test_a_cohort_publish_refreshes_the_mentors_room(program, seeker, ana, ben, now, admin_user):
    profile_update(user=ana, account_data={}, mentor_data={"capacity": 1})
    assert cards(program, seeker, now)["Ana Backend"].has_room

    mentorships_start(
        program=program,
        pairs=[(ana, mentee_in(program, "Oli Other"))],
        by=admin_user,
        now=now,
        propose_times=False,
    )

    assert not cards(program, seeker, now)["Ana Backend"].has_room


def test_a_mentee_graduating_frees_the_mentors_room(program, seeker, ana, now, admin_user):
    other = mentee_in(program, "Oli Other")
    profile_update(user=ana, account_data={}, mentor_data={"capacity": 1})
    mentorship_start(program=program, mentor=ana, mentee=other, now=now)
    assert not cards(program, seeker, now)["Ana Backend"].has_room

    membership_graduate(
        membership=Membership.objects.get(user=other, program=program, role=Role.MENTEE),
        by=admin_user,
        now=now,
    )

    assert cards(program, seeker, now)["Ana Backend"].has_room


def test_an_erasure_refreshes_it(program, seeker, ana, ben, now, admin_user):
    cards(program, seeker, now)
    person_erase(user=ben, program=program, by=admin_user, now=now)

    assert list(cards(program, seeker, now)) == ["Ana Backend"]


def test_time_off_does_not_enter_matching(program, seeker, ana, now, loads):
    # Matching reads weekly hours only; time off changes nothing it caches.
    cards(program, seeker, now)
    f.TimeOffFactory(mentor=ana, starts_on=now.date(), ends_on=now.date() + timedelta(days=3))
    cards(program, seeker, now)
    assert len(loads) == 1


def test_a_change_in_another_program_leaves_this_pool_alone(program, seeker, ana, now, loads):
    cards(program, seeker, now)
    elsewhere = f.ProgramFactory(slug="elsewhere")
    weekly_hours_add(
        mentor=mentor_in(elsewhere, "Ed Elsewhere"),
        weekday=3,
        start_time=time(9),
        end_time=time(10),
    )
    cards(program, seeker, now)
    assert len(loads) == 1


def test_a_pool_is_reloaded_after_its_time(program, seeker, ana, now, loads, monkeypatch):
    cards(program, seeker, now)
    # A change no service announced (a raw write), then the pool's time runs out.
    WeeklyHours.objects.filter(mentor=ana).delete()
    monkeypatch.setattr(pool_cache, "POOL_SECONDS", 0)

    assert cards(program, seeker, now)["Ana Backend"].overlap_hours == 0
    assert len(loads) == 2
