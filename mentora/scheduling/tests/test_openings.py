""" "Who has an opening this week": every mentor of a program in a fixed number of queries."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentora.programs.models import Role
from mentora.scheduling import queries
from mentora.scheduling.availability.openings import mentors_with_opening
from mentora.tests import factories as f

from .conftest import NOW, ny

pytestmark = pytest.mark.django_db
WEEK = (NOW, NOW + timedelta(days=7))
WEDNESDAY = 2


def make_mentor(program, *, weekday=WEDNESDAY, start=time(10), end=time(12), tz="America/New_York"):
    user = f.UserFactory(time_zone=tz)
    f.MembershipFactory(user=user, program=program, role=Role.MENTOR)
    f.WeeklyHoursFactory(mentor=user, weekday=weekday, start_time=start, end_time=end)
    return user


def book(program, mentor, starts_at):
    mentorship = f.MentorshipFactory(program=program, mentor=mentor)
    return f.SessionFactory(mentorship=mentorship, starts_at=starts_at)


def openings(program, window=WEEK):
    return mentors_with_opening(program=program, window=window, now=NOW)


def test_mentor_with_hours_appears_with_first_start(program, mentor, open_all_week):
    # NOW is Monday 12:00 UTC; 12 hours' notice makes Tuesday 00:00 UTC (Monday
    # 19:00 in New York, inside 09:00-21:00) the first start.
    assert openings(program) == [(mentor.pk, ny(2027, 1, 4, 19))]


def test_first_start_skips_a_booked_session(program):
    mentor = make_mentor(program)
    book(program, mentor, ny(2027, 1, 6, 10))

    # 10:00-10:45 plus 10 minutes' buffer: 11:00 is the first start that fits.
    assert openings(program) == [(mentor.pk, ny(2027, 1, 6, 11))]


def test_fully_booked_mentor_is_left_out(program):
    busy = make_mentor(program, end=time(10, 45))
    free = make_mentor(program, end=time(10, 45))
    book(program, busy, ny(2027, 1, 6, 10))

    assert openings(program) == [(free.pk, ny(2027, 1, 6, 10))]


def test_session_in_another_program_blocks_the_mentor(program):
    mentor = make_mentor(program, end=time(10, 45))
    book(f.ProgramFactory(), mentor, ny(2027, 1, 6, 10))

    assert openings(program) == []


def test_mentor_on_time_off_is_left_out(program):
    away = make_mentor(program)
    f.TimeOffFactory(mentor=away, starts_on=date(2027, 1, 4), ends_on=date(2027, 1, 12))

    assert openings(program) == []


def test_day_off_moves_the_first_start_to_extra_hours(program):
    mentor = make_mentor(program)
    f.DateOverrideFactory(mentor=mentor, date=date(2027, 1, 6), kind="day_off")
    f.DateOverrideFactory(
        mentor=mentor, date=date(2027, 1, 8), kind="extra", start_time=time(15), end_time=time(16)
    )

    assert openings(program) == [(mentor.pk, ny(2027, 1, 8, 15))]


def test_mentor_without_hours_or_of_another_program_is_left_out(program):
    f.MembershipFactory(user=f.UserFactory(), program=program, role=Role.MENTOR)
    make_mentor(f.ProgramFactory())
    mentee_with_hours = make_mentor(program)
    mentee_with_hours.memberships.update(role=Role.MENTEE)

    assert openings(program) == []


def test_openings_are_soonest_first(program):
    thursday = make_mentor(program, weekday=3)
    wednesday = make_mentor(program, weekday=2)

    assert [pk for pk, _ in openings(program)] == [wednesday.pk, thursday.pk]


def test_openings_agree_with_one_mentor_open_slots(program):
    mentors = [
        make_mentor(program, tz="America/New_York"),
        make_mentor(program, tz="Asia/Kolkata", weekday=0, start=time(8), end=time(20)),
        make_mentor(program, tz="Australia/Sydney", weekday=5, start=time(6), end=time(7)),
    ]
    book(program, mentors[1], NOW + timedelta(hours=14))

    expected = sorted(
        (m.pk, queries.mentor_open_slots(mentor=m, program=program, window=WEEK, now=NOW)[0])
        for m in mentors
    )

    assert sorted(openings(program)) == expected


def count_queries(program) -> int:
    with CaptureQueriesContext(connection) as ctx:
        openings(program)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_mentors(program):
    first = make_mentor(program)
    book(program, first, ny(2027, 1, 6, 10))
    f.TimeOffFactory(mentor=first, starts_on=date(2027, 1, 9), ends_on=date(2027, 1, 9))
    one = count_queries(program)
    for _ in range(4):
        mentor = make_mentor(program)
        book(program, mentor, ny(2027, 1, 6, 10))
        f.DateOverrideFactory(mentor=mentor, date=date(2027, 1, 7), kind="day_off")

    # Five tables, then the connected calendars and their busy times.
    assert count_queries(program) == one == 7
    assert len(openings(program)) == 5
