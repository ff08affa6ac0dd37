"""Single sign-on through OpenID Connect: who may come in, and who may not use a password.

allauth's social accounts run the protocol (its `state` ties the callback to the
browser that started it, PKCE to the client, and it checks the ID token's issuer,
audience and expiry); this module adds the ID token's `nonce` and Mentora's rules,
which need programs, so they live here and not in accounts:

- no self-sign-up: the provider's email must be verified and belong to a person
  with an invitation or a membership;
- a pending invitation is accepted by the first single sign-on (like following
  the invitation link, with no password to set);
- an activated account is linked by email only when the email's domain is one of
  its programs' `sso_email_domains` (otherwise: sign in with the password and
  link the provider from the account's "Connected accounts");
- a provider is usable when one of the person's programs allows it
  (`sso_providers`, blank: all);
- a password sign-in is refused when every one of the person's programs says
  `password_login_allowed` is off.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import requests
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from mentora import errors
from mentora.accounts.models import User
from mentora.inputs import TextChecksMixin
from mentora.programs import services
from mentora.programs.models import Membership, Program


class SignInCode(StrEnum):
    """Why a sign-in was refused. (Kept beside the rules: they are the only raisers.)"""

    EMAIL_UNVERIFIED = "email_unverified"
    NOT_INVITED = "not_invited"
    DOMAIN_NOT_MATCHED = "domain_not_matched"
    PROVIDER_NOT_ALLOWED = "provider_not_allowed"
    INACTIVE_ACCOUNT = "inactive_account"
    NONCE = "nonce"
    PASSWORD_NOT_ALLOWED = "password_not_allowed"
    NOT_SIGNED_IN = "not_signed_in"  # connecting a provider needs a signed-in person


class SignInRefused(errors.DomainError):
    code: SignInCode


# --- Rules ------------------------------------------------------------------


def _programs_of(user: User) -> list[Program]:
    memberships = Membership.objects.active().filter(user=user).select_related("program")
    return list({m.program_id: m.program for m in memberships}.values())


def _listed(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",") if item.strip()}


def provider_allowed(programs: list[Program], provider_id: str) -> bool:
    """At least one program lets its people use this provider (blank list: any)."""
    return any(
        not _listed(p.sso_providers) or provider_id.lower() in _listed(p.sso_providers)
        for p in programs
    )


def password_sign_in_allowed(user: User) -> bool:
    """False only when the person has programs and every one of them forbids passwords."""
    programs = _programs_of(user)
    return not programs or any(p.password_login_allowed for p in programs)


def _email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


def _check_provider(user: User, programs: list[Program], provider_id: str) -> None:
    if not user.is_active:
        raise SignInRefused(
            SignInCode.INACTIVE_ACCOUNT, _("This account is deactivated. Ask your program's staff.")
        )
    if not programs:
        raise SignInRefused(
            SignInCode.NOT_INVITED,
            _("Your account is in no program at the moment. Ask your program's staff."),
        )
    if not provider_allowed(programs, provider_id):
        raise SignInRefused(
            SignInCode.PROVIDER_NOT_ALLOWED,
            _("Your program doesn't use this sign-in provider. Use your program's own button."),
        )


def sso_person_admit(*, email: str | None, verified: bool, provider_id: str) -> User:
    """The person a first single sign-on with `email` belongs to, or SignInRefused.

    Steps: refuse an unverified or missing email; find the account by email
    (none, or no membership: no self-sign-up); check the account is active and a
    program of theirs allows the provider; accept a pending invitation (mark the
    account activated and the email verified); otherwise link only when the
    email's domain is one of their programs' `sso_email_domains`.
    """
    if not email or not verified:
        raise SignInRefused(
            SignInCode.EMAIL_UNVERIFIED,
            _(
                "Your identity provider did not confirm your email address, so Mentora can't "
                "tell who you are. Ask your organisation's IT to verify it, or sign in with "
                "your password."
            ),
        )
    user = User.objects.filter(email__iexact=email.strip()).first()
    programs = _programs_of(user) if user is not None else []
    if user is None or not programs:
        raise SignInRefused(
            SignInCode.NOT_INVITED,
            _(
                "There is no invitation for %(email)s. Mentora is by invitation: ask your "
                "program's staff to invite this address."
            )
            % {"email": email},
        )
    _check_provider(user, programs, provider_id)
    if user.activated_at is None:
        services.invitation_accept_by_sso(user=user)
        return user
    if not any(_email_domain(email) in _listed(p.sso_email_domains) for p in programs):
        raise SignInRefused(
            SignInCode.DOMAIN_NOT_MATCHED,
            _(
                "%(email)s already has a Mentora account. Sign in with your password first, "
                "then connect this sign-in provider from your account."
            )
            % {"email": email},
        )
    return user


# --- allauth hooks -------------------------------------------------------------


class NonceOpenIDConnectProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, sending a fresh `nonce` with each request
    and keeping it in the stashed state, so the adapter can check the ID token's;
    PKCE on unless an app's settings turn it off (allauth's default is off)."""

    pkce_enabled_default = True

    def redirect(
        self,
        request: HttpRequest,
        process: Any,
        next_url: str | None = None,
        data: Any = None,
        **kwargs: Any,
    ) -> Any:
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        auth_params = dict(self.get_auth_params() if auth_params is None else auth_params)
        auth_params["nonce"] = nonce
        try:
            return super().redirect(
                request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
            )
        except (requests.RequestException, ValueError, KeyError) as error:
            # The provider's discovery document can't be read (down, or not OIDC):
            # allauth's error page, not a 500.
            return render_authentication_error(request, self, exception=error)


