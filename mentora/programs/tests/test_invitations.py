"""Inviting a person by email, and the one-time link that lets them in."""

from __future__ import annotations

import re
from typing import cast

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from mentora.accounts.models import MenteeProfile, User
from mentora.programs import services
from mentora.programs.errors import ProgramError
from mentora.programs.models import Cohort, Membership, Role
from mentora.tests import factories as f
from mentora.tests.tasks import account_emails_send

NEW_PASSWORD = "a-fresh-pass-phrase-42"


def _person(**kwargs) -> User:
    # factory_boy's factories are not generic here, so mypy sees the factory type.
    return cast(User, f.UserFactory(**kwargs))


def _invite_url() -> str:
    return reverse("program_invite", args=["bootcamp"])


def _link_path(body: str) -> str:
    match = re.search(r"http://[^/\s]+(/accounts/invitation/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def _set_password(client: Client, path: str, password: str = NEW_PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


@pytest.fixture
def invite(client, admin_user, mailoutbox, django_capture_on_commit_callbacks):
    """Post the invite form as the program admin, then let the worker send the
    queued email (mentora.accounts.mail)."""

    def _invite(**data):
        client.force_login(admin_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_invite_url(), data)
        client.logout()
        account_emails_send()
        return response

    return _invite


def test_invite_sends_one_email_with_a_set_password_link(invite, mailoutbox, program, cohort):
    response = invite(email="Nia@Example.org", name="Nia New", role="mentee", cohort=cohort.pk)

    assert response.status_code == 302
    assert response["Location"] == reverse("program_people", args=["bootcamp"])
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["nia@example.org"]
    assert "Bootcamp Mentoring" in mail.subject
    assert "Ada Admin invited you" in mail.body
    assert _link_path(mail.body) in mail.alternatives[0][0]
    nia = User.objects.get(email="nia@example.org")
    assert not nia.has_usable_password()
    assert nia.time_zone == "Europe/Berlin"
    membership = Membership.objects.get(user=nia, program=program)
    assert (membership.role, membership.cohort) == (Role.MENTEE, cohort)
    assert MenteeProfile.objects.filter(user=nia).exists()


def test_invitation_link_sets_password_verifies_email_and_logs_in(invite, mailoutbox, client):
    invite(email="nia@example.org", name="Nia New", role="mentee")
    path = _link_path(mailoutbox[0].body)

    page = client.get(path)
    response = _set_password(client, path)

    assert page.status_code == 200
    assert b"nia@example.org" in page.content
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    nia = User.objects.get(email="nia@example.org")
    assert nia.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.filter(
        user=nia, email="nia@example.org", verified=True, primary=True
    ).exists()
    # Logged in: the program's home answers, sending a new person to the welcome steps first.
    home = client.get(reverse("program_home", args=["bootcamp"]))
    assert (home.status_code, home["Location"]) == (302, reverse("welcome"))
    nia.onboarded_at = nia.activated_at
    nia.save(update_fields=["onboarded_at"])
    assert client.get(reverse("program_home", args=["bootcamp"])).status_code == 200


def test_invitation_link_fails_the_second_time(invite, mailoutbox, client):
    invite(email="nia@example.org", name="Nia New", role="mentee")
    path = _link_path(mailoutbox[0].body)
    _set_password(client, path)
    client.logout()

    again = client.get(path)
    reuse = _set_password(Client(), path, "another-pass-phrase-77")

    assert again.status_code == 400
    assert b"This link no longer works" in again.content
    assert reverse("account_reset_password").encode() in again.content
    assert reuse.status_code == 400
    assert User.objects.get(email="nia@example.org").check_password(NEW_PASSWORD)


def test_invitation_link_with_mismatched_passwords_shows_message(invite, mailoutbox, client):
    invite(email="nia@example.org", name="Nia New", role="mentee")
    path = _link_path(mailoutbox[0].body)

    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": "other-9x"})

    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert not User.objects.get(email="nia@example.org").has_usable_password()


def test_invitation_link_expires(invite, mailoutbox, client, settings):
    invite(email="nia@example.org", name="Nia New", role="mentee")
    path = _link_path(mailoutbox[0].body)
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is now older than its lifetime

    response = client.get(path)

    assert response.status_code == 400
    assert b"This link no longer works" in response.content


@pytest.mark.parametrize(
    ("uidb64", "token"),
    [
        ("garbage", "garbage"),
        ("MQ", "abc-def"),
        ("OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "x-y"),
        ("!!", ""),
    ],
)
def test_invitation_bad_link_shows_friendly_page(db, client, uidb64, token):
    path = f"/accounts/invitation/{uidb64}/{token or 'x'}/"

    response = client.get(path)

    assert response.status_code == 400
    assert b"This link no longer works" in response.content


def test_invite_existing_person_with_password_gets_login_link(invite, mailoutbox, mentor):
    invite(email="mo@example.org", name="ignored", role="mentee")

    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "/accounts/login/?next=%2Fp%2Fbootcamp%2F" in body
    assert "/accounts/invitation/" not in body
    assert Membership.objects.filter(user=mentor, role=Role.MENTEE).exists()
    mentor.refresh_from_db()
    assert mentor.name == "Mo Mentor"


def test_invite_member_again_is_refused_with_message(client, admin_user, mentor, mailoutbox):
    client.force_login(admin_user)

    response = client.post(
        _invite_url(), {"email": "mo@example.org", "name": "Mo", "role": "mentor"}
    )

    assert response.status_code == 200
    assert "mo@example.org is already a mentor in Bootcamp Mentoring." in response.content.decode()
    assert mailoutbox == []


def test_invite_not_yet_accepted_person_again_resends_link(invite, mailoutbox):
    invite(email="nia@example.org", name="Nia New", role="mentee")
    invite(email="nia@example.org", name="Nia New", role="mentee")

    assert len(mailoutbox) == 2
    assert Membership.objects.filter(user__email="nia@example.org").count() == 1
    assert "/accounts/invitation/" in mailoutbox[1].body


@pytest.mark.parametrize("person", ["outsider", "mentee", "mentor"])
def test_invite_page_is_404_for_non_staff(request, client, program, person):
    user = request.getfixturevalue(person)
    client.force_login(user)

    get = client.get(_invite_url())
    post = client.post(_invite_url(), {"email": "x@example.org", "name": "X", "role": "admin"})

    assert (get.status_code, post.status_code) == (404, 404)
    assert not User.objects.filter(email="x@example.org").exists()


def test_invite_page_needs_login(client, program):
    response = client.get(_invite_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_invite_page_shows_form_to_success_manager_without_admin_role(client, success_manager):
    client.force_login(success_manager)

    response = client.get(_invite_url())
    refused = client.post(_invite_url(), {"email": "x@example.org", "name": "X", "role": "admin"})

    assert response.status_code == 200
    assert 'value="mentor"' in response.content.decode()
    assert 'value="admin"' not in response.content.decode()
    assert "Select a valid choice" in refused.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_invite_page_is_a_404_for_django_staff_without_a_role(client, program):
    client.force_login(_person(is_staff=True))

    assert client.get(_invite_url()).status_code == 404


def test_invite_page_works_for_a_superuser_as_support(client, program):
    client.force_login(_person(is_staff=True, is_superuser=True))

    response = client.get(_invite_url())

    assert response.status_code == 200
    assert 'value="admin"' in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"email": "not-an-email", "name": "X", "role": "mentee"}, "Enter a valid email address."),
        ({"email": "x@example.org", "name": "   ", "role": "mentee"}, "This field is required."),
        ({"email": "x@example.org", "name": "X" * 151, "role": "mentee"}, "at most 150"),
        ({"email": "x@example.org", "name": "X", "role": "boss"}, "Select a valid choice"),
        (
            {"email": "x@example.org", "name": "X", "role": "mentee", "time_zone": "Mars/Base"},
            "Select a valid choice",
        ),
    ],
)
def test_invite_invalid_input_shows_message_and_creates_nothing(
    client, admin_user, mailoutbox, data, field_message
):
    client.force_login(admin_user)

    response = client.post(_invite_url(), data)

    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()
    assert mailoutbox == []


