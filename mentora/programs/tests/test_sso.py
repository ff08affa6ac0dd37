"""Single sign-on against a real OpenID Connect provider (django-oauth-toolkit in
a second process, mentora/tests/oidc_provider): Mentora's side runs in the test
client, the provider's login form is filled in over HTTP, and the provider's
answer comes back to Mentora's callback as a browser would bring it."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentora.accounts.models import User
from mentora.env import env_oidc_providers
from mentora.programs import services
from mentora.programs.models import MembershipStatus, Program, Role
from mentora.tests import factories as f
from mentora.tests.oidc_provider import Provider, provider_sign_in, running_provider

pytestmark = pytest.mark.django_db

PROVIDER_ID = "acme"
CALLBACK = f"http://testserver/accounts/oidc/{PROVIDER_ID}/login/callback/"
PEOPLE: dict[str, dict[str, Any]] = {
    # username at the provider: what the provider says about them
    "ines": {"email": "ines@acme.example", "email_verified": True},
    "sam": {"email": "sam@nowhere.example", "email_verified": True},
    "una": {"email": "una@acme.example", "email_verified": False},
    "nico": {"email": "nico@acme.example"},  # no email_verified claim at all
    "mia": {"email": "mia@acme.example", "email_verified": True},
    "otto": {"email": "otto@other.example", "email_verified": True},
}


def _password(username: str) -> str:
    return f"provider-pw-{username}-7"


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    users = [
        {"username": name, "password": _password(name), "name": name.title(), **claims}
        for name, claims in PEOPLE.items()
    ]
    with running_provider(
        tmp_dir=tmp_path_factory.mktemp("oidc"), redirect_uris=[CALLBACK], users=users
    ) as provider:
        yield provider


def _configure(
    monkeypatch: pytest.MonkeyPatch, settings: Any, server_url: str, **extra: Any
) -> None:
    """Mentora configured the way an operator does it: MENTORA_OIDC_PROVIDERS."""
    monkeypatch.setenv(
        "MENTORA_OIDC_PROVIDERS",
        json.dumps(
            [
                {
                    "id": PROVIDER_ID,
                    "name": "Acme ID",
                    "server_url": server_url,
                    "client_id": "mentora-test-client",
                    "secret": "s3cret-" + "x" * 24,
                }
            ]
        ),
    )
    apps = env_oidc_providers("MENTORA_OIDC_PROVIDERS")
    apps[0]["settings"].update(extra)  # type: ignore[union-attr]
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": apps}}


@pytest.fixture
def sso(monkeypatch: pytest.MonkeyPatch, settings: Any, oidc_provider: Provider) -> Provider:
    _configure(monkeypatch, settings, oidc_provider.issuer)
    return oidc_provider


@pytest.fixture
def program() -> Program:
    return f.ProgramFactory.create(sso_email_domains="acme.example")


@pytest.fixture
def manager(program: Program) -> User:
    user = f.UserFactory.create(email="sara@example.org", name="Sara Success")
    f.MembershipFactory(user=user, program=program, role=Role.SUCCESS_MANAGER)
    return user


def _invite(program: Program, manager: User, email: str) -> User:
    return services.person_invite(
        program=program, email=email, name="Ines Invited", role=Role.MENTEE, invited_by=manager
    )


def _start(client: Client, **data: str) -> str:
    started = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}), data
    )
    assert started.status_code == 302, started.content[:500]
    return str(started["Location"])


def _sign_in(
    client: Client, username: str, *, tamper: Callable[[dict[str, str]], None] | None = None
) -> Any:
    """Start at Mentora's button, log in at the provider, come back; Mentora's answer."""
    callback = urlsplit(
        provider_sign_in(_start(client), username=username, password=_password(username))
    )
    assert f"http://{callback.netloc}{callback.path}" == CALLBACK
    query = {key: values[0] for key, values in parse_qs(callback.query).items()}
    assert {"code", "state"} <= set(query)
    if tamper:
        tamper(query)
    return client.get(callback.path, query, follow=True)


def _signed_in_as(client: Client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def _page_text(response: Any) -> str:
    return html.unescape(response.content.decode())


# --- The login page -------------------------------------------------------------


def test_login_page_has_a_button_per_provider(client: Client, sso: Provider) -> None:
    page = _page_text(client.get(reverse("account_login")))

    assert "Sign in with Acme ID" in page
    assert reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}) in page


def test_login_page_without_providers_has_no_button(client: Client, settings: Any) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}

    assert "Sign in with" not in _page_text(client.get(reverse("account_login")))


def _form_action(response: Any) -> str:
    policy = response["Content-Security-Policy"]
    return next(d for d in policy.split(";") if d.strip().startswith("form-action")).strip()


def test_sign_in_pages_may_send_the_browser_to_the_provider(client: Client, sso: Provider) -> None:
    # Chromium applies form-action to the redirect that answers the button's POST
    # (the browser test of this journey failed without it).
    login = client.get(reverse("account_login"))
    confirm = client.get(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}))
    reset = client.get(reverse("account_reset_password"))

    assert _form_action(login) == f"form-action 'self' {sso.base_url}"
    assert _form_action(confirm) == f"form-action 'self' {sso.base_url}"
    assert _form_action(reset) == "form-action 'self'"


def test_the_request_carries_state_nonce_and_pkce(client: Client, sso: Provider) -> None:
    query = parse_qs(urlsplit(_start(client)).query)

    assert query["client_id"] == [sso.client_id]
    assert query["redirect_uri"] == [CALLBACK]
    assert len(query["state"][0]) >= 12 and len(query["nonce"][0]) >= 32
    assert query["code_challenge_method"] == ["S256"]


# --- Who may come in ------------------------------------------------------------


def test_first_sso_login_accepts_the_invitation(
    client: Client, sso: Provider, program: Program, manager: User
) -> None:
    invited = _invite(program, manager, "ines@acme.example")
    assert invited.activated_at is None

    response = _sign_in(client, "ines")

    assert _signed_in_as(client) == invited
    invited.refresh_from_db()
    assert invited.activated_at is not None
    assert not invited.has_usable_password()  # the provider signs them in
    assert SocialAccount.objects.filter(user=invited, provider=PROVIDER_ID).count() == 1
    assert EmailAddress.objects.get(user=invited, email="ines@acme.example").verified
    assert response.status_code == 200

    # The next time, the linked account signs straight in.
    client.logout()
    _sign_in(client, "ines")
    assert _signed_in_as(client) == invited
    assert SocialAccount.objects.filter(user=invited).count() == 1


def test_the_invitation_link_stops_working_after_the_first_sso_login(
    client: Client, sso: Provider, program: Program, manager: User
) -> None:
    link = urlsplit(services.invitation_link(_invite(program, manager, "ines@acme.example"))).path
    assert Client().get(link).status_code == 200

    _sign_in(client, "ines")

    assert Client().get(link).status_code == 400


def test_linked_person_who_left_every_program_is_refused(
    client: Client, sso: Provider, program: Program, manager: User
) -> None:
    invited = _invite(program, manager, "ines@acme.example")
    _sign_in(client, "ines")
    client.logout()
    invited.memberships.update(
        is_active=False, status=MembershipStatus.LEFT, ended_at=timezone.now()
    )

    response = _sign_in(client, "ines")

    assert _signed_in_as(client) is None
    assert "in no program at the moment" in _page_text(response)


def test_provider_configured_in_django_admin_works_the_same(
    client: Client, settings: Any, oidc_provider: Provider, program: Program, manager: User
) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id=PROVIDER_ID,
        name="Acme ID",
        client_id=oidc_provider.client_id,
        secret=oidc_provider.client_secret,
        settings={"server_url": oidc_provider.issuer},
    )
    invited = _invite(program, manager, "ines@acme.example")
    login = client.get(reverse("account_login"))
    assert "Sign in with Acme ID" in _page_text(login)
    assert oidc_provider.base_url in _form_action(login)

    _sign_in(client, "ines")

    assert _signed_in_as(client) == invited


def test_unknown_email_is_refused(client: Client, sso: Provider, program: Program) -> None:
    response = _sign_in(client, "sam")

    assert _signed_in_as(client) is None
    assert "There is no invitation for sam@nowhere.example" in _page_text(response)
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert not User.objects.filter(email="sam@nowhere.example").exists()
    assert not SocialAccount.objects.exists()


def test_account_without_membership_is_refused(client: Client, sso: Provider) -> None:
    f.UserFactory(email="mia@acme.example")  # an account, but in no program

    response = _sign_in(client, "mia")

    assert _signed_in_as(client) is None
    assert "There is no invitation for mia@acme.example" in _page_text(response)


@pytest.mark.parametrize("username", ["una", "nico"], ids=["verified-false", "claim-missing"])
def test_unverified_email_is_refused(
    client: Client, sso: Provider, program: Program, manager: User, username: str
) -> None:
    invited = _invite(program, manager, PEOPLE[username]["email"])

    response = _sign_in(client, username)

    assert _signed_in_as(client) is None
    assert "did not confirm your email address" in _page_text(response)
    invited.refresh_from_db()
    assert invited.activated_at is None
    assert not SocialAccount.objects.exists()


def test_existing_account_in_a_matched_domain_is_linked(
    client: Client, sso: Provider, program: Program
) -> None:
    mia = f.UserFactory(email="mia@acme.example")
    f.MembershipFactory(user=mia, program=program, role=Role.MENTOR)

    _sign_in(client, "mia")

    assert _signed_in_as(client) == mia
    assert SocialAccount.objects.get(provider=PROVIDER_ID).user == mia


def test_existing_account_outside_the_domains_is_refused(
    client: Client, sso: Provider, program: Program
) -> None:
    otto = f.UserFactory(email="otto@other.example")
    f.MembershipFactory(user=otto, program=program, role=Role.MENTOR)

    response = _sign_in(client, "otto")

    assert _signed_in_as(client) is None
    assert "Sign in with your password first" in _page_text(response)
    assert not SocialAccount.objects.exists()


def test_provider_the_program_does_not_list_is_refused(
    client: Client, sso: Provider, manager: User
) -> None:
    program = f.ProgramFactory(sso_providers="okta, entra")
    invited = _invite(program, manager, "ines@acme.example")

    response = _sign_in(client, "ines")

    assert _signed_in_as(client) is None
    assert "doesn't use this sign-in provider" in _page_text(response)
    invited.refresh_from_db()
    assert invited.activated_at is None


def test_provider_listed_by_one_of_the_programs_is_allowed(
    client: Client, sso: Provider, program: Program, manager: User
) -> None:
    program.sso_providers = "okta"
    program.save(update_fields=["sso_providers"])
    other = f.ProgramFactory(sso_providers=f"entra,{PROVIDER_ID.upper()}")
    invited = _invite(program, manager, "ines@acme.example")
    f.MembershipFactory(user=invited, program=other, role=Role.MENTEE)

    _sign_in(client, "ines")

    assert _signed_in_as(client) == invited


def _connect(client: Client, username: str) -> Any:
    """From the account's "Connected accounts", through the provider and back."""
    authorize = _start(client, process="connect")
    callback = provider_sign_in(authorize, username=username, password=_password(username))
    return client.get(callback, follow=True)


