"""The first regular time proposed to a new pairing: literal zones, dates and times."""

from datetime import UTC, date, datetime, time

from mentora.scheduling.cadence.proposal import (
    ProposedTime,
    Rules,
    WeeklyRange,
    propose_weekly_time,
)

NEW_YORK, BERLIN = "America/New_York", "Europe/Berlin"
TUESDAY, WEDNESDAY, MONDAY, THURSDAY = 1, 2, 0, 3
FORTY_FIVE = Rules(length_minutes=45, grid_minutes=15, weeks=4)


def propose(hours, *, first_day, rules=FORTY_FIVE, taken=(), mentee_zone=BERLIN):
    return propose_weekly_time(
        hours=hours,
        taken=taken,
        mentor_zone=NEW_YORK,
        mentee_zone=mentee_zone,
        first_day=first_day,
        rules=rules,
    )


def test_new_york_mentor_and_berlin_mentee_get_the_first_time_before_berlin_evening_ends():
    # January: Berlin is six hours ahead. Monday evening in New York is past
    # midnight in Berlin; Tuesday 14:00 New York is 20:00–20:45 in Berlin.
    hours = [WeeklyRange(MONDAY, time(18), time(20)), WeeklyRange(TUESDAY, time(14), time(20))]
    proposed = propose(hours, first_day=date(2027, 1, 11))
    assert proposed == ProposedTime(
        weekday=TUESDAY,
        at=time(14),
        first_day=date(2027, 1, 12),
        first_start=datetime(2027, 1, 12, 19, 0, tzinfo=UTC),
    )


def test_nothing_in_the_mentees_day_proposes_nothing():
    hours = [WeeklyRange(MONDAY, time(18), time(22))]  # 00:00–04:00 in Berlin
    assert propose(hours, first_day=date(2027, 1, 11)) is None


def test_a_time_that_leaves_the_mentees_day_after_their_clock_change_is_not_proposed():
    # 15 March 2027: New York has moved its clocks (14 March), Berlin moves on 28 March.
    # Tuesday 15:00 New York is 20:00 in Berlin for two weeks, then 21:00.
    hours = [WeeklyRange(TUESDAY, time(15), time(16))]
    assert propose(hours, first_day=date(2027, 3, 15)) is None
    # Looking one week ahead only, it still fits.
    one_week = Rules(length_minutes=45, grid_minutes=15, weeks=1)
    proposed = propose(hours, first_day=date(2027, 3, 15), rules=one_week)
    assert proposed is not None and proposed.at == time(15)
    assert proposed.first_start == datetime(2027, 3, 16, 19, 0, tzinfo=UTC)


def test_across_the_clock_change_the_proposal_stays_humane_in_every_week():
    hours = [WeeklyRange(TUESDAY, time(14), time(16))]
    proposed = propose(hours, first_day=date(2027, 3, 15))
    # 14:00 New York: 19:00 Berlin before 28 March, 20:00 after; both end by 21:00.
    assert proposed is not None
    assert (proposed.weekday, proposed.at) == (TUESDAY, time(14))


def test_the_soonest_first_session_wins_not_the_first_weekday():
    hours = [WeeklyRange(MONDAY, time(10), time(12)), WeeklyRange(THURSDAY, time(10), time(12))]
    proposed = propose(hours, first_day=date(2027, 1, 13))  # a Wednesday
    assert proposed is not None
    assert (proposed.weekday, proposed.first_day) == (THURSDAY, date(2027, 1, 14))


def test_the_session_length_must_fit_inside_the_hours():
    hours = [WeeklyRange(TUESDAY, time(9), time(9, 30))]
    assert propose(hours, first_day=date(2027, 1, 11), mentee_zone=NEW_YORK) is None


def test_buffers_keep_clear_of_the_mentors_other_regular_sessions():
    hours = [WeeklyRange(TUESDAY, time(9), time(12))]
    taken = [WeeklyRange(TUESDAY, time(9), time(9, 45))]
    rules = Rules(
        length_minutes=45,
        buffer_before_minutes=5,
        buffer_after_minutes=10,
        grid_minutes=15,
        weeks=4,
    )
    proposed = propose(
        hours, first_day=date(2027, 1, 11), rules=rules, taken=taken, mentee_zone=NEW_YORK
    )
    # 09:45 would start 5 minutes before the other's 10-minute buffer ends.
    assert proposed is not None and proposed.at == time(10)


def test_another_weekday_taken_does_not_block():
    hours = [WeeklyRange(TUESDAY, time(9), time(12))]
    taken = [WeeklyRange(WEDNESDAY, time(9), time(12))]
    proposed = propose(hours, first_day=date(2027, 1, 11), taken=taken, mentee_zone=NEW_YORK)
    assert proposed is not None and proposed.at == time(9)
