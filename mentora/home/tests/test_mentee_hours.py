"""The mentee's own hours (MenteeProfile.meets_from/meets_until) replace the
hard-coded "mentee's day" in the regular-time proposal and in matching's
availability overlap; without a profile the default day stays.

conftest's mentor is in New York, the mentees in Berlin.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from mentora.accounts.models import MenteeProfile
from mentora.matching.engine.features import (
    DEFAULT_DAY,
    load_mentees,
    load_mentors,
    mentee_day_hours,
    mentee_day_of,
)
from mentora.matching.engine.scoring import availability_reason
from mentora.matching.lifecycle import rhythm
from mentora.matching.mentor_requests import directory
from mentora.scheduling.cadence.proposal import Rules, WeeklyRange, propose_weekly_time
from mentora.tests import factories as f

TUESDAY = 1
FORTY_FIVE = Rules(length_minutes=45, grid_minutes=15, weeks=4)


def test_the_proposal_keeps_inside_the_mentees_own_hours_across_a_clock_change():
    # A Berlin mentor's Tuesday 18:00–20:00; the mentee is in São Paulo (no DST).
    # Before 28 March 2027 Berlin 18:00 is 14:00 in São Paulo, after it 13:00.
    hours = [WeeklyRange(TUESDAY, time(18), time(20))]

    def propose(day=None):
        extra = {"mentee_day": day} if day else {}
        return propose_weekly_time(
            hours=hours,
            taken=(),
            mentor_zone="Europe/Berlin",
            mentee_zone="America/Sao_Paulo",
            first_day=date(2027, 3, 15),
            rules=FORTY_FIVE,
            **extra,
        )

    default = propose()
    assert default is not None and default.at == time(18)
    # From 13:30 only: 18:00 Berlin falls at 13:00 after Berlin's change, so 18:30 it is.
    own = propose((time(13, 30), time(22)))
    assert own is not None and own.at == time(18, 30)
    assert propose((time(7), time(12))) is None


@pytest.mark.django_db
def test_a_new_pairing_is_proposed_inside_the_mentees_hours(mentorship, mentor, mentee):
    # Tuesday 09:00–17:00 New York is 15:00–23:00 in Berlin; this mentee meets from 19:00.
    f.WeeklyHoursFactory(mentor=mentor, weekday=TUESDAY, start_time=time(9), end_time=time(17))
    MenteeProfile.objects.filter(user=mentee).update(meets_from=time(19), meets_until=time(22))
    with time_machine.travel(datetime(2027, 1, 4, 12, tzinfo=UTC), tick=False):
        proposal = rhythm.regular_time_propose(mentorship=mentorship)
    assert proposal is not None and proposal.time_of_day == time(13)  # 19:00 in Berlin


@pytest.mark.django_db
def test_matching_counts_the_overlap_inside_the_mentees_hours(program, mentor, mentee):
    f.WeeklyHoursFactory(mentor=mentor, weekday=TUESDAY, start_time=time(9), end_time=time(17))
    reference = date(2027, 1, 4)
    [before] = load_mentees(program, reference, [mentee.pk])
    [mentor_features] = load_mentors(program, reference, [mentor.pk])
    # The profile's default day, 08:00–21:00 Berlin: 15:00–21:00 of the mentor's range.
    assert len(before.hours & mentor_features.hours) == 6

    MenteeProfile.objects.filter(user=mentee).update(meets_from=time(19), meets_until=time(23))
    [after] = load_mentees(program, reference, [mentee.pk])
    assert after.day == (time(19), time(23))
    assert len(after.hours & mentor_features.hours) == 4  # 19:00–23:00 Berlin
    assert "19:00–23:00" in availability_reason(after, mentor_features, 1.0)


@pytest.mark.django_db
def test_the_mentees_day_follows_daylight_saving(program, mentee):
    MenteeProfile.objects.filter(user=mentee).update(meets_from=time(9), meets_until=time(10))
    winter = min(mentee_day_hours("Europe/Berlin", date(2027, 1, 4), (time(9), time(10))))
    summer = min(mentee_day_hours("Europe/Berlin", date(2027, 7, 5), (time(9), time(10))))
    assert (winter, summer) == (8, 7)  # Monday 08:00 UTC in winter, 07:00 in summer
    assert mentee_day_of(mentee.pk) == (time(9), time(10))
    assert mentee_day_of(f.UserFactory().pk) == DEFAULT_DAY


@pytest.mark.django_db
def test_the_directory_uses_the_viewing_mentees_hours(client, program, mentor, mentee):
    f.WeeklyHoursFactory(mentor=mentor, weekday=TUESDAY, start_time=time(9), end_time=time(17))
    MenteeProfile.objects.filter(user=mentee).update(meets_from=time(19), meets_until=time(23))
    now = datetime(2027, 1, 4, 12, tzinfo=UTC)
    candidates = directory.directory_candidates(program=program, viewer=mentee, now=now)
    assert candidates.viewer_day == (time(19), time(23))
    [card_mentor] = [m for m in candidates.mentors if m.user_id == mentor.pk]
    assert len(candidates.viewer_hours & card_mentor.hours) == 4

    with time_machine.travel(now, tick=False):
        client.force_login(mentee)
        page = client.get("/p/bootcamp/mentors/")
    assert "Your day is 19:00–23:00 in your time zone." in page.content.decode()