def test_invite_cohort_for_a_mentor_is_refused(client, admin_user, cohort):
    client.force_login(admin_user)

    response = client.post(
        _invite_url(),
        {"email": "x@example.org", "name": "X", "role": "mentor", "cohort": cohort.pk},
    )

    assert response.status_code == 200
    assert "Only mentees belong to a cohort" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_invite_cohort_of_another_program_is_not_a_choice(client, admin_user, program):
    elsewhere_cohort = cast(Cohort, f.CohortFactory(name="Elsewhere cohort"))
    client.force_login(admin_user)

    response = client.post(
        _invite_url(),
        {"email": "x@example.org", "name": "X", "role": "mentee", "cohort": elsewhere_cohort.pk},
    )

    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_membership_add_is_idempotent_and_creates_profile(program, cohort):
    person = _person()

    first = services.membership_add(user=person, program=program, role=Role.MENTEE, cohort=cohort)
    second = services.membership_add(user=person, program=program, role=Role.MENTEE)

    assert first.pk == second.pk
    assert second.cohort == cohort
    assert MenteeProfile.objects.filter(user=person).count() == 1


def test_membership_add_reactivates_a_deactivated_membership(program):
    person = _person()
    old = cast(
        Membership,
        f.MembershipFactory(
            user=person, program=program, role=Role.MENTOR, is_active=False, status="left"
        ),
    )

    membership = services.membership_add(user=person, program=program, role=Role.MENTOR)

    assert membership.pk == old.pk
    assert membership.is_active


def test_membership_add_refuses_cohort_for_mentor(program, cohort):
    with pytest.raises(ProgramError) as error:
        services.membership_add(user=_person(), program=program, role=Role.MENTOR, cohort=cohort)

    assert error.value.code == "cohort_only_for_mentees"
    assert not Membership.objects.filter(role=Role.MENTOR, program=program).exists()


def test_membership_add_refuses_success_manager_without_that_role(program, mentor):
    with pytest.raises(ProgramError) as error:
        services.membership_add(
            user=_person(), program=program, role=Role.MENTEE, success_manager=mentor
        )

    assert error.value.code == "not_a_success_manager"
