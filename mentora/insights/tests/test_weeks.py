"""Weeks numbered by the database (insights/weeks.py): local Mondays, daylight saving
right on SQLite and PostgreSQL alike, and the weekly figures equal to a count by hand
in Python over the same rows."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mentora.insights.access import Scope
from mentora.insights.figures import Period, figures
from mentora.insights.tests.factories import session
from mentora.insights.weeks import week_number, week_starts
from mentora.mentoring.models import GoalMet
from mentora.programs.models import Mentorship
from mentora.scheduling.models import Session, SessionStatus
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def numbered(mondays: list[date], zone: ZoneInfo) -> dict[datetime, int | None]:
    rows = Session.objects.annotate(week=week_number("starts_at", mondays, zone))
    return dict(rows.values_list("starts_at", "week"))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def mia(program, mentee):
    return Mentorship.objects.get(mentee=mentee)


def test_week_starts_are_local_midnights_across_the_spring_change():
    starts = week_starts([date(2027, 3, 22), date(2027, 3, 29)], BERLIN)
    # CET before the change (UTC+1), CEST after it (UTC+2): a week of 167 hours.
    assert [s.astimezone(UTC) for s in starts] == [
        at(2027, 3, 21, 23),
        at(2027, 3, 28, 22),
        at(2027, 4, 4, 22),
    ]


def test_spring_forward_in_berlin(mia):
    # Clocks go forward on Sunday 28 March 2027: Monday 29 March starts at 22:00 UTC.
    sunday_late = session(mia, at(2027, 3, 28, 21, 30)).starts_at  # Sun 23:30 CEST
    monday_early = session(mia, at(2027, 3, 28, 22, 30)).starts_at  # Mon 00:30 CEST
    first = session(mia, at(2027, 3, 21, 23, 0)).starts_at  # Mon 22 March 00:00 CET
    before = session(mia, at(2027, 3, 21, 21, 55)).starts_at  # Sun 21 March 22:55 CET

    weeks = numbered([date(2027, 3, 22), date(2027, 3, 29)], BERLIN)

    assert weeks[before] is None
    assert weeks[first] == 0
    assert weeks[sunday_late] == 0
    assert weeks[monday_early] == 1


def test_fall_back_in_berlin(mia):
    # Clocks go back on Sunday 31 October 2027: Monday 1 November starts at 23:00 UTC.
    sunday_late = session(mia, at(2027, 10, 31, 22, 30)).starts_at  # Sun 23:30 CET
    monday_early = session(mia, at(2027, 10, 31, 23, 30)).starts_at  # Mon 00:30 CET
    # The hour that happens twice (02:00-03:00 local) is inside the week, both times.
    twice = [session(mia, at(2027, 10, 31, h, 15)).starts_at for h in (0, 1)]

    weeks = numbered([date(2027, 10, 25), date(2027, 11, 1)], BERLIN)

    assert weeks[sunday_late] == 0
    assert weeks[monday_early] == 1
    assert [weeks[t] for t in twice] == [0, 0]


def test_fall_back_in_new_york(mia):
    # Clocks go back on Sunday 7 November 2027: Monday 8 November starts at 05:00 UTC.
    sunday_late = session(mia, at(2027, 11, 8, 4, 30)).starts_at  # Sun 23:30 EST
    monday_early = session(mia, at(2027, 11, 8, 5, 30)).starts_at  # Mon 00:30 EST
    last_monday = session(mia, at(2027, 11, 1, 4, 0)).starts_at  # Mon 1 Nov 00:00 EDT

    weeks = numbered([date(2027, 11, 1), date(2027, 11, 8)], NEW_YORK)

    assert weeks[last_monday] == 0
    assert weeks[sunday_late] == 0
    assert weeks[monday_early] == 1
    assert weeks == numbered([date(2027, 11, 1), date(2027, 11, 8)], NEW_YORK)


def test_no_weeks_numbers_nothing(mia):
    session(mia, at(2027, 3, 28, 21, 30))
    assert set(numbered([], BERLIN).values()) == {None}


def test_many_weeks_each_get_their_own_number(mia):
    mondays = [date(2027, 1, 4) + timedelta(weeks=i) for i in range(53)]
    moments = [datetime.combine(m, datetime.min.time(), BERLIN) for m in mondays]
    for i, moment in enumerate(moments):
        session(mia, (moment + timedelta(days=i % 7, hours=12)).astimezone(UTC))

    weeks = numbered(mondays, BERLIN)

    assert sorted(w for w in weeks.values() if w is not None) == list(range(53))


# --- the weekly figures against a count by hand --------------------------------------------


def _local_monday(moment: datetime, zone: ZoneInfo) -> date:
    local = moment.astimezone(zone).date()
    return local - timedelta(days=local.weekday())


def test_weekly_figures_equal_a_count_by_hand_across_daylight_saving(
    program, mentee, other_mentee, mentor
):
    """Six weeks around the spring change, sessions at random times (many near
    midnight), random outcomes, agendas, both parties' reflections and feedback."""
    rng = random.Random(18)
    zone = ZoneInfo(program.time_zone)
    pairs = list(Mentorship.objects.filter(program=program))
    Mentorship.objects.filter(program=program).update(started_at=at(2027, 1, 1, 9))
    period = Period.covering(date(2027, 3, 8), date(2027, 4, 18), zone)
    statuses = [
        SessionStatus.HELD,
        SessionStatus.HELD,
        SessionStatus.MENTEE_NO_SHOW,
        SessionStatus.MENTOR_NO_SHOW,
        SessionStatus.SCHEDULED,
    ]
    expected: Counter[tuple[date | None, str]] = Counter()
    start = period.start - timedelta(days=3)
    for n in range(60):
        pair = pairs[n % len(pairs)]
        moment = start + timedelta(hours=n * 15 + rng.choice([0, 1, 2, 13]), minutes=30)
        moment = moment.replace(minute=30 if n % 2 else 45)
        late = rng.choice([None, None, None, True, False])
        status = rng.choice(statuses)
        goal = rng.choice([None, "", "Ship the booking page"])
        s = session(pair, moment.astimezone(UTC), status, late=late, goal=goal)
        monday = _local_monday(s.starts_at, zone)
        expected[monday, "scheduled"] += 1
        if s.status == SessionStatus.HELD:
            expected[monday, "held"] += 1
            expected[monday, "prepared"] += int(bool(goal))
        if s.status == SessionStatus.CANCELLED:
            expected[monday, "late" if late else "on_time"] += 1
        if rng.random() < 0.6:
            met = rng.choice([GoalMet.YES, GoalMet.PARTLY, GoalMet.NO])
            f.ReflectionFactory(session=s, author=s.mentee, goal_met=met)
            expected[monday, f"goal_{met}"] += 1
        if rng.random() < 0.5:  # the mentor's own answer never counts as the goal's
            f.ReflectionFactory(session=s, author=s.mentor, goal_met=GoalMet.NO)
        if rng.random() < 0.5:
            rating = rng.randint(1, 5)
            f.FeedbackFactory(session=s, rating=rating)
            expected[monday, "feedback"] += 1
            expected[monday, "rating"] += rating

    got = figures(Scope(program, None), period)

    assert [w.starts_on for w in got.weeks] == period.weeks
    for week in got.weeks:
        m = week.starts_on
        assert (
            week.scheduled,
            week.held,
            week.prepared,
            week.cancelled_late,
            week.cancelled_on_time,
            week.goal_yes,
            week.goal_partly,
            week.goal_no,
            week.feedback_count,
            week.feedback_sum,
        ) == (
            expected[m, "scheduled"],
            expected[m, "held"],
            expected[m, "prepared"],
            expected[m, "late"],
            expected[m, "on_time"],
            expected[m, f"goal_{GoalMet.YES}"],
            expected[m, f"goal_{GoalMet.PARTLY}"],
            expected[m, f"goal_{GoalMet.NO}"],
            expected[m, "feedback"],
            expected[m, "rating"],
        ), m
    inside = set(period.weeks)
    assert got.total.scheduled == sum(
        n for (m, key), n in expected.items() if key == "scheduled" and m in inside
    )
