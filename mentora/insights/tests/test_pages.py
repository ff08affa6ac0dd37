"""The insights pages: who sees what (the CSV obeys the same rules), what they show,
bad input answered with a message rather than a 500, and query counts that don't
grow with mentees, mentors or sessions."""

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse

from mentora.insights.models import RiskPolicy
from mentora.insights.tests.factories import ConcernFactory, session
from mentora.programs.models import Mentorship, Role
from mentora.scheduling.models import CancelReason, MakeupRequest, Session, SessionStatus
from mentora.tests import factories as f
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

PAGES = ["caseload", "staff_mentors", "insights", "insights_csv"]


def url(name, program, *args):
    return reverse(name, args=[program.slug, *args])


@pytest.fixture
def second_manager(program, cohort):
    """Another success manager with a mentee of their own."""
    sue = f.UserFactory(email="sue@example.org", name="Sue Second")
    f.MembershipFactory(user=sue, program=program, role=Role.SUCCESS_MANAGER)
    rae = f.UserFactory(email="rae@example.org", name="Rae Else")
    f.MembershipFactory(user=rae, program=program, cohort=cohort, success_manager=sue)
    return sue, rae


# --- permissions ------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["mentee", "mentor", "other_mentee", "outsider"])
@pytest.mark.parametrize("page", PAGES)
def test_mentors_mentees_and_outsiders_see_none_of_it(client, request, program, person, page):
    client.force_login(request.getfixturevalue(person))
    assert client.get(url(page, program)).status_code == 404


