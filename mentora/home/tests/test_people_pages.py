"""Mentor and mentee pages: who may see them, what they show, and background privacy."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentora.accounts import queries
from mentora.accounts.choices import BackgroundField, TechnologyKind, Visibility
from mentora.accounts.models import Technology, User
from mentora.programs import people
from mentora.programs.models import Role
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db

PRIVATE_MARK = "Private-answer-7f3a"
SHARED_MARK = "Shared-answer-2b9c"


def mentor_url(program, user):
    return reverse("mentor_detail", args=[program.slug, user.pk])


def mentee_url(program, user):
    return reverse("mentee_detail", args=[program.slug, user.pk])


def add_background(user):
    f.BackgroundAnswerFactory(
        user=user, field=BackgroundField.GENDER, value=PRIVATE_MARK, visibility=Visibility.PRIVATE
    )
    f.BackgroundAnswerFactory(
        user=user, field=BackgroundField.ETHNICITY, value=SHARED_MARK, visibility=Visibility.PROGRAM
    )


# --- The mentor page ---------------------------------------------------------


def test_mentor_page_shows_strengths_to_a_program_member(client, program, mentor, mentee):
    client.force_login(mentee)

    response = client.get(mentor_url(program, mentor))

    assert response.status_code == 200
    for text in [
        "Mo Mentor",
        "Backend engineer who likes teaching",
        '<li class="tag">Python</li>',
        '<li class="tag">Django</li>',
        "Back-end",
        "Career and job search",
        "7 years",
        "Senior (5+ years)",
        "Senior engineer at Acme",
        "Bootcamp",
        "English",
        "America/New_York",
        "Has room",
    ]:
        assert text in response.text, text


def test_mentor_page_groups_stack_by_kind(client, program, mentor, mentee):
    Technology.objects.filter(name="Python").update(kind=TechnologyKind.LANGUAGE)
    Technology.objects.filter(name="Django").update(kind=TechnologyKind.FRAMEWORK)
    client.force_login(mentee)

    response = client.get(mentor_url(program, mentor))

    groups = [(g.label, [t.name for t in g.technologies]) for g in response.context["page"].stack]
    assert groups == [("Languages", ["Python"]), ("Frameworks", ["Django"])]
    assert "<h3>Languages</h3>" in response.text


@time_machine.travel(datetime(2027, 1, 15, 12, 0, tzinfo=UTC), tick=False)
def test_mentor_page_shows_local_time_and_difference_with_zones(client, program, mentor, mentee):
    client.force_login(mentee)  # mentee in Europe/Berlin, mentor in America/New_York

    response = client.get(mentor_url(program, mentor))

    assert (
        "America/New_York: it is 07:00 there now, 6 hours behind you (Europe/Berlin)"
        in response.text
    )


def test_mentor_page_says_full_when_capacity_is_taken(client, program, mentor, mentee):
    mentor.mentor_profile.capacity = 1
    mentor.mentor_profile.save()
    client.force_login(mentee)

    response = client.get(mentor_url(program, mentor))

    assert "Full" in response.text
    assert "Has room" not in response.text


def test_mentor_page_counts_only_live_mentorships(client, program, mentor, mentee):
    mentor.mentor_profile.capacity = 2
    mentor.mentor_profile.save()
    ended = f.UserFactory()
    f.MentorshipFactory(
        program=program,
        mentor=mentor,
        mentee=ended,
        status="ended",
        ended_at=datetime(2026, 1, 1, tzinfo=UTC),
        end_reason="completed",
    )
    client.force_login(mentee)

    response = client.get(mentor_url(program, mentor))

    assert "1 of 2 places taken" in response.text


def test_mentor_page_meeting_link_only_for_their_mentees(client, program, mentor, mentee, cohort):
    mentor.mentor_profile.meeting_link = "https://meet.example.org/mo-room"
    mentor.mentor_profile.save()
    stranger = f.UserFactory()
    f.MembershipFactory(user=stranger, program=program, role=Role.MENTEE, cohort=cohort)

    client.force_login(mentee)
    assert "mo-room" in client.get(mentor_url(program, mentor)).text
    client.force_login(stranger)
    assert "mo-room" not in client.get(mentor_url(program, mentor)).text


def test_mentor_page_404_for_outsider(client, program, mentor, outsider):
    client.force_login(outsider)

    response = client.get(mentor_url(program, mentor))

    assert response.status_code == 404


def test_mentor_page_404_for_someone_who_is_not_a_mentor_here(client, program, mentee, mentor):
    client.force_login(mentor)

    response = client.get(mentor_url(program, mentee))

    assert response.status_code == 404


def test_mentor_page_requires_login(client, program, mentor):
    response = client.get(mentor_url(program, mentor))

    assert response.status_code == 302


def test_mentor_page_hides_private_background_from_a_mentee(client, program, mentor, mentee):
    add_background(mentor)
    client.force_login(mentee)

    response = client.get(mentor_url(program, mentor))

    assert PRIVATE_MARK not in response.text
    assert SHARED_MARK in response.text


@pytest.mark.parametrize("viewer", ["mentor", "success_manager", "admin_user"])
def test_mentor_page_shows_private_background_to_owner_and_staff(
    request, client, program, mentor, viewer
):
    add_background(mentor)
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(mentor_url(program, mentor))

    assert PRIVATE_MARK in response.text
    assert SHARED_MARK in response.text


def test_mentor_page_query_count_does_not_grow_with_stack(client, program, mentor, mentee):
    client.force_login(mentee)
    url = mentor_url(program, mentor)
    mentor.mentor_profile.stack.set([f.TechnologyFactory(name="Python")])
    client.get(url)  # warm session and content-type caches
    with CaptureQueriesContext(connection) as one_tag:
        client.get(url)
    mentor.mentor_profile.stack.set([f.TechnologyFactory(name=f"Tool{n}") for n in range(10)])
    add_background(mentor)
    with CaptureQueriesContext(connection) as ten_tags:
        response = client.get(url)

    assert "Tool9" in response.text
    assert len(ten_tags) == len(one_tag)


# --- The mentee page ---------------------------------------------------------


@pytest.mark.parametrize("viewer", ["mentee", "mentor", "success_manager", "admin_user"])
def test_mentee_page_visible_to_the_people_around_the_mentee(
    request, client, program, mentee, viewer
):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(mentee_url(program, mentee))

    assert response.status_code == 200
    for text in [
        "Mia Mentee",
        "Full-stack web development with Python",
        "Junior backend developer",
        "Spring 2027",
        "Sam Success",
        "Mo Mentor",
        '<li class="tag">Python</li>',
        "Back-end",
    ]:
        assert text in response.text, text


@time_machine.travel(datetime(2027, 7, 1, 12, 0, tzinfo=UTC), tick=False)
def test_mentee_page_shows_their_local_time_to_the_mentor(client, program, mentee, mentor):
    client.force_login(mentor)

    response = client.get(mentee_url(program, mentee))

    assert "Europe/Berlin: it is 14:00 there now, 6 hours ahead of you" in response.text


@pytest.mark.parametrize("viewer", ["other_mentee", "outsider"])
def test_mentee_page_404_for_another_mentee_and_outsider(request, client, program, mentee, viewer):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(mentee_url(program, mentee))

    assert response.status_code == 404


def test_mentee_page_404_for_a_user_who_is_not_a_mentee_here(client, program, mentor, admin_user):
    client.force_login(admin_user)

    response = client.get(mentee_url(program, mentor))

    assert response.status_code == 404


def test_mentee_page_hides_private_background_from_the_mentor(client, program, mentee, mentor):
    add_background(mentee)
    client.force_login(mentor)

    response = client.get(mentee_url(program, mentee))

    assert PRIVATE_MARK not in response.text
    assert SHARED_MARK in response.text


@pytest.mark.parametrize("viewer", ["mentee", "success_manager", "admin_user", "superuser"])
def test_mentee_page_shows_private_background_to_owner_and_staff(
    request, client, program, mentee, viewer
):
    add_background(mentee)
    person = (  # a superuser with no role: support access (logged, see test_support_access)
        f.UserFactory(is_staff=True, is_superuser=True)
        if viewer == "superuser"
        else request.getfixturevalue(viewer)
    )
    client.force_login(person)

    response = client.get(mentee_url(program, mentee))

    assert PRIVATE_MARK in response.text
    assert SHARED_MARK in response.text


def test_mentee_page_query_count_does_not_grow_with_stack(client, program, mentee, mentor):
    client.force_login(mentor)
    url = mentee_url(program, mentee)
    client.get(url)
    with CaptureQueriesContext(connection) as one_tag:
        client.get(url)
    mentee.mentee_profile.stack.set([f.TechnologyFactory(name=f"Tool{n}") for n in range(10)])
    with CaptureQueriesContext(connection) as ten_tags:
        response = client.get(url)

    assert "Tool9" in response.text
    assert len(ten_tags) == len(one_tag)


# --- The background rule itself ----------------------------------------------


def test_visible_background_program_answers_for_another_program_member(
    program, mentee, other_mentee
):
    add_background(mentee)

    values = [a.value for a in people.visible_background(mentee, other_mentee, program)]

    assert values == [SHARED_MARK]


def test_visible_background_nothing_for_someone_outside_the_program(program, mentee, outsider):
    add_background(mentee)

    assert people.visible_background(mentee, outsider, program) == []


def test_visible_background_staff_of_another_program_see_nothing_private(mentee, outsider):
    add_background(mentee)
    elsewhere = outsider.memberships.get().program
    elsewhere_admin = User.objects.create_user("ed@example.org", name="Ed Elsewhere")
    f.MembershipFactory(user=elsewhere_admin, program=elsewhere, role=Role.ADMIN)

    # The mentee is not in `elsewhere`, so its staff have no business seeing anything.
    assert people.visible_background(mentee, elsewhere_admin, elsewhere) == []


def test_visible_background_owner_sees_everything(program, mentee):
    add_background(mentee)

    values = sorted(a.value for a in people.visible_background(mentee, mentee, program))

    assert values == sorted([PRIVATE_MARK, SHARED_MARK])


@pytest.mark.parametrize(
    ("their_zone", "your_zone", "expected"),
    [
        ("Asia/Kolkata", "Europe/London", "5 hours 30 minutes ahead of you"),
        ("Europe/London", "Asia/Kolkata", "5 hours 30 minutes behind you"),
        ("Europe/Paris", "Europe/Berlin", "the same time as you"),
        ("Europe/London", "Europe/Berlin", "1 hour behind you"),
    ],
)
def test_compare_zones_describes_the_gap(their_zone, your_zone, expected):
    now = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)

    assert queries.compare_zones(their_zone, your_zone, now).describe == expected
