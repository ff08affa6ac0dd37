"""Who needs a second factor, and where it is asked for (programs/second_factor.py)."""

from __future__ import annotations

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from mentora.programs.models import Membership, MembershipStatus, Role
from mentora.programs.second_factor import needs_second_factor
from mentora.tests import factories as f
from mentora.tests.second_factor import (
    force_login_only,
    forget_second_factor,
    pass_second_factor,
    sign_on_through_sso,
)

pytestmark = pytest.mark.django_db
ACTIVATE = "/accounts/2fa/totp/activate/"
REAUTH = "/accounts/2fa/reauthenticate/"


@pytest.fixture
def strict(program):
    program.staff_need_second_factor = True
    program.save()
    return program


@pytest.fixture
def people_page(program) -> str:
    return reverse("program_people", kwargs={"slug": program.slug})


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def client_of(user, *, passed: bool = False) -> Client:
    """Signed in with a password just now (and, if `passed`, a code too)."""
    client = Client()
    force_login_only(client, user)
    forget_second_factor(client, user)
    if passed:
        pass_second_factor(client, user)
    return client


# --- who needs one --------------------------------------------------------


def test_staff_of_a_program_asking_it_need_one(strict, success_manager, admin_user, mentor, mentee):
    assert needs_second_factor(success_manager)
    assert needs_second_factor(admin_user)
    assert not needs_second_factor(mentor)  # mentors only when the program says so
    assert not needs_second_factor(mentee)


def test_nobody_in_a_program_not_asking_it_needs_one(program, success_manager, admin_user):
    assert not needs_second_factor(success_manager)
    assert not needs_second_factor(admin_user)


def test_mentors_need_one_where_the_program_asks_it_of_mentors(program, mentor, success_manager):
    program.mentors_need_second_factor = True
    program.save()

    assert needs_second_factor(mentor)
    assert not needs_second_factor(success_manager)


def test_site_staff_always_need_one(db):
    assert needs_second_factor(f.UserFactory(is_staff=True))
    assert needs_second_factor(f.UserFactory(is_superuser=True))


def test_a_role_that_ended_asks_nothing(strict, success_manager):
    Membership.objects.filter(user=success_manager).update(
        is_active=False, status=MembershipStatus.LEFT
    )

    assert not needs_second_factor(success_manager)


# --- set it up before anything else ----------------------------------------


def test_staff_without_one_are_sent_to_set_it_up_from_any_page(
    strict, success_manager, people_page
):
    client = client_of(success_manager)

    for page in ("/", people_page, reverse("welcome")):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.url == ACTIVATE, page
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("second factor" in m for m in messages)


def test_the_set_up_page_itself_and_account_pages_are_not_redirected(strict, success_manager):
    client = client_of(success_manager)

    assert client.get(ACTIVATE).status_code == 200
    assert client.get(reverse("profile_edit")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200


def test_setup_comes_before_onboarding_without_a_loop(strict, success_manager):
    success_manager.onboarded_at = None
    success_manager.save()
    client = client_of(success_manager)

    assert client.get("/").url == ACTIVATE
    assert client.get(ACTIVATE).status_code == 200  # onboarding leaves the set-up alone


@pytest.mark.django_db(transaction=True)  # allauth announces the new authenticator on commit
def test_switching_an_app_on_counts_as_passing_it_and_opens_the_staff_pages(
    strict, success_manager, people_page
):
    client = client_of(success_manager)
    page = client.get(ACTIVATE)
    secret = page.context["form"].secret

    assert secret in page.text  # typed by hand when the code can't be scanned
    assert "<svg" in page.text and "data:image" not in page.text  # inline QR code, CSP-safe
    done = client.post(ACTIVATE, {"code": pyotp.TOTP(secret).now()})

    assert done.status_code == 302
    assert Authenticator.objects.filter(user=success_manager, type="totp").exists()
    assert client.get(people_page).status_code == 200


def test_a_wrong_code_while_setting_up_switches_nothing_on(strict, success_manager):
    client = client_of(success_manager)
    client.get(ACTIVATE)

    response = client.post(ACTIVATE, {"code": "123"})

    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=success_manager).exists()


def test_a_policy_switched_on_mid_session_holds_on_the_program_pages(
    program, success_manager, people_page
):
    client = client_of(success_manager)
    assert client.get(people_page).status_code == 200  # checked once: nothing needed

    program.staff_need_second_factor = True
    program.save()

    assert client.get(people_page).url == ACTIVATE


def test_people_whose_role_asks_nothing_are_never_redirected(strict, mentee, mentor):
    for person in (mentee, mentor):
        response = client_of(person).get("/", follow=True)
        assert response.status_code == 200
        assert all(ACTIVATE not in url for url, _ in response.redirect_chain)


# --- staff pages want it passed in this session ----------------------------


def test_staff_with_one_not_passed_in_this_session_are_asked_for_a_code(
    strict, success_manager, people_page
):
    secret = with_totp(success_manager)
    client = client_of(success_manager)
    forget_second_factor(client, success_manager)

    response = client.get(people_page)

    assert response.status_code == 302
    assert response.url.startswith(REAUTH) and "next=" in response.url
    back = client.post(response.url, {"code": pyotp.TOTP(secret).now(), "next": people_page})
    assert back.status_code == 302 and back.url == people_page
    assert client.get(people_page).status_code == 200


def test_a_form_posted_to_a_staff_page_without_it_is_refused(strict, success_manager, program):
    with_totp(success_manager)
    client = client_of(success_manager)
    url = reverse("program_cohorts", kwargs={"slug": program.slug})

    response = client.post(url, {"name": "Autumn"})

    assert response.status_code == 302 and response.url.startswith(REAUTH)
    assert not program.cohorts.filter(name="Autumn").exists()


