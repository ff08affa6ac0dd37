"""Home pages per role, who may see them, and that their query count stays flat."""

import pytest
from django.urls import reverse

from mentora.programs.models import Role
from mentora.tests import factories as f
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = pytest.mark.django_db


def home_url(program):
    return reverse("program_home", args=[program.slug])


def test_home_redirects_a_one_program_person_to_that_program(client, mentee, program):
    client.force_login(mentee)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == home_url(program)


def test_home_lists_programs_for_a_person_in_several(client, mentor, program):
    second = f.ProgramFactory(name="Volunteer Circle", slug="circle")
    f.MembershipFactory(user=mentor, program=second, role=Role.MENTEE)
    client.force_login(mentor)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Bootcamp Mentoring" in response.text
    assert "Volunteer Circle" in response.text


def test_home_requires_login(client, program):
    response = client.get(home_url(program))

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_mentee_home_shows_mentor_and_success_manager_contact(client, mentee, mentor, program):
    client.force_login(mentee)

    html = client.get(home_url(program)).text

    assert "Mo Mentor" in html
    assert "Sam Success" in html
    assert "mailto:sam@example.org" in html
    assert "Your mentees" not in html


def test_mentor_home_lists_only_their_mentees(client, mentor, mentee, other_mentee, program):
    stranger = f.UserFactory(name="Stella Stranger")
    f.MembershipFactory(user=stranger, program=program, role=Role.MENTEE)
    client.force_login(mentor)

    html = client.get(home_url(program)).text

    assert "Mia Mentee" in html
    assert "Otto Other" in html
    assert "Stella Stranger" not in html


def test_ended_mentorship_is_not_shown_as_current(client, mentee, mentor, program):
    mentorship = mentee.mentorships_as_mentee.get()
    mentorship.status = "ended"
    mentorship.ended_at = mentorship.started_at
    mentorship.end_reason = "not_a_fit"
    mentorship.save()
    client.force_login(mentee)

    html = client.get(home_url(program)).text

    assert "You don't have a mentor yet" in html


def test_success_manager_home_lists_their_caseload_only(
    client, success_manager, mentee, other_mentee, program
):
    not_mine = f.UserFactory(name="Nora Notmine")
    f.MembershipFactory(user=not_mine, program=program, role=Role.MENTEE)
    client.force_login(success_manager)

    html = client.get(home_url(program)).text

    assert "Mia Mentee" in html
    assert "Otto Other" in html
    assert "Nora Notmine" not in html


def test_admin_home_counts_the_programs_people(client, admin_user, mentee, other_mentee, program):
    client.force_login(admin_user)

    response = client.get(home_url(program))

    assert response.context["role_counts"] == {
        "mentee": 2,
        "mentor": 1,
        "success_manager": 1,
        "admin": 1,
    }


def test_outsider_gets_404_on_program_home(client, outsider, mentee, program):
    client.force_login(outsider)

    assert client.get(home_url(program)).status_code == 404


def test_unknown_program_is_404(client, mentee):
    client.force_login(mentee)

    assert client.get(reverse("program_home", args=["nope"])).status_code == 404


@pytest.mark.parametrize("person", ["mentee", "mentor", "outsider"])
def test_people_list_is_staff_only(client, request, program, mentee, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(reverse("program_people", args=[program.slug])).status_code == 404


def test_people_list_filters_by_role(client, admin_user, mentee, program):
    client.force_login(admin_user)

    response = client.get(reverse("program_people", args=[program.slug]), {"role": "mentor"})

    assert [row.user.name for row in response.context["rows"]] == ["Mo Mentor"]


def test_people_list_ignores_unknown_role_filter(client, admin_user, mentee, program):
    client.force_login(admin_user)

    response = client.get(reverse("program_people", args=[program.slug]), {"role": "<script>"})

    # The bad filter is named and left out (400); everyone is still listed.
    assert response.status_code == 400
    assert len(response.context["rows"]) == 4


def _add_mentees(program, mentor, success_manager, cohort, count):
    for _ in range(count):
        user = f.UserFactory()
        f.MembershipFactory(
            user=user,
            program=program,
            role=Role.MENTEE,
            cohort=cohort,
            success_manager=success_manager,
        )
        f.MenteeProfileFactory(user=user)
        f.MentorshipFactory(program=program, mentor=mentor, mentee=user)


@pytest.mark.parametrize("person", ["mentor", "success_manager", "admin_user"])
def test_home_query_count_does_not_grow_with_people(
    client, request, program, mentor, success_manager, admin_user, cohort, person
):
    client.force_login(request.getfixturevalue(person))

    few, many = count_queries_before_and_after(
        client,
        home_url(program),
        grow=lambda n: _add_mentees(program, mentor, success_manager, cohort, n),
    )

    assert many == few


def test_people_list_query_count_does_not_grow(
    client, program, mentor, success_manager, cohort, admin_user
):
    client.force_login(admin_user)

    few, many = count_queries_before_and_after(
        client,
        reverse("program_people", args=[program.slug]),
        grow=lambda n: _add_mentees(program, mentor, success_manager, cohort, n),
    )

    assert many == few


def test_not_a_fit_reflection_shows_on_the_success_managers_home(
    client, success_manager, mentee, mentor, program
):
    session = f.SessionFactory(mentorship=mentee.mentorships_as_mentee.get())
    f.ReflectionFactory(
        session=session,
        author=mentor,
        still_makes_sense="no",
        goal_met="no",
        why_not="We never agree on what to work on",
    )
    client.force_login(success_manager)

    html = client.get(home_url(program)).text

    assert "Needs your attention" in html
    assert "We never agree on what to work on" in html


def test_not_a_fit_reflection_is_not_shown_to_another_success_manager(
    client, mentee, mentor, program
):
    session = f.SessionFactory(mentorship=mentee.mentorships_as_mentee.get())
    f.ReflectionFactory(session=session, author=mentor, still_makes_sense="no", goal_met="no")
    other = f.UserFactory()
    f.MembershipFactory(user=other, program=program, role=Role.SUCCESS_MANAGER)
    client.force_login(other)

    assert "Needs your attention" not in client.get(home_url(program)).text
