"""Browser journey: a success manager of a program that asks staff for a second factor.

At her first login she is made to set up an authenticator app before any page
(the test reads the secret off the page and computes codes with pyotp, as her
phone would), keeps her recovery codes, logs out, and logs in again with a code
and then with a recovery code. A wrong code is refused and counted in the login
lockout (django-axes' table).
"""

from __future__ import annotations

import re

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from playwright.sync_api import expect

from mentora.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def strict(program):
    program.staff_need_second_factor = True
    program.save()
    return program


def _password_step(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _log_out(page) -> None:
    page.get_by_role("button", name="Log out").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def _failures_for(email: str) -> int:
    rows = AccessAttempt.objects.filter(username=email, ip_address__isnull=True)
    return sum(rows.values_list("failures_since_start", flat=True))


def test_a_success_manager_sets_up_a_code_then_logs_in_with_one_and_with_a_recovery_code(
    page, strict, success_manager, screenshot
):
    # First login: straight to the set-up, whatever page she asked for.
    _password_step(page, success_manager)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.get_by_text("Your role asks for a second factor")).to_be_visible()
    page.goto(f"/p/{strict.slug}/people/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)
    screenshot("second-factor-setup")

    page.get_by_label("Authenticator code").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    codes = [c.strip() for c in page.locator(".recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    page.goto(f"/p/{strict.slug}/people/")  # switching it on counted as passing it
    expect(page.get_by_role("heading", level=1)).to_contain_text("People")
    _log_out(page)

    # Next login: password, then a code; a wrong one first is refused and counted.
    _password_step(page, success_manager)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Incorrect code")).to_be_visible()
    assert _failures_for(success_manager.email) == 1

    page.get_by_label("Code").fill(totp.now())
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/p/{strict.slug}/"))
    page.goto(f"/p/{strict.slug}/people/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("People")
    assert _failures_for(success_manager.email) == 0  # the login cleared her counter
    _log_out(page)

    # A lost phone: a recovery code signs her in, once.
    _password_step(page, success_manager)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/p/{strict.slug}/"))
    _log_out(page)

    _password_step(page, success_manager)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Incorrect code")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert Authenticator.objects.filter(user=success_manager, type="totp").exists()


def test_a_security_key_is_added_and_then_signs_in(page, settings, program, mentee):
    """WebAuthn with Chromium's virtual authenticator (a USB key that always says yes)."""
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the live server is plain http
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    _password_step(page, mentee)
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("link", name="Add a security key").click()
    page.get_by_label("Name").fill("Blue key")
    page.locator("#mfa_webauthn_add").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    key = Authenticator.objects.get(user=mentee, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Blue key"
    _log_out(page)

    _password_step(page, mentee)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_role("button", name="Use a security key").click()
    expect(page).to_have_url(re.compile(rf"/p/{program.slug}/"))
    key.refresh_from_db()
    assert key.last_used_at is not None
