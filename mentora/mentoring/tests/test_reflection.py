"""After a session: reflections, the mentor's report, feedback and practice items."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mentora.mentoring.errors import MentoringError
from mentora.mentoring.models import ActionItem, ActionKind, Feedback, Reflection
from mentora.mentoring.workspace import queries, services
from mentora.programs.models import Role
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def session(mentorship):
    """Ended 15 minutes ago."""
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(hours=1))


def reflect_url(program, session):
    return reverse("session_reflect", args=[program.slug, session.pk])


REFLECTION = {
    "action": "reflection",
    "goal_met": "yes",
    "why_not": "",
    "plan_now": "Practise",
    "still_makes_sense": "yes",
}
FEEDBACK = {
    "action": "feedback",
    "useful": "The walkthrough",
    "less_productive": "",
    "rating": "5",
    "visibility": "mentor",
}


def submit(session, by, **overrides):
    args = {
        "goal_met": "yes",
        "why_not": "",
        "plan_now": "",
        "still_makes_sense": "yes",
        "topics_covered": "",
    }
    return services.reflection_submit(session=session, by=by, now=NOW, **{**args, **overrides})


# --- windows ------------------------------------------------------------------------


def test_reflect_page_before_the_end_says_it_opens_later(client, program, mentorship, mentee):
    later = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=1))
    client.force_login(mentee)

    response = client.get(reflect_url(program, later))

    assert response.status_code == 200
    assert "opens when the session ends" in response.content.decode()


def test_reflect_page_after_the_window_is_closed_and_refuses_posts(
    client, program, mentorship, mentee
):
    old = f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(days=9))
    client.force_login(mentee)

    assert "closed" in client.get(reflect_url(program, old)).content.decode()
    client.post(reflect_url(program, old), REFLECTION)
    assert not Reflection.objects.exists()


def test_reflection_refused_before_the_end(mentorship, mentee):
    later = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(hours=1))

    with pytest.raises(MentoringError):
        submit(later, mentee)


def test_staff_reads_reflections_but_cannot_write(
    client, program, session, mentee, success_manager
):
    submit(session, mentee, still_makes_sense="unsure", plan_now="PLAN-XYZ")
    client.force_login(success_manager)

    assert "PLAN-XYZ" in client.get(reflect_url(program, session)).content.decode()
    assert client.post(reflect_url(program, session), REFLECTION).status_code == 404


def test_mentor_does_not_read_the_mentees_reflection(client, program, session, mentee, mentor):
    submit(session, mentee, plan_now="PLAN-XYZ")
    client.force_login(mentor)

    assert "PLAN-XYZ" not in client.get(reflect_url(program, session)).content.decode()


# --- reflections ----------------------------------------------------------------------


def test_mentee_reflects_once_and_can_edit(client, program, session, mentee):
    client.force_login(mentee)

    assert client.post(reflect_url(program, session), REFLECTION).status_code == 302
    client.post(
        reflect_url(program, session),
        {**REFLECTION, "goal_met": "partly", "why_not": "Ran out of time"},
    )

    reflection = Reflection.objects.get()
    assert (reflection.goal_met, reflection.why_not) == ("partly", "Ran out of time")


def test_why_not_is_required_when_the_goal_was_not_met(client, program, session, mentee):
    client.force_login(mentee)

    response = client.post(reflect_url(program, session), {**REFLECTION, "goal_met": "no"})

    assert response.status_code == 400
    assert "Say briefly why" in response.content.decode()
    assert not Reflection.objects.exists()
    with pytest.raises(MentoringError) as error:
        submit(session, mentee, goal_met="partly")
    assert error.value.field == "why_not"


def test_mentor_report_records_topics_covered(client, program, session, mentor):
    client.force_login(mentor)

    client.post(reflect_url(program, session), {**REFLECTION, "topics_covered": "Testing, ORM"})

    assert Reflection.objects.get(author=mentor).topics_covered == "Testing, ORM"


def test_topics_covered_is_only_for_the_mentor(session, mentee):
    with pytest.raises(MentoringError) as error:
        submit(session, mentee, topics_covered="stuff")

    assert error.value.field == "topics_covered"


def test_not_a_fit_answer_is_recorded_flagged_and_shown_to_the_success_manager(
    client, program, session, mentee, success_manager
):
    client.force_login(mentee)
    response = client.post(
        reflect_url(program, session), {**REFLECTION, "still_makes_sense": "no"}, follow=True
    )

    assert "doesn&#x27;t make sense" in response.content.decode()
    assert submit(session, mentee, still_makes_sense="no").not_a_fit is True
    assert list(queries.not_a_fit_signals(program, success_manager)) == [Reflection.objects.get()]


def test_not_a_fit_signals_only_for_the_mentees_own_success_manager(program, session, mentee):
    submit(session, mentee, still_makes_sense="no")
    other_sm = f.UserFactory()
    f.MembershipFactory(user=other_sm, program=program, role=Role.SUCCESS_MANAGER)

    assert list(queries.not_a_fit_signals(program, other_sm)) == []


def test_not_a_fit_signals_leave_out_yes_and_unsure(
    program, session, mentee, mentor, success_manager
):
    submit(session, mentee, still_makes_sense="unsure")
    submit(session, mentor, still_makes_sense="yes")

    assert list(queries.not_a_fit_signals(program, success_manager)) == []


# --- feedback --------------------------------------------------------------------------


def test_mentee_gives_feedback_once(client, program, session, mentee):
    client.force_login(mentee)

    assert client.post(reflect_url(program, session), FEEDBACK).status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.visibility) == (5, "mentor")
    with pytest.raises(MentoringError, match="already"):
        services.feedback_submit(
            session=session,
            by=mentee,
            useful="",
            less_productive="",
            rating=3,
            visibility="mentor",
            now=NOW,
        )


@pytest.mark.parametrize("rating", ["0", "6", "", "five"])
def test_feedback_rating_outside_1_to_5_is_refused(client, program, session, mentee, rating):
    client.force_login(mentee)

    response = client.post(reflect_url(program, session), {**FEEDBACK, "rating": rating})

    assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in response.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("rating", [0, 6])
def test_feedback_service_refuses_rating_out_of_range(session, mentee, rating):
    with pytest.raises(MentoringError) as error:
        services.feedback_submit(
            session=session,
            by=mentee,
            useful="",
            less_productive="",
            rating=rating,
            visibility="mentor",
            now=NOW,
        )

    assert error.value.field == "rating"


def test_feedback_is_only_from_the_mentee(client, program, session, mentor):
    client.force_login(mentor)

    assert client.post(reflect_url(program, session), FEEDBACK).status_code == 403
    with pytest.raises(PermissionDenied):
        services.feedback_submit(
            session=session,
            by=mentor,
            useful="",
            less_productive="",
            rating=5,
            visibility="mentor",
            now=NOW,
        )
    assert not Feedback.objects.exists()


def test_success_manager_only_feedback_never_reaches_the_mentor(
    client, program, mentorship, mentor, success_manager
):
    f.FeedbackFactory(
        session=f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(days=8)),
        rating=5,
        useful="SHARED-PRAISE",
    )
    f.FeedbackFactory(
        session=f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(days=1)),
        rating=1,
        less_productive="PRIVATE-GRIPE",
        visibility="success_manager",
    )

    client.force_login(mentor)
    html = client.get(reverse("my_feedback", args=[program.slug])).content.decode()
    assert "SHARED-PRAISE" in html and "Mia Mentee" in html
    assert "PRIVATE-GRIPE" not in html
    assert "average <strong>5.0/5</strong>" in html

    client.force_login(success_manager)
    html = client.get(reverse("my_feedback", args=[program.slug])).content.decode()
    assert "SHARED-PRAISE" in html and "PRIVATE-GRIPE" in html


def test_my_feedback_is_404_for_a_mentee(client, program, mentee):
    client.force_login(mentee)

    assert client.get(reverse("my_feedback", args=[program.slug])).status_code == 404


# --- practice suggestions ------------------------------------------------------------


def test_three_suggestions_due_soon_seeded_from_the_goal(session):
    f.AgendaFactory(session=session, goal="Understand  Django\nforms")

    suggestions = services.practice_suggestions(session, NOW)

    assert [s.heading for s in suggestions] == [
        "Start small",
        "Take advantage",
        "Don't limit yourself",
    ]
    assert [s.due_on for s in suggestions] == [
        date(2027, 1, 6),
        date(2027, 1, 8),
        date(2027, 1, 14),
    ]
    assert [s.kind for s in suggestions] == [
        ActionKind.PRACTICE,
        ActionKind.PRACTICE,
        ActionKind.STRETCH,
    ]
    assert all("Understand Django forms" in s.title for s in suggestions)


def test_suggestions_without_an_agenda(session):
    suggestions = services.practice_suggestions(session, NOW)

    assert len(suggestions) == 3
    assert "what your mentor showed you" in suggestions[0].title


def test_add_this_creates_the_action_item_with_an_edited_title(client, program, session, mentee):
    client.force_login(mentee)

    html = client.get(reflect_url(program, session)).content.decode()
    assert "Start small" in html and "Don&#x27;t limit yourself" in html
    response = client.post(
        reflect_url(program, session),
        {"action": "suggestion", "index": "2", "title": "Build a tiny API"},
    )

    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.title, item.owner, item.kind, item.due_on, item.session) == (
        "Build a tiny API",
        mentee,
        ActionKind.STRETCH,
        date(2027, 1, 14),
        session,
    )


def test_add_this_with_an_empty_title_is_refused(client, program, session, mentee):
    client.force_login(mentee)

    response = client.post(
        reflect_url(program, session), {"action": "suggestion", "index": "0", "title": ""}
    )

    assert response.status_code == 400
    assert "Give the item a short title." in response.content.decode()
    assert not ActionItem.objects.exists()