def test_a_program_not_asking_it_opens_without_it(program, success_manager, people_page):
    assert client_of(success_manager).get(people_page).status_code == 200


def test_an_outsider_still_gets_the_404_first(strict, outsider, people_page):
    assert client_of(outsider).get(people_page).status_code == 404


# --- single sign-on --------------------------------------------------------


def test_a_trusted_sign_on_stands_for_the_second_factor(strict, success_manager, people_page):
    strict.trust_sso_second_factor = True
    strict.save()
    client = client_of(success_manager)
    sign_on_through_sso(client, success_manager)

    assert client.get("/", follow=True).redirect_chain[-1][0] == f"/p/{strict.slug}/"  # no set-up
    assert client.get(people_page).status_code == 200


def test_an_untrusted_sign_on_does_not(strict, success_manager, people_page):
    client = client_of(success_manager)
    sign_on_through_sso(client, success_manager)

    assert client.get(people_page).url == ACTIVATE
    with_totp(success_manager)
    assert client.get(people_page).url.startswith(REAUTH)


def test_a_password_login_is_not_a_sign_on_even_where_it_is_trusted(
    strict, success_manager, people_page
):
    strict.trust_sso_second_factor = True
    strict.save()
    with_totp(success_manager)
    client = client_of(success_manager)
    forget_second_factor(client, success_manager)

    assert client.get(people_page).url.startswith(REAUTH)


# --- Django admin -----------------------------------------------------------


def test_django_admin_wants_a_code_from_every_staff_member(db):
    staff = f.UserFactory(is_staff=True, is_superuser=True)
    client = client_of(staff)

    assert client.get("/admin/").url == ACTIVATE
    with_totp(staff)
    assert client.get("/admin/accounts/user/").url.startswith(REAUTH)
    pass_second_factor(client, staff)
    assert client.get("/admin/").status_code == 200


# --- turning it off, new recovery codes -------------------------------------


def test_turning_it_off_is_refused_to_someone_who_needs_it(strict, success_manager):
    with_totp(success_manager)
    client = client_of(success_manager, passed=True)

    page = client.get("/accounts/2fa/totp/deactivate/")
    client.post("/accounts/2fa/totp/deactivate/")

    assert "cannot turn off your last authenticator" in page.text
    assert Authenticator.objects.filter(user=success_manager, type="totp").exists()


def test_anyone_else_may_turn_it_off(program, mentee, django_capture_on_commit_callbacks):
    with_totp(mentee)
    client = client_of(mentee, passed=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=mentee).exists()  # recovery codes go too


def test_new_recovery_codes_replace_the_old_ones(program, mentee):
    with_totp(mentee)
    row = Authenticator.objects.get(user=mentee, type="recovery_codes")
    old = set(RecoveryCodes(row).get_unused_codes())
    client = client_of(mentee, passed=True)

    response = client.post("/accounts/2fa/recovery-codes/generate/")

    assert response.status_code == 302
    new = set(
        RecoveryCodes(
            Authenticator.objects.get(user=mentee, type="recovery_codes")
        ).get_unused_codes()
    )
    assert new and not (new & old)
    shown = client.get("/accounts/2fa/recovery-codes/")
    assert all(code in shown.text for code in new)


def test_the_account_page_links_two_factor_sign_in(program, mentee):
    response = client_of(mentee).get(reverse("profile_edit"))

    assert reverse("mfa_index") in response.text
    assert "Two-factor sign-in" in response.text


def test_every_role_may_open_the_second_factor_pages(program, mentee, mentor, success_manager):
    with_totp(mentee)
    for page in ("/accounts/2fa/", "/accounts/2fa/recovery-codes/", "/accounts/2fa/webauthn/add/"):
        response = client_of(mentee, passed=True).get(page)
        assert response.status_code == 200, page
    assert Role.MENTEE in {m.role for m in mentee.memberships.all()}


def _security_key(user) -> Authenticator:
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Blue key"}
    )


def test_removing_the_last_security_key_is_refused_to_someone_who_needs_it(strict, success_manager):
    key = _security_key(success_manager)
    client = client_of(success_manager, passed=True)

    response = client.post(f"/accounts/2fa/webauthn/keys/{key.pk}/remove/", follow=True)

    assert Authenticator.objects.filter(pk=key.pk).exists()
    assert "cannot turn off your last authenticator" in response.text


def test_a_key_may_go_when_an_app_remains_or_nobody_asks_for_one(
    strict, success_manager, mentee, django_capture_on_commit_callbacks
):
    with_totp(success_manager)
    staff_key, mentee_key = _security_key(success_manager), _security_key(mentee)

    with django_capture_on_commit_callbacks(execute=True):
        for person, key in ((success_manager, staff_key), (mentee, mentee_key)):
            url = f"/accounts/2fa/webauthn/keys/{key.pk}/remove/"
            assert client_of(person, passed=True).post(url).status_code == 302

    assert not Authenticator.objects.filter(type=Authenticator.Type.WEBAUTHN).exists()


def test_a_success_manager_accepting_an_invitation_sets_up_a_code_without_retyping_it(strict, db):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    new = f.UserFactory(email="sue@example.org", activated_at=None, onboarded_at=None)
    new.set_unusable_password()
    new.save()
    f.MembershipFactory(user=new, program=strict, role=Role.SUCCESS_MANAGER)
    uid = urlsafe_base64_encode(force_bytes(new.pk))
    path = reverse(
        "accept_invitation",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(new)},
    )
    client = Client()
    password = "a-fresh-pass-phrase-42"

    client.post(path, {"new_password1": password, "new_password2": password})
    first = client.get("/")

    assert first.status_code == 302 and first.url == ACTIVATE
    assert client.get(ACTIVATE).status_code == 200  # no "confirm your password" first