def _check_nonce(sociallogin: SocialLogin) -> None:
    expected = sociallogin.state.get("nonce")
    claims = (sociallogin.account.extra_data or {}).get("id_token") or {}
    got = claims.get("nonce") if isinstance(claims, dict) else None
    if not (
        isinstance(expected, str) and isinstance(got, str) and secrets.compare_digest(expected, got)
    ):
        raise SignInRefused(
            SignInCode.NONCE,
            _("The answer from your identity provider didn't match this sign-in. Try again."),
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # pre_social_login has linked the login to an account or refused it.
        return False

    def get_provider(
        self, request: HttpRequest, provider: str, client_id: str | None = None
    ) -> Any:
        found = super().get_provider(request, provider, client_id=client_id)
        if type(found) is OpenIDConnectProvider:
            return NonceOpenIDConnectProvider(request, app=found.app)
        return found

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        try:
            with transaction.atomic():
                _admit(request, sociallogin)
        except SignInRefused as refusal:
            errors.page_error(request, refusal)
            connecting = _connecting(sociallogin) and request.user.is_authenticated
            target = "socialaccount_connections" if connecting else "account_login"
            raise ImmediateHttpResponse(redirect(target)) from refusal


def _connecting(sociallogin: SocialLogin) -> bool:
    return sociallogin.state.get("process") == AuthProcess.CONNECT


def _admit(request: HttpRequest, sociallogin: SocialLogin) -> None:
    if isinstance(sociallogin.provider, OpenIDConnectProvider):
        _check_nonce(sociallogin)
    provider_id = sociallogin.account.provider
    if _connecting(sociallogin):
        # A signed-in person connects a provider to their own account.
        user = request.user
        if not isinstance(user, User):
            raise SignInRefused(
                SignInCode.NOT_SIGNED_IN, _("Log in first, then connect the sign-in provider.")
            )
        _check_provider(user, _programs_of(user), provider_id)
    elif sociallogin.is_existing:
        user = sociallogin.user
        assert isinstance(user, User)
        _check_provider(user, _programs_of(user), provider_id)
    else:
        address = next((a for a in sociallogin.email_addresses if a.primary), None)
        user = sso_person_admit(
            email=address.email if address else None,
            verified=bool(address and address.verified is True),
            provider_id=provider_id,
        )
        sociallogin.connect(request, user)


class LoginForm(TextChecksMixin, AllauthLoginForm):
    """allauth's login form, refusing a right password where the programs want SSO."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = getattr(self, "user", None)
        if isinstance(user, User) and not password_sign_in_allowed(user):
            raise forms.ValidationError(
                _(
                    "Your program signs you in through your organisation: use the "
                    "“Sign in with …” button below instead of your password."
                ),
                code=SignInCode.PASSWORD_NOT_ALLOWED,
            )
        return cleaned


# --- The sign-in pages' Content-Security-Policy ----------------------------------


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def provider_origins(request: HttpRequest) -> list[str]:
    """The origins the configured providers' login pages are on (their issuer's,
    or the authorization endpoint an app's settings override)."""
    origins: set[str] = set()
    for app in SocialAccountAdapter().list_apps(request, provider=OpenIDConnectProvider.id):
        app_settings = app.settings or {}
        overrides = app_settings.get("openid_configuration_overrides") or {}
        for url in (
            app_settings.get("server_url", ""),
            overrides.get("authorization_endpoint", ""),
        ):
            if isinstance(url, str) and (origin := _origin(url)):
                origins.add(origin)
    return sorted(origins)


class ProviderFormActionMiddleware:
    """Lets the sign-in buttons send the browser on to the identity provider.

    The policy's `form-action 'self'` also governs where a form's POST may be
    redirected, and the "Sign in with …" button (the login page, and allauth's
    confirmation page for connecting a provider) is answered by a redirect to the
    provider. So those pages alone add the configured providers' origins.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not (self._is_sign_in_page(request) and "html" in response.get("Content-Type", "")):
            return response
        if origins := provider_origins(request):
            response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
        return response

    @staticmethod
    def _is_sign_in_page(request: HttpRequest) -> bool:
        path = request.path
        return path == reverse("account_login") or path.startswith("/accounts/oidc/")
