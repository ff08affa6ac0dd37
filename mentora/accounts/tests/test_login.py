"""Logging in through allauth: email as login, Argon2 (lockouts: test_lockout.py)."""

import pytest
from django.urls import reverse

from mentora.accounts.models import User
from mentora.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def attempt(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


def test_login_with_email_lands_on_home(client, mentee):
    response = attempt(client, "MIA@example.org", TEST_PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_login_with_wrong_password_says_so(client, mentee):
    response = attempt(client, mentee.email, "wrong-password")

    assert response.status_code == 200
    assert "not correct" in response.text
    assert "_auth_user_id" not in client.session


def test_unverified_email_cannot_get_in(client, program):
    UserFactory(email="new@example.org", verified=False)

    response = attempt(client, "new@example.org", TEST_PASSWORD)

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert "confirm-email" in response.url


def test_signup_is_closed(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "x@example.org", "password1": "a-long-pass-123", "password2": "a-long-pass-123"},
    )

    assert not User.objects.filter(email="x@example.org").exists()
    assert response.status_code in (200, 403)


def test_passwords_are_hashed_with_argon2():
    from mentora import settings as project_settings  # tests swap in a fast hasher

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_user_email_is_stored_lower_case(db):
    user = User.objects.create_user("Someone@Example.ORG", "x-long-password-1", name="S")

    assert user.email == "someone@example.org"