@pytest.mark.parametrize("person", ["mentee", "mentor", "other_mentee", "outsider"])
def test_nobody_but_staff_opens_a_timeline(client, request, program, mentee, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(url("caseload_mentee", program, mentee.pk)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, program):
    response = client.get(url("insights_csv", program))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_success_manager_sees_only_their_caseload(
    client, program, success_manager, mentee, other_mentee, second_manager
):
    _, rae = second_manager
    client.force_login(success_manager)
    page = client.get(url("caseload", program)).content.decode()
    assert "Mia Mentee" in page and "Otto Other" in page
    assert "Rae Else" not in page
    assert client.get(url("caseload_mentee", program, rae.pk)).status_code == 404
    assert client.get(url("caseload_mentee", program, mentee.pk)).status_code == 200


def test_admin_sees_every_mentee(client, program, admin_user, mentee, second_manager):
    client.force_login(admin_user)
    page = client.get(url("caseload", program)).content.decode()
    assert "Mia Mentee" in page and "Rae Else" in page
    assert client.get(url("caseload_mentee", program, second_manager[1].pk)).status_code == 200


def test_csv_follows_the_caseload_rules(
    client, program, success_manager, admin_user, mentorship, second_manager, now
):
    sue, rae = second_manager
    other = f.UserFactory(name="Nina New")
    f.MembershipFactory(user=other, program=program, role=Role.MENTOR)
    rae_mentorship = f.MentorshipFactory(program=program, mentor=other, mentee=rae)
    session(mentorship, now - timedelta(days=1), SessionStatus.HELD)
    session(rae_mentorship, now - timedelta(days=2), SessionStatus.HELD)

    def held_total(user):
        client.force_login(user)
        response = client.get(url("insights_csv", program))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        total = response.content.decode().strip().splitlines()[-1].split(",")
        return total[0], int(total[2])

    assert held_total(success_manager) == ("Total", 1)
    assert held_total(sue) == ("Total", 1)
    assert held_total(admin_user) == ("Total", 2)


def test_csv_uses_the_same_filters_as_the_page(client, program, admin_user, cohort, mentorship):
    client.force_login(admin_user)
    response = client.get(
        url("insights_csv", program),
        {"start": "2026-12-01", "end": "2027-01-04", "cohort": cohort.pk},
    )
    lines = response.content.decode().strip().splitlines()
    assert lines[1].startswith("2026-11-30,")  # the Monday on or before 1 December
    assert lines[-2].startswith("2027-01-04,")
    assert (
        'filename="bootcamp-insights-2026-11-30-2027-01-10.csv"' in response["Content-Disposition"]
    )


# --- what the pages show -------------------------------------------------------------


def test_caseload_lists_the_reason_and_filters_by_signal(
    client, program, success_manager, mentorship, other_mentee, now
):
    ConcernFactory(mentorship=mentorship, created_at=now)
    client.force_login(success_manager)

    page = client.get(url("caseload", program)).content.decode()
    assert page.index("Mia Mentee") < page.index("Otto Other")
    assert "1 open concern" in page
    assert "Mo Mentor" in page.split("<tbody>")[1]  # each shown mentee's live mentor
    assert 'risk-badge-high">High</span>' in page and 'risk-badge-fine">Fine</span>' in page

    filtered = client.get(url("caseload", program), {"signal": "concern"}).content.decode()
    assert "Mia Mentee" in filtered and "Otto Other" not in filtered


def test_an_unmatched_mentee_is_not_fine_on_the_caseload(
    client, program, cohort, success_manager, mentee, now
):
    una = f.UserFactory(email="una@example.org", name="Una Unmatched")
    f.MembershipFactory(user=una, program=program, cohort=cohort, success_manager=success_manager)
    client.force_login(success_manager)

    page = client.get(url("caseload", program)).content.decode()
    row = page.split("Una Unmatched")[0].rsplit("<tr", 1)[1] + page.split("Una Unmatched")[1]
    row = row.split("</tr>")[0]
    assert 'risk-badge-watch">Watch</span>' in row
    assert "No mentor</span> Waiting for a mentor for 0 days, since joining on" in row
    filtered = client.get(url("caseload", program), {"signal": "no_mentor"}).content.decode()
    assert "Una Unmatched" in filtered and "Mia Mentee" not in filtered


def test_caseload_filters_by_mentor_and_cohort(
    client, program, cohort, success_manager, mentee, other_mentee
):
    nina = f.UserFactory(name="Nina New")
    f.MembershipFactory(user=nina, program=program, role=Role.MENTOR)
    Mentorship.objects.filter(mentee=other_mentee).update(mentor=nina)
    client.force_login(success_manager)

    by_mentor = client.get(url("caseload", program), {"mentor": nina.pk}).content.decode()
    assert "Otto Other" in by_mentor and "Mia Mentee" not in by_mentor
    other_cohort = f.CohortFactory(program=program, name="Autumn")
    by_cohort = client.get(url("caseload", program), {"cohort": other_cohort.pk}).content.decode()
    assert "No mentee matches these filters" in by_cohort


def test_home_of_a_success_manager_shows_the_most_at_risk(
    client, program, success_manager, mentorship, now
):
    ConcernFactory(mentorship=mentorship, created_at=now)
    client.force_login(success_manager)
    page = client.get(url("program_home", program)).content.decode()
    assert "Most at risk" in page and "1 open concern" in page
    assert url("caseload", program) in page


def test_admin_home_links_to_insights(client, program, admin_user):
    client.force_login(admin_user)
    assert url("insights", program) in client.get(url("program_home", program)).content.decode()


def test_timeline_shows_sessions_concerns_and_actions(
    client, program, success_manager, mentorship, now
):
    s = session(mentorship, now - timedelta(days=3), SessionStatus.MENTEE_NO_SHOW)
    session(mentorship, now - timedelta(days=10), SessionStatus.HELD, goal="Mock interview")
    ConcernFactory(mentorship=mentorship, created_at=now - timedelta(days=1))
    client.force_login(success_manager)

    page = client.get(url("caseload_mentee", program, mentorship.mentee.pk)).content.decode()

    assert "Mentee didn&#x27;t come" in page or "Mentee didn't come" in page
    assert "“Mock interview”" in page
    assert "The sessions aren&#x27;t helping me move forward" in page
    assert url("session_detail", program, s.pk) in page
    assert "mailto:mia@example.org" in page and "mailto:mo@example.org" in page
    assert url("mentorship_rematch", program, mentorship.pk) in page


def test_timeline_shows_cancellations_late_or_on_time_with_reason_and_makeup_requests(
    client, program, success_manager, mentorship, now
):
    # Cancelled today for next week: on the timeline today, said to be on time.
    ahead = session(mentorship, now + timedelta(days=7), late=False, cancelled_at=now)
    Session.objects.filter(pk=ahead.pk).update(
        cancel_reason=CancelReason.ILLNESS, cancel_note="Flu", cancelled_by=mentorship.mentee
    )
    late = session(mentorship, now - timedelta(days=2), late=True)
    MakeupRequest.objects.create(
        session=late, requested_at=now - timedelta(days=1), message="Could we do Thursday?"
    )
    client.force_login(success_manager)

    page = client.get(url("caseload_mentee", program, mentorship.mentee.pk)).content.decode()
    timeline = page.split('id="timeline-heading"')[1]

    assert "Regular session of Mon 11 Jan, 13:00 CET cancelled" in timeline
    assert "by Mia Mentee" in timeline and "reason: I&#x27;m ill" in timeline
    assert "“Flu”" in timeline
    assert '<span class="badge">on time</span>' in timeline
    assert '<span class="badge badge-warn">late</span>' in timeline
    assert "reason: Other" in timeline
    assert "Makeup asked for the session of Sat 2 Jan, 13:00 CET" in timeline
    assert "Waiting for the mentor" in timeline and "Could we do Thursday?" in timeline
    # Newest first: the cancellation made now, then the makeup request, then the late cancel.
    assert (
        timeline.index("Mon 11 Jan")
        < timeline.index("Makeup asked")
        < timeline.index("Sat 2 Jan, 13:00 CET cancelled")
    )


def test_insights_page_renders_charts_without_scripts(client, program, admin_user, mentorship, now):
    session(mentorship, now - timedelta(days=2), SessionStatus.HELD, goal="Roles")
    client.force_login(admin_user)
    page = client.get(url("insights", program)).content.decode()
    assert page.count("<svg") >= 7  # six charts and the patterns
    assert "<script" not in page
    assert "kozea.github.io" not in page and "googleapis" not in page
    assert "Sessions by week, by what happened" in page


@pytest.mark.parametrize("page", ["caseload", "staff_mentors", "insights", "insights_csv"])
@pytest.mark.parametrize(
    "junk",
    [
        {"start": "2027-02-30", "end": "yesterday"},
        {"start": "2027-03-01", "end": "2027-01-01"},
        {"start": "1900-01-01", "end": "2027-01-01"},
        {"start": "0001-01-01", "end": "9999-12-31"},
        {"cohort": "x'--", "mentor": "-1", "signal": "<script>"},
        {"cohort": "99999999999999999999999", "mentor": "\u0000"},
    ],
)
def test_junk_filters_get_a_message_not_a_500(client, program, admin_user, mentee, page, junk):
    client.force_login(admin_user)
    response = client.get(url(page, program), junk)
    assert response.status_code in (200, 400)
    if page == "insights_csv" and any(k in junk for k in ("start", "end")):
        assert response.status_code == 400
        assert response.content.decode().startswith("Can't export:")


def test_a_bad_range_is_explained_on_the_page(client, program, admin_user):
    client.force_login(admin_user)
    page = client.get(url("insights", program), {"start": "2027-03-01", "end": "2027-01-01"})
    assert "“From” must be on or before “To”." in page.content.decode()


# --- query counts -------------------------------------------------------------------


def _add_mentees(program, cohort, success_manager, mentor, now):
    hours = itertools.count()  # one mentor: sessions must never overlap (PostgreSQL refuses)

    def grow(n):
        for _ in range(n):
            user = f.UserFactory()
            f.MembershipFactory(
                user=user, program=program, cohort=cohort, success_manager=success_manager
            )
            m = f.MentorshipFactory(program=program, mentor=mentor, mentee=user)
            session(m, now - timedelta(days=3, hours=next(hours)), SessionStatus.MENTEE_NO_SHOW)
            session(m, now - timedelta(days=5, hours=next(hours)), SessionStatus.HELD, goal="G")
            ConcernFactory(mentorship=m, created_at=now)
            f.ActionItemFactory(mentorship=m, due_on=now.date() - timedelta(days=3))

    return grow


def test_caseload_query_count_does_not_grow(client, program, cohort, success_manager, mentor, now):
    client.force_login(success_manager)
    few, many = count_queries_before_and_after(
        client,
        url("caseload", program),
        grow=_add_mentees(program, cohort, success_manager, mentor, now),
    )
    assert few == many


def test_timeline_query_count_does_not_grow(client, program, success_manager, mentorship, now):
    client.force_login(success_manager)

    hours = itertools.count()

    def grow(n):
        for _ in range(n):
            i = next(hours)
            s = session(mentorship, now - timedelta(days=2, hours=i), SessionStatus.HELD, goal="G")
            f.ReflectionFactory(session=s)
            f.FeedbackFactory(session=s)
            ConcernFactory(mentorship=mentorship, created_at=now - timedelta(hours=i))
            missed = session(mentorship, now - timedelta(days=4, hours=i), late=True)
            MakeupRequest.objects.create(session=missed, requested_at=now)

    few, many = count_queries_before_and_after(
        client, url("caseload_mentee", program, mentorship.mentee.pk), grow=grow
    )
    assert few == many


def test_mentor_view_query_count_does_not_grow(client, program, admin_user, cohort, now):
    client.force_login(admin_user)

    def grow(n):
        for _ in range(n):
            mentor = f.UserFactory()
            f.MembershipFactory(user=mentor, program=program, role=Role.MENTOR)
            f.MentorProfileFactory(user=mentor)
            mentee = f.UserFactory()
            f.MembershipFactory(user=mentee, program=program, cohort=cohort)
            m = f.MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
            s = session(m, now - timedelta(days=3), SessionStatus.HELD)
            f.FeedbackFactory(session=s)
            f.ReflectionFactory(session=s, author=mentor)
            session(m, now - timedelta(days=6))

    few, many = count_queries_before_and_after(client, url("staff_mentors", program), grow=grow)
    assert few == many


@pytest.mark.parametrize("name", ["insights", "insights_csv"])
def test_insights_query_count_does_not_grow(
    client, program, admin_user, cohort, success_manager, mentor, now, name
):
    client.force_login(admin_user)
    few, many = count_queries_before_and_after(
        client,
        url(name, program) + f"?cohort={cohort.pk}",
        grow=_add_mentees(program, cohort, success_manager, mentor, now),
    )
    assert few == many


def test_success_managers_insights_query_count_does_not_grow(
    client, program, cohort, success_manager, mentor, now
):
    client.force_login(success_manager)
    few, many = count_queries_before_and_after(
        client,
        url("insights", program),
        grow=_add_mentees(program, cohort, success_manager, mentor, now),
    )
    assert few == many


def test_caseload_pages_keep_the_risk_order_and_filters(
    client, program, cohort, success_manager, mentorship, other_mentee, monkeypatch, now
):
    monkeypatch.setattr("mentora.insights.queries.CASELOAD_PAGE", 1)
    ConcernFactory(mentorship=mentorship, created_at=now)
    client.force_login(success_manager)

    first = client.get(url("caseload", program), {"cohort": cohort.pk}).content.decode()
    second = client.get(url("caseload", program), {"cohort": cohort.pk, "page": 2})
    assert "Mia Mentee" in first and "Otto Other" not in first
    assert "Mentees 1–1 of 2" in first and f"cohort={cohort.pk}&amp;page=2" in first
    assert "Otto Other" in second.content.decode()
    assert "Mia Mentee" not in second.content.decode().split("<tbody>")[1]
    for junk in ("0", "-3", "999", "x"):
        assert client.get(url("caseload", program), {"page": junk}).status_code == 200


def test_risk_policy_is_edited_in_the_admin(client, program):
    staff = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get(reverse("admin:insights_riskpolicy_add")).status_code == 200
    response = client.post(
        reverse("admin:insights_riskpolicy_add"),
        {
            "program": program.pk,
            "window_weeks": 2,
            "concern_weight": 50,
            "not_a_fit_weight": 35,
            "missed_threshold": 3,
            "missed_weight": 25,
            "no_session_weeks": 3,
            "no_session_weight": 20,
            "no_goal_threshold": 1,
            "no_goal_weight": 10,
            "low_rating_max": 2,
            "low_feedback_weight": 15,
            "overdue_threshold": 1,
            "overdue_weight": 10,
            "unmarked_weight": 10,
            "no_mentor_weight": 30,
            "no_success_manager_weight": 20,
        },
    )
    assert response.status_code == 302
    assert program.risk_policy.missed_threshold == 3


@pytest.mark.parametrize("user_id", ["0", "99999999999999999999999"])
def test_a_timeline_of_nobody_is_a_404(client, program, admin_user, user_id):
    client.force_login(admin_user)
    assert client.get(f"/p/{program.slug}/caseload/{user_id}/").status_code == 404


# --- the risk rules, edited by a program admin ------------------------------------------


def _rules(**changes):
    values = {
        "window_weeks": 4,
        "concern_weight": 40,
        "not_a_fit_weight": 35,
        "missed_threshold": 2,
        "missed_weight": 25,
        "no_session_weeks": 3,
        "no_session_weight": 20,
        "no_goal_threshold": 1,
        "no_goal_weight": 10,
        "low_rating_max": 2,
        "low_feedback_weight": 15,
        "overdue_threshold": 1,
        "overdue_weight": 10,
        "unmarked_weight": 10,
        "no_mentor_weight": 30,
        "no_success_manager_weight": 20,
    }
    return {**values, **changes}


def test_program_admin_changes_the_risk_rules(client, program, admin_user):
    client.force_login(admin_user)
    rules = url("risk_policy_edit", program)
    assert "Missed sessions" in client.get(rules).content.decode()

    response = client.post(rules, _rules(missed_threshold=3, concern_weight=0))

    assert response.status_code == 302 and response["Location"] == url("caseload", program)
    program.risk_policy.refresh_from_db()
    assert (program.risk_policy.missed_threshold, program.risk_policy.concern_weight) == (3, 0)


def test_bad_rules_are_refused_field_by_field_and_nothing_is_saved(client, program, admin_user):
    client.force_login(admin_user)
    response = client.post(
        url("risk_policy_edit", program), _rules(missed_threshold=0, concern_weight="lots")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ensure this value is greater than or equal to 1." in page
    assert "Enter a whole number." in page
    assert RiskPolicy.objects.get(program=program).concern_weight == 40


@pytest.mark.parametrize("person", ["success_manager", "mentor", "mentee", "outsider"])
def test_only_program_admins_change_the_rules(client, request, program, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(url("risk_policy_edit", program)).status_code == 404
    assert client.post(url("risk_policy_edit", program), _rules()).status_code == 404