def test_existing_account_connects_the_provider_from_its_account(
    client: Client, sso: Provider, program: Program
) -> None:
    otto = f.UserFactory(email="otto@other.example")
    f.MembershipFactory(user=otto, program=program, role=Role.MENTOR)
    client.force_login(otto)
    assert "Acme ID" in _page_text(client.get(reverse("socialaccount_connections")))

    _connect(client, "otto")

    assert SocialAccount.objects.get(provider=PROVIDER_ID).user == otto
    client.logout()
    _sign_in(client, "otto")  # refused before connecting (test above), now signs in
    assert _signed_in_as(client) == otto


def test_connecting_a_provider_the_programs_do_not_list_is_refused(
    client: Client, sso: Provider
) -> None:
    otto = f.UserFactory(email="otto@other.example")
    f.MembershipFactory(user=otto, program=f.ProgramFactory(sso_providers="okta"))
    client.force_login(otto)

    response = _connect(client, "otto")

    assert "doesn't use this sign-in provider" in _page_text(response)
    assert response.redirect_chain[-1][0] == reverse("socialaccount_connections")
    assert not SocialAccount.objects.exists()


def test_connecting_without_being_signed_in_is_refused(
    client: Client, sso: Provider, program: Program
) -> None:
    otto = f.UserFactory.create(email="otto@other.example")
    f.MembershipFactory(user=otto, program=program, role=Role.MENTOR)

    response = _connect(client, "otto")

    assert response.status_code == 200
    assert "Log in first" in _page_text(response)
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert _signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


