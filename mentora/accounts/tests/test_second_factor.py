"""Second factor at login (allauth.mfa), as accounts sees it: codes, lockout, recovery codes,
and an admin's reset (accounts/second_factor.py)."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from mentora.accounts.models import SecondFactorReset
from mentora.accounts.second_factor import SecondFactorError, second_factor_reset
from mentora.tests import factories as f
from mentora.tests.clock import NOW
from mentora.tests.factories import TEST_PASSWORD
from mentora.tests.tasks import account_emails_send

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
CODE_PAGE = "/accounts/2fa/authenticate/"
ACCOUNT_LIMIT = 5  # settings.py's default


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def person(db):
    return f.UserFactory(email="tia@example.org", name="Tia Two")


@pytest.fixture
def secret(person) -> str:
    value = generate_totp_secret()
    TOTP.activate(person, value)
    RecoveryCodes.activate(person)
    return value


def password_step(client: Client, person, address: str = "192.0.2.7"):
    return client.post(
        LOGIN, {"login": person.email, "password": TEST_PASSWORD}, REMOTE_ADDR=address
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def account_failures(person) -> int:
    rows = AccessAttempt.objects.filter(username=person.email, ip_address__isnull=True)
    return sum(rows.values_list("failures_since_start", flat=True))


def test_it_asks_for_a_code_after_the_password_and_signs_in_with_a_right_one(clock, person, secret):
    client = Client()
    response = password_step(client, person)
    assert response.status_code == 302 and response.url == CODE_PAGE
    assert not signed_in(client)

    response = client.post(CODE_PAGE, {"code": pyotp.TOTP(secret).now()}, REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 302
    assert signed_in(client)


def test_a_wrong_code_is_refused_and_counted_as_a_failed_login(clock, person, secret):
    client = Client()
    password_step(client, person)

    response = client.post(CODE_PAGE, {"code": "000000"}, REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 200
    assert "Incorrect code" in response.text
    assert not signed_in(client)
    assert account_failures(person) == 1
    address_rows = AccessAttempt.objects.filter(ip_address="192.0.2.7", username__isnull=True)
    assert address_rows.get().failures_since_start == 1


def test_wrong_codes_up_to_the_limit_lock_the_account_and_a_right_code_is_then_refused(
    clock, person, secret
):
    client = Client()
    password_step(client, person)
    for _ in range(ACCOUNT_LIMIT - 1):
        client.post(CODE_PAGE, {"code": "000000"}, REMOTE_ADDR="192.0.2.7")

    last = client.post(CODE_PAGE, {"code": "000000"}, REMOTE_ADDR="192.0.2.7")
    assert last.status_code == 429  # the lockout page
    right = client.post(CODE_PAGE, {"code": pyotp.TOTP(secret).now()}, REMOTE_ADDR="192.0.2.7")

    assert right.status_code == 429
    assert not signed_in(client)
    assert account_failures(person) == ACCOUNT_LIMIT  # refusals during the lockout aren't counted


def test_the_lockout_ends_after_its_cool_off_and_a_right_code_then_signs_in(clock, person, secret):
    client = Client()
    password_step(client, person)
    for _ in range(ACCOUNT_LIMIT):
        client.post(CODE_PAGE, {"code": "000000"}, REMOTE_ADDR="192.0.2.7")

    clock.shift(timedelta(minutes=16))
    client = Client()
    password_step(client, person)
    response = client.post(CODE_PAGE, {"code": pyotp.TOTP(secret).now()}, REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 302 and signed_in(client)
    assert account_failures(person) == 0  # a successful login clears the account's counter


def test_a_recovery_code_signs_in_once_and_is_refused_the_second_time(clock, person, secret):
    code = RecoveryCodes(Authenticator.objects.get(user=person, type="recovery_codes"))
    first = code.get_unused_codes()[0]

    client = Client()
    password_step(client, person)
    assert client.post(CODE_PAGE, {"code": first}).status_code == 302
    assert signed_in(client)

    again = Client()
    password_step(again, person)
    response = again.post(CODE_PAGE, {"code": first})

    assert response.status_code == 200 and not signed_in(again)
    assert "Incorrect code" in response.text


def test_recovery_codes_are_stored_hashed_not_in_the_clear(person, secret):
    row = Authenticator.objects.get(user=person, type=Authenticator.Type.RECOVERY_CODES)
    codes = RecoveryCodes(row).get_unused_codes()
    stored = str(row.data)

    assert len(codes) == 10
    assert all(code not in stored for code in codes)
    # What is kept is a seed (hashed into codes) and which were used, never a code list.
    assert set(row.data) <= {"seed", "used_mask", "migrated_codes"}
    assert "migrated_codes" not in row.data


# --- an admin's reset ------------------------------------------------------


def test_a_reset_removes_every_authenticator_records_why_signs_them_out_and_emails_them(
    person, secret, django_capture_on_commit_callbacks
):
    staff = f.UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    theirs, someone_elses = Client(), Client()
    theirs.force_login(person)
    someone_elses.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        record = second_factor_reset(user=person, by=staff, reason="Lost phone, asked by chat")
    account_emails_send()

    assert not Authenticator.objects.filter(user=person).exists()
    assert record.by == staff and record.authenticators_removed == 2
    assert record.sessions_ended == 1
    assert SecondFactorReset.objects.get().reason == "Lost phone, asked by chat"
    assert not Session.objects.filter(session_key=theirs.session.session_key).exists()
    assert Session.objects.filter(session_key=someone_elses.session.session_key).exists()
    [message] = mail.outbox
    assert message.to == [person.email]
    assert "second factor was reset" in message.subject
    assert "Lost phone, asked by chat" in message.body


def test_a_reset_without_a_reason_is_refused_and_changes_nothing(person, secret):
    with pytest.raises(SecondFactorError):
        second_factor_reset(user=person, by=None, reason="   ")

    assert Authenticator.objects.filter(user=person).count() == 2
    assert not SecondFactorReset.objects.exists()
    assert mail.outbox == []


def test_the_admin_action_asks_why_then_resets(person, secret, django_capture_on_commit_callbacks):
    staff = f.UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    url = "/admin/accounts/user/"
    chosen = {"action": "reset_second_factor", "_selected_action": [person.pk]}

    asked = client.post(url, chosen)
    assert asked.status_code == 200
    assert "Why" in asked.text and person.email in asked.text
    blank = client.post(url, {**chosen, "apply": "1", "reason": ""})
    assert blank.status_code == 200
    assert Authenticator.objects.filter(user=person).exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**chosen, "apply": "1", "reason": "Lost the phone"})
    account_emails_send()

    assert done.status_code == 302
    assert not Authenticator.objects.filter(user=person).exists()
    assert SecondFactorReset.objects.get(user=person).by == staff
    assert len(mail.outbox) == 1


def test_the_app_secret_and_the_recovery_seed_are_sealed_at_rest(person, secret):
    from mentora.sealed import unseal

    app = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    codes = Authenticator.objects.get(user=person, type=Authenticator.Type.RECOVERY_CODES)

    assert secret not in str(app.data)
    assert unseal(app.data["secret"]) == secret
    assert unseal(codes.data["seed"])  # opens, so it was sealed with our key


def test_a_secret_stored_before_sealing_still_works(clock, person):
    plain = generate_totp_secret()
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": plain})
    client = Client()
    password_step(client, person)

    response = client.post(CODE_PAGE, {"code": pyotp.TOTP(plain).now()})

    assert response.status_code == 302 and signed_in(client)


def test_a_wrong_code_when_asked_again_is_counted_too(clock, person, secret):
    from mentora.tests.second_factor import force_login_only, forget_second_factor

    client = Client()
    force_login_only(client, person)
    forget_second_factor(client, person)

    response = client.post("/accounts/2fa/reauthenticate/", {"code": "000000"})

    assert response.status_code == 200 and "Incorrect code" in response.text
    assert account_failures(person) == 1
