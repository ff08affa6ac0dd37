"""Service levels (#13): the percentile, the three waits of a hand-built world, the
cohort filter and a success manager's scope, the people still waiting, a flat
query count, and who sees them (admins and staff on insights; only admins on the home)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentora.insights.access import Scope
from mentora.insights.figures import Period
from mentora.insights.queries import default_period
from mentora.insights.service_levels import percentile, service_levels
from mentora.insights.tests.factories import ConcernFactory, session
from mentora.matching.models import ConcernOutcome, ConcernStatus
from mentora.programs.models import (
    EndReason,
    Membership,
    MembershipStatus,
    MentorshipStatus,
    Role,
)
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


# --- the percentile -----------------------------------------------------------------------


def test_percentile_of_nothing_is_none():
    assert percentile([], 50) is None
    assert percentile((), 90) is None


def test_percentile_of_one_value_is_that_value():
    assert percentile([4.5], 50) == 4.5
    assert percentile([4.5], 90) == 4.5
    assert percentile([4.5], 0) == 4.5


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert percentile([7, 1, 3, 5], 50) == 4.0


def test_percentile_interpolates_linearly_between_ranks():
    values = [10, 1, 2, 3, 4, 5, 6, 7, 8, 9]  # unsorted on purpose
    assert percentile(values, 90) == pytest.approx(9.1)
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 10
    assert percentile([1, 2, 3], 50) == 2


def test_percentile_refuses_a_share_outside_0_to_100():
    with pytest.raises(ValueError):
        percentile([1.0], 101)


# --- a hand-built world ------------------------------------------------------------------


def ago(days):
    return NOW - timedelta(days=days)


def _mentee(program, name, joined_days_ago, **membership):
    user = f.UserFactory(name=name)
    m = f.MembershipFactory(user=user, program=program, role=Role.MENTEE, **membership)
    Membership.objects.filter(pk=m.pk).update(joined_at=ago(joined_days_ago))
    return user


@pytest.fixture
def world(program, cohort, success_manager):
    """Who waited how long (days). The default period holds the last 12 weeks."""
    mentor = f.UserFactory(name="Max Mentor")
    f.MembershipFactory(user=mentor, program=program, role=Role.MENTOR)
    other_mentor = f.UserFactory(name="Nia Mentor")
    f.MembershipFactory(user=other_mentor, program=program, role=Role.MENTOR)

    def pair(mentee, days_ago, who=mentor, **kw):
        return f.MentorshipFactory(
            program=program, mentor=who, mentee=mentee, started_at=ago(days_ago), **kw
        )

    # Ann (cohort, Sam's): joined 20 days ago, matched 2 days later; first held
    # session 7 days after the match (a cancelled one before it doesn't count);
    # a concern resolved in 3 days.
    ann = _mentee(program, "Ann", 20, cohort=cohort, success_manager=success_manager)
    ann_m = pair(ann, 18)
    session(ann_m, ago(15), late=False)
    session(ann_m, ago(11), SessionStatus.HELD)
    session(ann_m, ago(4) + timedelta(hours=1), SessionStatus.HELD)
    ConcernFactory(
        mentorship=ann_m,
        created_at=ago(10),
        status=ConcernStatus.RESOLVED,
        resolved_at=ago(7),
        outcome=ConcernOutcome.KEEP_GOING,
    )
    # Ben (Sam's): matched 10 days after joining, no session held in 20 days; an open
    # concern 4 days old; a second mentor alongside since 2 days (not a re-match).
    ben = _mentee(program, "Ben", 30, success_manager=success_manager)
    ben_m = pair(ben, 20)
    session(ben_m, ago(13) + timedelta(hours=3), SessionStatus.MENTEE_NO_SHOW)
    ConcernFactory(mentorship=ben_m, created_at=ago(4))
    pair(ben, 2, who=other_mentor)
    # Cat (cohort): joined 5 days ago, not matched yet.
    _mentee(program, "Cat", 5, cohort=cohort)
    # Dan: everything long before the period.
    dan = _mentee(program, "Dan", 200)
    dan_m = pair(dan, 190)
    session(dan_m, ago(185) + timedelta(hours=5), SessionStatus.HELD)
    ConcernFactory(
        mentorship=dan_m,
        created_at=ago(189),
        status=ConcernStatus.RESOLVED,
        resolved_at=ago(188),
        outcome=ConcernOutcome.KEEP_GOING,
    )
    # Eve left the program unmatched: not waiting.
    _mentee(
        program,
        "Eve",
        50,
        is_active=False,
        status=MembershipStatus.LEFT,
        ended_at=ago(1),
    )
    # Fay: matched 5 days after joining; a concern 12 days ago never resolved, but
    # the mentorship ended and she began with another mentor 6 days after it (a
    # re-match); the new pair held their first session after 4 days.
    fay = _mentee(program, "Fay", 40)
    fay_first = pair(
        fay,
        35,
        status=MentorshipStatus.ENDED,
        ended_at=ago(8),
        end_reason=EndReason.OTHER,
    )
    ConcernFactory(mentorship=fay_first, created_at=ago(12))
    fay_second = pair(fay, 6, who=other_mentor)
    session(fay_second, ago(2), SessionStatus.HELD)
    # Gus: matched a day after joining, then paused without a session: not waiting.
    gus = _mentee(program, "Gus", 15)
    pair(gus, 14, status=MentorshipStatus.PAUSED)
    return program


def _period(program):
    zone = ZoneInfo(program.time_zone)
    return Period.covering(*default_period(NOW.astimezone(zone).date(), 12), zone)


def _levels(program, success_manager=None, cohort=None):
    return service_levels(Scope(program, success_manager), _period(program), cohort, NOW)


def _sorted(values):
    return sorted(round(v, 3) for v in values)


def test_whole_program_waits(world):
    levels = _levels(world)

    match = levels.to_match
    assert _sorted(match.finished) == [1, 2, 5, 10]  # Dan's match is before the period
    assert match.median == 3.5 and match.p90 == pytest.approx(8.5)
    assert _sorted(match.waiting) == [5]  # Cat; Eve has left

    first = levels.to_first_session
    assert _sorted(first.finished) == [4, 7]  # a cancellation or no-show is not held
    assert first.median == 5.5 and first.p90 == pytest.approx(6.7)
    # Ben's first pair (20 days) and his second (2 days); Gus is paused, Fay's first ended
    assert _sorted(first.waiting) == [2, 20]
    assert first.waiting_median == 11 and first.waiting_longest == 20

    concern = levels.to_resolution
    assert _sorted(concern.finished) == [3, 6]  # resolved; re-matched without resolving
    assert _sorted(concern.waiting) == [4]  # Ben's second mentor is no re-match


def test_cohort_filter(world, cohort):
    levels = _levels(world, cohort=cohort)

    assert _sorted(levels.to_match.finished) == [2] and _sorted(levels.to_match.waiting) == [5]
    assert _sorted(levels.to_first_session.finished) == [7]
    assert levels.to_first_session.waiting == ()
    assert _sorted(levels.to_resolution.finished) == [3] and levels.to_resolution.waiting == ()


def test_a_success_manager_sees_their_caseload_only(world, success_manager):
    levels = _levels(world, success_manager=success_manager)

    assert _sorted(levels.to_match.finished) == [2, 10] and levels.to_match.waiting == ()
    assert _sorted(levels.to_first_session.finished) == [7]
    assert _sorted(levels.to_first_session.waiting) == [2, 20]
    assert _sorted(levels.to_resolution.finished) == [3]
    assert _sorted(levels.to_resolution.waiting) == [4]


def test_an_empty_program_has_no_figures(program):
    for level in _levels(program):
        assert level.finished == () and level.waiting == ()
        assert level.median is None and level.p90 is None and level.waiting_longest is None


def test_three_queries_however_many_cases(program, cohort):
    mentor = f.UserFactory()

    def queries_with(n):
        for i in range(n):
            mentee = _mentee(program, f"M{i}", 10, cohort=cohort)
            m = f.MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
            ConcernFactory(mentorship=m, created_at=ago(1))
        with CaptureQueriesContext(connection) as captured:
            levels = _levels(program, cohort=cohort)
            list(levels)
        return len(captured.captured_queries)

    assert queries_with(1) == queries_with(12) == 3


# --- the pages -----------------------------------------------------------------------------


def _html(client, user, name, program, query=""):
    client.force_login(user)
    response = client.get(reverse(name, args=[program.slug]) + query)
    assert response.status_code == 200
    return response.text


def test_the_insights_page_shows_the_levels_with_its_cohort_filter(
    client, world, admin_user, cohort
):
    html = _html(client, admin_user, "insights", world)
    assert 'data-testid="service-levels"' in html
    row = html[html.index('data-level="to_match"') :]
    row = row[: row.index("</tr>")]
    assert "3.5" in row and "8.5" in row and "not matched yet" in row

    html = _html(client, admin_user, "insights", world, f"?cohort={cohort.pk}")
    row = html[html.index('data-level="to_first_session"') :]
    assert "7.0" in row[: row.index("</tr>")]


def test_the_admins_home_shows_the_levels(client, world, admin_user):
    html = _html(client, admin_user, "program_home", world)
    assert 'data-testid="home-service-levels"' in html
    assert "Joining to first match" in html and "(days, the last 12 weeks)" in html


@pytest.mark.parametrize("person", ["mentor", "success_manager"])
def test_no_home_but_an_admins_shows_the_programs_levels(client, request, world, person):
    html = _html(client, request.getfixturevalue(person), "program_home", world)
    assert "home-service-levels" not in html and "Joining to first match" not in html


def test_a_mentor_gets_no_insights(client, world, mentor):
    client.force_login(mentor)
    assert client.get(reverse("insights", args=[world.slug])).status_code == 404