def test_profile_links_the_connected_accounts(client: Client, sso: Provider) -> None:
    client.force_login(f.UserFactory())

    page = _page_text(client.get(reverse("profile_edit")))

    assert reverse("socialaccount_connections") in page


@pytest.mark.parametrize("trusted", [True, False], ids=["trusted", "not-trusted"])
def test_staff_second_factor_is_the_provider_s_where_the_program_trusts_it(
    client: Client, sso: Provider, trusted: bool
) -> None:
    program = f.ProgramFactory.create(
        sso_email_domains="acme.example",
        staff_need_second_factor=True,
        trust_sso_second_factor=trusted,
    )
    mia = f.UserFactory.create(email="mia@acme.example")
    f.MembershipFactory(user=mia, program=program, role=Role.SUCCESS_MANAGER)

    _sign_in(client, "mia")
    people = client.get(reverse("program_people", kwargs={"slug": program.slug}))

    assert _signed_in_as(client) == mia
    if trusted:
        assert people.status_code == 200
    else:
        assert people.status_code == 302
        assert people["Location"].startswith(reverse("mfa_activate_totp"))


# --- The protocol's own checks --------------------------------------------------------


def _tamper_state(query: dict[str, str]) -> None:
    query["state"] = query["state"][::-1] + "x"


