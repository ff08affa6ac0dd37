"""The mentorship's goals and working agreement: rules, page, permissions, queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.mentoring.errors import MentoringCode, MentoringError
from mentora.mentoring.goals import services
from mentora.mentoring.models import Agenda, GoalStatus, MentorshipGoal, WorkingAgreement
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 10)
GOOD = "Have three portfolio projects ready to show by June"


def goals_url(program, mentorship):
    return reverse("mentorship_goals", args=[program.slug, mentorship.pk])


def add(mentorship, by, text=GOOD, target_date=None):
    return services.goal_add(
        mentorship=mentorship, by=by, text=text, target_date=target_date, today=TODAY
    )


# --- goal_add ----------------------------------------------------------------------


def test_goal_add_saves_an_active_goal(mentorship, mentee):
    goal = add(mentorship, mentee, target_date=TODAY + timedelta(days=60))

    assert goal.status == GoalStatus.ACTIVE
    assert MentorshipGoal.objects.get().text == GOOD


def test_goal_add_tidies_whitespace(mentorship, mentee):
    goal = add(mentorship, mentee, text="  Pass   two technical\ninterviews  ")

    assert goal.text == "Pass two technical interviews"


def test_goal_add_by_mentor_is_refused(mentorship, mentor):
    with pytest.raises(MentoringError) as error:
        add(mentorship, mentor)

    assert error.value.code == MentoringCode.NOT_MENTEE
    assert not MentorshipGoal.objects.exists()


def test_goal_add_vague_text_is_refused_with_be_specific(mentorship, mentee):
    with pytest.raises(MentoringError) as error:
        add(mentorship, mentee, text="Get a job")

    assert error.value.field == "text"
    assert "Be specific: what would done look like?" in error.value.message
    assert not MentorshipGoal.objects.exists()


def test_goal_add_accepts_exactly_the_minimum_length(mentorship, mentee):
    assert add(mentorship, mentee, text="x" * services.GOAL_TEXT_MIN).pk


def test_goal_add_too_long_is_refused(mentorship, mentee):
    with pytest.raises(MentoringError) as error:
        add(mentorship, mentee, text="x" * (services.GOAL_TEXT_MAX + 1))

    assert error.value.code == MentoringCode.TOO_LONG
    assert not MentorshipGoal.objects.exists()


def test_goal_add_target_date_in_the_past_is_refused(mentorship, mentee):
    with pytest.raises(MentoringError) as error:
        add(mentorship, mentee, target_date=TODAY - timedelta(days=1))

    assert error.value.field == "target_date"
    assert not MentorshipGoal.objects.exists()


def test_goal_add_target_date_today_is_fine(mentorship, mentee):
    assert add(mentorship, mentee, target_date=TODAY).target_date == TODAY


def test_goal_add_sixth_active_goal_is_refused(mentorship, mentee):
    for n in range(5):
        add(mentorship, mentee, text=f"{GOOD} (number {n})")

    with pytest.raises(MentoringError) as error:
        add(mentorship, mentee)

    assert error.value.code == MentoringCode.TOO_MANY_ACTIVE
    assert "5 goals" in error.value.message
    assert MentorshipGoal.objects.count() == 5


def test_goal_add_after_one_is_achieved_works_again(mentorship, mentee):
    goals = [add(mentorship, mentee, text=f"{GOOD} (number {n})") for n in range(5)]
    services.goal_set_status(goal=goals[0], by=mentee, status=GoalStatus.ACHIEVED)

    add(mentorship, mentee)

    assert MentorshipGoal.objects.filter(status=GoalStatus.ACTIVE).count() == 5


def test_goal_add_on_an_ended_mentorship_is_refused(mentorship, mentee):
    mentorship.status, mentorship.ended_at, mentorship.end_reason = "ended", timezone.now(), "other"
    mentorship.save()

    with pytest.raises(MentoringError) as error:
        add(mentorship, mentee)

    assert error.value.code == MentoringCode.NOT_LIVE


# --- goal_update and goal_set_status -----------------------------------------------


def test_goal_update_rewrites_text_and_date(mentorship, mentee):
    goal = add(mentorship, mentee)

    services.goal_update(
        goal=goal, by=mentee, text="Ship the booking app to production", target_date=TODAY
    )

    goal.refresh_from_db()
    assert (goal.text, goal.target_date) == ("Ship the booking app to production", TODAY)


def test_goal_update_keeps_an_old_target_date_that_has_passed(mentorship, mentee):
    goal = f.MentorshipGoalFactory(mentorship=mentorship, target_date=TODAY - timedelta(days=9))

    services.goal_update(goal=goal, by=mentee, text=GOOD, target_date=goal.target_date, today=TODAY)

    goal.refresh_from_db()
    assert goal.text == GOOD


def test_goal_update_vague_text_changes_nothing(mentorship, mentee):
    goal = add(mentorship, mentee)

    with pytest.raises(MentoringError):
        services.goal_update(goal=goal, by=mentee, text="todo", target_date=None, today=TODAY)

    assert MentorshipGoal.objects.get().text == GOOD


def test_goal_update_by_mentor_is_refused(mentorship, mentee, mentor):
    goal = add(mentorship, mentee)

    with pytest.raises(MentoringError):
        services.goal_update(
            goal=goal, by=mentor, text="A different goal altogether", target_date=None
        )

    assert MentorshipGoal.objects.get().text == GOOD


@pytest.mark.parametrize("status", [GoalStatus.ACHIEVED, GoalStatus.DROPPED])
def test_goal_set_status_moves_the_goal(mentorship, mentee, status):
    goal = add(mentorship, mentee)

    services.goal_set_status(goal=goal, by=mentee, status=status)

    assert MentorshipGoal.objects.get().status == status


def test_goal_set_status_taking_up_a_sixth_again_is_refused(mentorship, mentee):
    dropped = f.MentorshipGoalFactory(mentorship=mentorship, status=GoalStatus.DROPPED)
    for n in range(5):
        add(mentorship, mentee, text=f"{GOOD} (number {n})")

    with pytest.raises(MentoringError) as error:
        services.goal_set_status(goal=dropped, by=mentee, status=GoalStatus.ACTIVE)

    assert error.value.code == MentoringCode.TOO_MANY_ACTIVE
    dropped.refresh_from_db()
    assert dropped.status == GoalStatus.DROPPED


def test_goal_set_status_unknown_status_is_refused(mentorship, mentee):
    goal = add(mentorship, mentee)

    with pytest.raises(MentoringError):
        services.goal_set_status(goal=goal, by=mentee, status="finished")


def test_goal_set_status_from_a_stale_copy_is_refused(mentorship, mentee):
    goal = add(mentorship, mentee)
    stale = MentorshipGoal.objects.get(pk=goal.pk)
    services.goal_set_status(goal=goal, by=mentee, status=GoalStatus.ACHIEVED)

    with pytest.raises(MentoringError) as error:
        services.goal_set_status(goal=stale, by=mentee, status=GoalStatus.DROPPED)

    assert error.value.code == MentoringCode.CHANGED_MEANWHILE
    assert MentorshipGoal.objects.get().status == GoalStatus.ACHIEVED


def test_goal_set_status_by_mentor_is_refused(mentorship, mentee, mentor):
    goal = add(mentorship, mentee)

    with pytest.raises(MentoringError):
        services.goal_set_status(goal=goal, by=mentor, status=GoalStatus.DROPPED)


# --- goal_comment ------------------------------------------------------------------


def test_goal_comment_by_mentor_is_saved(mentorship, mentee, mentor):
    goal = add(mentorship, mentee)

    services.goal_comment(goal=goal, by=mentor, comment="Start with the one you enjoy most.")

    assert MentorshipGoal.objects.get().mentor_comment == "Start with the one you enjoy most."


def test_goal_comment_by_mentee_is_refused(mentorship, mentee):
    goal = add(mentorship, mentee)

    with pytest.raises(MentoringError) as error:
        services.goal_comment(goal=goal, by=mentee, comment="I comment on my own goal")

    assert error.value.code == MentoringCode.NOT_MENTOR
    assert MentorshipGoal.objects.get().mentor_comment == ""


def test_goal_comment_too_long_is_refused(mentorship, mentee, mentor):
    goal = add(mentorship, mentee)

    with pytest.raises(MentoringError) as error:
        services.goal_comment(goal=goal, by=mentor, comment="x" * (services.COMMENT_MAX + 1))

    assert error.value.field == "comment"
    assert MentorshipGoal.objects.get().mentor_comment == ""


# --- agreement_update --------------------------------------------------------------


def agree(mentorship, by, **kwargs):
    values = {"how_often": "Weekly, 45 minutes", "contact_between_sessions": "Slack"}
    return services.agreement_update(mentorship=mentorship, by=by, **{**values, **kwargs})


def test_agreement_each_party_writes_their_own_expectations(mentorship, mentee, mentor):
    agree(mentorship, mentee, mentee_expects="Honest feedback on my code")
    agree(mentorship, mentor, how_often="Weekly, 60 minutes", mentor_expects="An agenda by Monday")

    agreement = WorkingAgreement.objects.get()
    assert agreement.how_often == "Weekly, 60 minutes"
    assert agreement.mentee_expects == "Honest feedback on my code"
    assert agreement.mentor_expects == "An agenda by Monday"
    assert agreement.updated_by == mentor


def test_agreement_mentee_cannot_rewrite_the_mentors_expectations(mentorship, mentee, mentor):
    agree(mentorship, mentor, mentor_expects="An agenda by Monday")

    with pytest.raises(MentoringError) as error:
        agree(mentorship, mentee, how_often="Never", mentor_expects="Nothing at all")

    assert error.value.field == "mentor_expects"
    agreement = WorkingAgreement.objects.get()
    assert (agreement.how_often, agreement.mentor_expects) == (
        "Weekly, 45 minutes",
        "An agenda by Monday",
    )


def test_agreement_too_long_saves_nothing(mentorship, mentee):
    with pytest.raises(MentoringError) as error:
        agree(mentorship, mentee, how_often="x" * (services.AGREEMENT_SHORT_MAX + 1))

    assert error.value.field == "how_often"
    assert not WorkingAgreement.objects.exists()


def test_agreement_by_someone_else_is_refused(mentorship, other_mentee):
    with pytest.raises(MentoringError):
        agree(mentorship, other_mentee)

    assert not WorkingAgreement.objects.exists()


# --- the page: who sees it ---------------------------------------------------------


@pytest.mark.parametrize("person", ["mentee", "mentor", "success_manager", "admin_user"])
def test_goals_page_opens_for_the_parties_and_staff(client, request, program, mentorship, person):
    f.MentorshipGoalFactory(mentorship=mentorship, text="Land a junior backend role by spring")
    client.force_login(request.getfixturevalue(person))

    response = client.get(goals_url(program, mentorship))

    assert response.status_code == 200
    assert "Land a junior backend role by spring" in response.text
    assert "How we'll work together" in response.text


@pytest.mark.parametrize("person", ["other_mentee", "outsider"])
def test_goals_page_is_404_for_anyone_else(client, request, program, mentorship, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(goals_url(program, mentorship)).status_code == 404
    assert client.post(goals_url(program, mentorship), {"action": "add"}).status_code == 404


def test_goals_page_is_404_for_another_success_manager(client, program, mentorship):
    other_sm = f.UserFactory()
    f.MembershipFactory(user=other_sm, program=program, role="success_manager")
    client.force_login(other_sm)

    assert client.get(goals_url(program, mentorship)).status_code == 404


def test_goals_page_requires_login(client, program, mentorship):
    response = client.get(goals_url(program, mentorship))

    assert response.status_code == 302


def test_goals_page_staff_cannot_change_anything(client, program, mentorship, success_manager):
    client.force_login(success_manager)

    response = client.post(goals_url(program, mentorship), {"action": "add", "add-text": GOOD})

    assert response.status_code == 403
    assert "only the mentee and the mentor change it" in response.text
    assert not MentorshipGoal.objects.exists()


def test_goals_page_staff_sees_no_forms(client, program, mentorship, admin_user):
    f.MentorshipGoalFactory(mentorship=mentorship)
    client.force_login(admin_user)

    html = client.get(goals_url(program, mentorship)).text

    assert 'name="action"' not in html


# --- the page: forms ---------------------------------------------------------------


def test_goals_page_mentee_adds_a_goal(client, program, mentorship, mentee):
    client.force_login(mentee)

    response = client.post(
        goals_url(program, mentorship), {"action": "add", "add-text": GOOD}, follow=True
    )

    assert response.redirect_chain[-1][0] == goals_url(program, mentorship)
    assert "Goal added." in response.text
    assert MentorshipGoal.objects.get().text == GOOD


def test_goals_page_vague_goal_shows_the_message_by_the_field(client, program, mentorship, mentee):
    client.force_login(mentee)

    response = client.post(goals_url(program, mentorship), {"action": "add", "add-text": "Job"})

    assert response.status_code == 400
    assert "Be specific: what would done look like?" in response.text
    assert 'id="id_add-text_error"' in response.text
    assert not MentorshipGoal.objects.exists()


def test_goals_page_bad_date_shows_the_message(client, program, mentorship, mentee):
    client.force_login(mentee)

    response = client.post(
        goals_url(program, mentorship),
        {"action": "add", "add-text": GOOD, "add-target_date": "next spring"},
    )

    assert response.status_code == 400
    assert "Enter a date as year-month-day" in response.text
    assert not MentorshipGoal.objects.exists()


def test_goals_page_sixth_goal_is_refused_with_a_message(client, program, mentorship, mentee):
    for n in range(5):
        f.MentorshipGoalFactory(mentorship=mentorship, text=f"{GOOD} {n}")
    client.force_login(mentee)

    response = client.post(goals_url(program, mentorship), {"action": "add", "add-text": GOOD})

    assert response.status_code == 400
    assert "already have 5 goals" in response.text
    assert MentorshipGoal.objects.count() == 5


def test_goals_page_mentee_edits_a_goal(client, program, mentorship, mentee):
    goal = f.MentorshipGoalFactory(mentorship=mentorship)
    client.force_login(mentee)

    response = client.post(
        goals_url(program, mentorship),
        {"action": "edit", "goal": goal.pk, f"goal-{goal.pk}-text": GOOD},
    )

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.text == GOOD


def test_goals_page_goal_of_another_mentorship_is_not_found(
    client, program, mentorship, mentee, other_mentee
):
    theirs = f.MentorshipGoalFactory(mentorship=other_mentee.mentorships_as_mentee.get())
    client.force_login(mentee)

    response = client.post(
        goals_url(program, mentorship),
        {"action": "edit", "goal": theirs.pk, f"goal-{theirs.pk}-text": GOOD},
    )

    assert response.status_code == 400
    assert "That goal couldn" in response.text
    theirs.refresh_from_db()
    assert theirs.text != GOOD


def test_goals_page_status_button_moves_the_goal(client, program, mentorship, mentee):
    goal = f.MentorshipGoalFactory(mentorship=mentorship)
    client.force_login(mentee)

    response = client.post(
        goals_url(program, mentorship),
        {"action": "status", "goal": goal.pk, "status": "achieved"},
        follow=True,
    )

    assert "Marked achieved" in response.text
    assert [r.goal for r in response.context["achieved_rows"]] == [goal]


def test_goals_page_mentor_comments(client, program, mentorship, mentor):
    goal = f.MentorshipGoalFactory(mentorship=mentorship)
    client.force_login(mentor)

    response = client.post(
        goals_url(program, mentorship),
        {"action": "comment", "goal": goal.pk, f"comment-{goal.pk}-comment": "Good one."},
        follow=True,
    )

    assert "Comment saved." in response.text
    assert "Good one." in response.text


def test_goals_page_mentee_cannot_comment(client, program, mentorship, mentee):
    goal = f.MentorshipGoalFactory(mentorship=mentorship)
    client.force_login(mentee)

    response = client.post(
        goals_url(program, mentorship),
        {"action": "comment", "goal": goal.pk, f"comment-{goal.pk}-comment": "Me"},
    )

    assert response.status_code == 400
    assert "Only the mentor comments" in response.text
    assert MentorshipGoal.objects.get().mentor_comment == ""


def test_goals_page_mentor_cannot_add_goals(client, program, mentorship, mentor):
    client.force_login(mentor)

    response = client.post(goals_url(program, mentorship), {"action": "add", "add-text": GOOD})

    assert response.status_code == 400
    assert not MentorshipGoal.objects.exists()


def test_goals_page_agreement_by_both(client, program, mentorship, mentee, mentor):
    url = goals_url(program, mentorship)
    client.force_login(mentee)
    client.post(
        url,
        {
            "action": "agreement",
            "agreement-how_often": "Weekly",
            "agreement-contact_between_sessions": "Email",
            "agreement-mentee_expects": "Code reviews",
            # Not the mentee's field: ignored by the mentee's form.
            "agreement-mentor_expects": "Sneaky",
        },
    )
    client.force_login(mentor)

    response = client.post(
        url,
        {
            "action": "agreement",
            "agreement-how_often": "Weekly",
            "agreement-contact_between_sessions": "Email, answers within two days",
            "agreement-mentor_expects": "An agenda the day before",
        },
        follow=True,
    )

    assert "Working agreement saved" in response.text
    agreement = WorkingAgreement.objects.get()
    assert agreement.mentee_expects == "Code reviews"
    assert agreement.mentor_expects == "An agenda the day before"
    assert agreement.contact_between_sessions == "Email, answers within two days"


def test_goals_page_agreement_too_long_shows_message(client, program, mentorship, mentee):
    client.force_login(mentee)

    response = client.post(
        goals_url(program, mentorship),
        {"action": "agreement", "agreement-how_often": "x" * 301},
    )

    assert response.status_code == 400
    assert "Keep how often you meet to 300 characters" in response.text
    assert not WorkingAgreement.objects.exists()


def test_goals_page_unknown_action_is_400(client, program, mentorship, mentee):
    client.force_login(mentee)

    response = client.post(goals_url(program, mentorship), {"action": "explode"})

    assert response.status_code == 400


@pytest.mark.parametrize("goal_field", ["", "abc", "-1"])
def test_goals_page_garbage_goal_id_is_400_not_500(client, program, mentorship, mentee, goal_field):
    client.force_login(mentee)

    response = client.post(
        goals_url(program, mentorship), {"action": "status", "goal": goal_field, "status": "x"}
    )

    assert response.status_code == 400


def test_goals_page_ended_mentorship_is_read_only(client, program, mentorship, mentee):
    mentorship.status, mentorship.ended_at, mentorship.end_reason = "ended", timezone.now(), "other"
    mentorship.save()
    client.force_login(mentee)

    page = client.get(goals_url(program, mentorship))
    response = client.post(goals_url(program, mentorship), {"action": "add", "add-text": GOOD})

    assert page.status_code == 200
    assert "has ended" in page.text
    assert response.status_code == 400
    assert not MentorshipGoal.objects.exists()


# --- progress ----------------------------------------------------------------------


def test_goals_page_shows_sessions_and_last_reflection_per_goal(
    client, program, mentorship, mentee
):
    goal = f.MentorshipGoalFactory(mentorship=mentorship)
    now = timezone.now()
    for days, met in ((14, "no"), (7, "partly")):
        session = f.SessionFactory(
            mentorship=mentorship, starts_at=now - timedelta(days=days), status=SessionStatus.HELD
        )
        Agenda.objects.create(session=session, mentorship_goal=goal)
        f.ReflectionFactory(session=session, goal_met=met)
    cancelled = f.SessionFactory(
        mentorship=mentorship,
        starts_at=now + timedelta(days=3),
        status=SessionStatus.CANCELLED,
        cancelled_at=now,
        cancel_reason="illness",
        cancellation_kind="on_time",
    )
    Agenda.objects.create(session=cancelled, mentorship_goal=goal)
    client.force_login(mentee)

    response = client.get(goals_url(program, mentorship))

    row = response.context["active_rows"][0]
    assert row.goal.session_count == 2
    assert row.goal.last_goal_met == "partly"
    assert "2 sessions worked on it" in response.text
    assert "Partly" in response.text


@pytest.mark.parametrize("person", ["mentee", "mentor"])
def test_goals_page_query_count_is_flat_for_1_and_5_goals(
    client, request, program, mentorship, person
):
    client.force_login(request.getfixturevalue(person))

    def grow(n):
        for _ in range(n):
            goal = f.MentorshipGoalFactory(mentorship=mentorship)
            session = f.SessionFactory(mentorship=mentorship, status=SessionStatus.HELD)
            Agenda.objects.create(session=session, mentorship_goal=goal)
            f.ReflectionFactory(session=session)

    few, many = count_queries_before_and_after(
        client, goals_url(program, mentorship), grow=grow, first=1, more=4
    )

    assert many == few
