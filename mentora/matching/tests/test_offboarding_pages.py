"""The off-boarding pages: who reaches them, what they say before, what a POST does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mentora.programs.models import (
    EndReason,
    Membership,
    MembershipStatus,
    Mentorship,
    MentorshipStatus,
    Role,
)
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db


def membership_of(user, program, role=Role.MENTEE) -> Membership:
    return Membership.objects.get(user=user, program=program, role=role)


def graduate_url(program, user, role=Role.MENTEE):
    return f"/p/{program.slug}/memberships/{membership_of(user, program, role).pk}/graduate/"


def leave_url(program, user, role=Role.MENTEE):
    return f"/p/{program.slug}/memberships/{membership_of(user, program, role).pk}/leave/"


@pytest.fixture
def other_manager(program):
    user = f.UserFactory(name="Sue Second")
    f.MembershipFactory(user=user, program=program, role=Role.SUCCESS_MANAGER)
    return user


@pytest.fixture
def future_sessions(mentorship):
    start = timezone.now() + timedelta(days=2)
    return [
        f.SessionFactory(mentorship=mentorship, starts_at=start + timedelta(days=7 * i))
        for i in range(3)
    ]


# --- graduating and leaving ------------------------------------------------------------------


def test_the_graduate_page_says_what_will_happen(
    client, program, mentee, admin_user, future_sessions
):
    client.force_login(admin_user)

    response = client.get(graduate_url(program, mentee))

    assert response.status_code == 200
    text = response.content.decode()
    assert "1 live mentorship will end (with Mo Mentor)." in text
    assert "3 future sessions will be cancelled, on time for both people." in text
    assert membership_of(mentee, program).is_active  # a GET changes nothing


def test_posting_graduates(client, program, mentee, mentorship, admin_user, future_sessions):
    client.force_login(admin_user)

    response = client.post(graduate_url(program, mentee))

    assert response.status_code == 302
    assert membership_of(mentee, program).status == MembershipStatus.GRADUATED
    mentorship.refresh_from_db()
    assert mentorship.end_reason == EndReason.COMPLETED
    for session in future_sessions:
        session.refresh_from_db()
        assert session.status == SessionStatus.CANCELLED


def test_graduating_again_says_so_and_changes_nothing(client, program, mentee, admin_user):
    client.force_login(admin_user)
    client.post(graduate_url(program, mentee))
    ended_at = membership_of(mentee, program).ended_at

    page = client.get(graduate_url(program, mentee))
    again = client.post(graduate_url(program, mentee))

    assert "graduated on" in page.content.decode()
    assert again.status_code == 409
    assert "already graduated" in again.content.decode()
    assert membership_of(mentee, program).ended_at == ended_at


def test_the_mentees_own_success_manager_may_graduate_them(
    client, program, mentee, success_manager
):
    client.force_login(success_manager)

    assert client.post(graduate_url(program, mentee)).status_code == 302
    assert membership_of(mentee, program).status == MembershipStatus.GRADUATED


@pytest.mark.parametrize(
    "person", ["mentee", "mentor", "other_mentee", "other_manager", "outsider"]
)
def test_others_get_404_on_graduate_and_leave(client, request, program, mentee, person):
    client.force_login(request.getfixturevalue(person))

    for url in (graduate_url(program, mentee), leave_url(program, mentee)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"note": "x"}).status_code == 404
    assert membership_of(mentee, program).is_active


def test_a_success_manager_cannot_mark_a_mentor_as_left(client, program, mentor, success_manager):
    client.force_login(success_manager)

    assert client.post(leave_url(program, mentor, Role.MENTOR)).status_code == 404
    assert membership_of(mentor, program, Role.MENTOR).is_active


def test_an_admin_marks_a_mentor_as_left_with_a_note(
    client, program, mentor, mentorship, admin_user
):
    client.force_login(admin_user)

    response = client.post(leave_url(program, mentor, Role.MENTOR), {"note": "Changed jobs."})

    assert response.status_code == 302
    assert membership_of(mentor, program, Role.MENTOR).status == MembershipStatus.LEFT
    mentorship.refresh_from_db()
    assert (mentorship.end_reason, mentorship.end_note) == (
        EndReason.MENTOR_UNAVAILABLE,
        "Changed jobs.",
    )


def test_a_note_too_long_is_refused_naming_the_field(client, program, mentee, admin_user):
    client.force_login(admin_user)

    response = client.post(leave_url(program, mentee), {"note": "x" * 2001})

    assert response.status_code == 400
    assert "Keep it under 2,000 characters." in response.content.decode()
    assert membership_of(mentee, program).is_active


def test_the_note_refuses_control_characters(client, program, mentee, admin_user):
    client.force_login(admin_user)

    response = client.post(leave_url(program, mentee), {"note": "bad\x07bell"})

    assert response.status_code == 400
    assert membership_of(mentee, program).is_active


# --- deactivating ----------------------------------------------------------------------------


def deactivate_url(program, user):
    return f"/p/{program.slug}/people/{user.pk}/deactivate/"


def test_an_admin_deactivates_an_account(client, program, mentee, admin_user, future_sessions):
    client.force_login(admin_user)
    page = client.get(deactivate_url(program, mentee))
    assert "3 future sessions will be cancelled" in page.content.decode()

    response = client.post(deactivate_url(program, mentee))

    assert response.status_code == 302
    mentee.refresh_from_db()
    assert not mentee.is_active
    assert membership_of(mentee, program).status == MembershipStatus.LEFT


def test_deactivating_someone_in_another_program_is_refused_with_the_reason(
    client, program, mentee, admin_user
):
    f.MembershipFactory(user=mentee, program=f.ProgramFactory(), role=Role.MENTOR)
    client.force_login(admin_user)

    page = client.get(deactivate_url(program, mentee))
    posted = client.post(deactivate_url(program, mentee))

    assert "only a site administrator" in page.content.decode()
    assert "Deactivate the account</button>" not in page.content.decode()
    assert posted.status_code == 409
    mentee.refresh_from_db()
    assert mentee.is_active


@pytest.mark.parametrize("person", ["success_manager", "mentor", "other_mentee", "outsider"])
def test_only_admins_reach_deactivation(client, request, program, mentee, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(deactivate_url(program, mentee)).status_code == 404
    assert client.post(deactivate_url(program, mentee)).status_code == 404
    mentee.refresh_from_db()
    assert mentee.is_active


def test_a_person_outside_the_program_is_a_404(client, program, admin_user, outsider):
    client.force_login(admin_user)

    assert client.post(deactivate_url(program, outsider)).status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active


# --- a cohort --------------------------------------------------------------------------------


def test_an_admin_graduates_a_cohort(client, program, cohort, mentee, other_mentee, admin_user):
    client.force_login(admin_user)
    url = f"/p/{program.slug}/cohorts/{cohort.pk}/graduate/"

    page = client.get(url)
    response = client.post(url)

    assert "2 active mentees" in page.content.decode()
    assert "Mia Mentee" in page.content.decode()
    assert response.status_code == 302
    assert not Membership.objects.filter(cohort=cohort, is_active=True).exists()
    assert client.post(url).status_code == 409  # nobody left


@pytest.mark.parametrize("person", ["success_manager", "mentor", "mentee", "outsider"])
def test_only_admins_graduate_a_cohort(client, request, program, cohort, mentee, person):
    client.force_login(request.getfixturevalue(person))
    url = f"/p/{program.slug}/cohorts/{cohort.pk}/graduate/"

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert membership_of(mentee, program).is_active


def test_a_cohort_of_another_program_is_a_404(client, program, admin_user):
    client.force_login(admin_user)
    elsewhere = f.CohortFactory()

    assert client.get(f"/p/{program.slug}/cohorts/{elsewhere.pk}/graduate/").status_code == 404


# --- completing and closing words -------------------------------------------------------------


def complete_url(program, mentorship):
    return f"/p/{program.slug}/mentorships/{mentorship.pk}/complete/"


def closing_url(program, mentorship):
    return f"/p/{program.slug}/mentorships/{mentorship.pk}/closing/"


def test_completing_then_both_write_closing_words_shown_in_the_history(
    client, program, mentorship, mentee, mentor, success_manager
):
    client.force_login(success_manager)
    assert client.post(complete_url(program, mentorship), {"note": "Hired!"}).status_code == 302
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.end_reason) == (
        MentorshipStatus.ENDED,
        EndReason.COMPLETED,
    )

    client.force_login(mentee)
    assert client.get(closing_url(program, mentorship)).status_code == 200
    client.post(closing_url(program, mentorship), {"text": "Thanks for everything, Mo."})
    client.force_login(mentor)
    page = client.get(closing_url(program, mentorship))
    assert "Thanks for everything, Mo." in page.content.decode()  # the other's words
    client.post(closing_url(program, mentorship), {"text": "Proud of you."})

    client.force_login(success_manager)
    history = client.get(f"/p/{program.slug}/mentees/{mentee.pk}/history/").content.decode()
    assert "Thanks for everything, Mo." in history and "Proud of you." in history
    assert membership_of(mentee, program).is_active


@pytest.mark.parametrize(
    "person", ["mentee", "mentor", "other_mentee", "other_manager", "outsider"]
)
def test_only_the_mentees_staff_complete(client, request, program, mentorship, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(complete_url(program, mentorship)).status_code == 404
    assert client.post(complete_url(program, mentorship)).status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.is_live


@pytest.mark.parametrize("person", ["success_manager", "admin_user", "other_mentee", "outsider"])
def test_only_the_parties_write_closing_words(client, request, program, mentorship, person):
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=MentorshipStatus.ENDED, ended_at=timezone.now(), end_reason=EndReason.COMPLETED
    )
    client.force_login(request.getfixturevalue(person))

    assert client.get(closing_url(program, mentorship)).status_code == 404
    assert client.post(closing_url(program, mentorship), {"text": "x"}).status_code == 404


def test_no_closing_words_for_a_live_mentorship(client, program, mentorship, mentee):
    client.force_login(mentee)

    assert client.get(closing_url(program, mentorship)).status_code == 404


def test_closing_words_too_long_are_refused(client, program, mentorship, mentee):
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=MentorshipStatus.ENDED, ended_at=timezone.now(), end_reason=EndReason.COMPLETED
    )
    client.force_login(mentee)

    response = client.post(closing_url(program, mentorship), {"text": "x" * 2001})

    assert response.status_code == 400
    mentorship.refresh_from_db()
    assert mentorship.mentee_closing_reflection == ""


# --- where the links are ---------------------------------------------------------------------


def test_person_pages_link_the_actions_for_staff_only(
    client, program, mentee, mentor, admin_user, success_manager
):
    client.force_login(admin_user)
    mentee_page = client.get(f"/p/{program.slug}/mentees/{mentee.pk}/").content.decode()
    mentor_page = client.get(f"/p/{program.slug}/mentors/{mentor.pk}/").content.decode()
    assert graduate_url(program, mentee) in mentee_page
    assert deactivate_url(program, mentee) in mentee_page
    assert leave_url(program, mentor, Role.MENTOR) in mentor_page

    client.force_login(success_manager)
    mentee_page = client.get(f"/p/{program.slug}/mentees/{mentee.pk}/").content.decode()
    assert graduate_url(program, mentee) in mentee_page
    assert deactivate_url(program, mentee) not in mentee_page

    client.force_login(mentor)
    mentee_page = client.get(f"/p/{program.slug}/mentees/{mentee.pk}/").content.decode()
    assert "data-offboarding-links" not in mentee_page


def test_the_history_links_complete_for_staff(client, program, mentee, mentorship, success_manager):
    client.force_login(success_manager)

    history = client.get(f"/p/{program.slug}/mentees/{mentee.pk}/history/").content.decode()

    assert complete_url(program, mentorship) in history


def test_the_cohorts_page_links_graduation_for_admins(
    client, program, cohort, mentee, admin_user, success_manager
):
    url = f"/p/{program.slug}/cohorts/{cohort.pk}/graduate/"
    client.force_login(admin_user)
    assert url in client.get(f"/p/{program.slug}/cohorts/").content.decode()

    client.force_login(success_manager)
    assert url not in client.get(f"/p/{program.slug}/cohorts/").content.decode()


def test_the_caseload_timeline_shows_the_closing_words(
    client, program, mentorship, mentee, mentor, success_manager
):
    from mentora.matching.lifecycle import offboarding

    offboarding.mentorship_complete(mentorship=mentorship, by=success_manager)
    offboarding.closing_reflection_save(
        mentorship=mentorship, by=mentee, text="It changed my year."
    )
    client.force_login(success_manager)

    page = client.get(f"/p/{program.slug}/caseload/{mentee.pk}/").content.decode()

    assert "Mia Mentee's closing words" in page
    assert "It changed my year." in page