def test_tampered_state_is_refused(
    client: Client, sso: Provider, program: Program, manager: User
) -> None:
    invited = _invite(program, manager, "ines@acme.example")

    response = _sign_in(client, "ines", tamper=_tamper_state)

    assert response.status_code == 401
    assert _signed_in_as(client) is None
    invited.refresh_from_db()
    assert invited.activated_at is None
    assert not SocialAccount.objects.exists()


def test_callback_cannot_be_replayed(
    client: Client, sso: Provider, program: Program, manager: User
) -> None:
    _invite(program, manager, "ines@acme.example")
    callback = provider_sign_in(_start(client), username="ines", password=_password("ines"))
    client.get(callback)
    assert _signed_in_as(client) is not None

    fresh = Client()  # another browser with the same (stolen) callback address
    assert fresh.get(callback).status_code == 401
    assert _signed_in_as(fresh) is None


def test_id_token_with_another_nonce_is_refused(
    client: Client, sso: Provider, program: Program, manager: User
) -> None:
    """The nonce Mentora keeps for this sign-in differs from the one the provider
    signed into the ID token (a token minted for another sign-in)."""
    _invite(program, manager, "ines@acme.example")
    authorize = _start(client)
    session = client.session
    (state,) = session["socialaccount_states"].values()
    state[0]["nonce"] = "a-nonce-of-another-sign-in-" + "0" * 16
    session.save()

    callback = provider_sign_in(authorize, username="ines", password=_password("ines"))
    response = client.get(callback, follow=True)

    assert _signed_in_as(client) is None
    assert "didn't match this sign-in" in _page_text(response)
    assert not SocialAccount.objects.exists()


