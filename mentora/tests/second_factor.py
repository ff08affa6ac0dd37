"""Test helpers for the second factor: mark a test client's session as having passed it.

`Client.force_login` skips the login flow, code included. Site staff need a
second factor for Django admin, so the root conftest has `force_login` of a
staff member also write the record allauth writes after a correct code
(`pass_second_factor`); a test of the gate itself takes it away again
(`forget_second_factor`) or logs in without it (`force_login_only`).
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from django.test import Client

_ORIGINAL_FORCE_LOGIN = Client.force_login


def _write(client: Client, user: Any, records: list[dict[str, Any]]) -> None:
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


def pass_second_factor(client: Client, user: Any) -> None:
    """The session holds allauth's record of a correct authenticator-app code."""
    _write(client, user, [{"method": "mfa", "at": time.time(), "type": "totp", "id": 0}])


def sign_on_through_sso(client: Client, user: Any) -> None:
    """The session holds allauth's record of a single sign-on login (and no code)."""
    record = {"method": "socialaccount", "at": time.time(), "provider": "oidc", "uid": "u-1"}
    _write(client, user, [record])


def forget_second_factor(client: Client, user: Any) -> None:
    """The session holds only a password login."""
    _write(client, user, [{"method": "password", "at": time.time(), "email": user.email}])


def force_login_only(client: Client, user: Any) -> None:
    """Django's own force_login: no authentication record at all."""
    _ORIGINAL_FORCE_LOGIN(client, user)


def force_login_passing_staff(self: Client, user: Any, backend: str | None = None) -> None:
    """Client.force_login in the tests: site staff also count as having passed a code."""
    _ORIGINAL_FORCE_LOGIN(self, user, backend)
    if getattr(user, "is_staff", False):
        pass_second_factor(self, user)