def test_id_token_from_another_issuer_is_refused(
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    oidc_provider: Provider,
    program: Program,
    manager: User,
) -> None:
    # Mentora expects another issuer than the one that signs the tokens.
    _configure(
        monkeypatch,
        settings,
        oidc_provider.issuer,
        openid_configuration_overrides={"issuer": "https://login.elsewhere.example/"},
    )
    _invite(program, manager, "ines@acme.example")

    response = _sign_in(client, "ines")

    assert response.status_code == 401
    assert _signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


def test_unreachable_provider_is_an_error_page(
    client: Client, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    _configure(monkeypatch, settings, "http://127.0.0.1:9/o")

    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}))

    assert response.status_code == 401
    assert _signed_in_as(client) is None


# --- Password sign-in ----------------------------------------------------------------


def _password_login(client: Client, email: str) -> Any:
    return client.post(
        reverse("account_login"), {"login": email, "password": f.TEST_PASSWORD}, follow=True
    )


def test_password_login_refused_where_the_program_wants_sso(client: Client, sso: Provider) -> None:
    program = f.ProgramFactory(password_login_allowed=False)
    mentor = f.UserFactory(email="mia@acme.example")
    f.MembershipFactory(user=mentor, program=program, role=Role.MENTOR)

    response = _password_login(client, "mia@acme.example")

    assert _signed_in_as(client) is None
    assert "Sign in with" in _page_text(response)
    assert "signs you in through your organisation" in _page_text(response)


def test_password_login_allowed_while_one_program_allows_it(client: Client) -> None:
    mentor = f.UserFactory(email="mia@acme.example")
    f.MembershipFactory(user=mentor, program=f.ProgramFactory(password_login_allowed=False))
    f.MembershipFactory(user=mentor, program=f.ProgramFactory(password_login_allowed=True))

    _password_login(client, "mia@acme.example")

    assert _signed_in_as(client) == mentor


def test_wrong_password_says_nothing_about_sso(client: Client) -> None:
    mentor = f.UserFactory(email="mia@acme.example")
    f.MembershipFactory(user=mentor, program=f.ProgramFactory(password_login_allowed=False))

    response = client.post(
        reverse("account_login"), {"login": "mia@acme.example", "password": "wrong-pw-123"}
    )

    assert "signs you in through your organisation" not in _page_text(response)
    assert _signed_in_as(client) is None


# --- Junk -------------------------------------------------------------------------------


def test_junk_in_the_sign_in_requests_is_refused_cleanly(
    client: Client, sso: Provider, program: Program, manager: User
) -> None:
    from mentora.tests.test_junk_inputs import (
        ALL_JUNK,
        RAW_QUERIES,
        Target,
        check,
        table_fingerprint,
    )

    _invite(program, manager, "ines@acme.example")
    baseline = table_fingerprint()
    login = Target(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}), "post")
    callback = Target(urlsplit(CALLBACK).path, "get")
    for n, junk in enumerate(ALL_JUNK):
        check(client, login, {"process": junk, "next": junk}, baseline)
        check(client, callback, {"code": junk, "state": junk}, baseline)
        # A real state (this browser's) with a junk code: the provider refuses it.
        state = parse_qs(urlsplit(_start(client)).query)["state"][0]
        check(client, callback, {"code": junk, "state": state}, baseline)
        check(client, callback, RAW_QUERIES[n % len(RAW_QUERIES)], baseline)

    assert _signed_in_as(client) is None
    assert not SocialAccount.objects.exists()
