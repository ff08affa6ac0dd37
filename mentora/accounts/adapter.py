"""django-allauth and django-axes hooks."""

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from mentora.accounts.mail import account_email_queue


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Programs are invitation-only: staff invite people, nobody signs up alone.
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # Setting up a second factor right after signing in (as a program may demand)
        # needs no second password prompt: the login itself is that recent.
        if super().is_reauthentication_required(app=app, **kwargs) is False:
            return False
        return not (app == "allauth.mfa" and signed_in_within_reauthentication_timeout())

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # allauth's own, but queued for the worker (mentora.accounts.mail) rather
        # than sent during the request: rendered here, where the request is.
        request = globals()["context"].request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        account_email_queue(self.render_mail(template_prefix, email, ctx))


def signed_in_within_reauthentication_timeout() -> bool:
    """This session's login (its first authentication record) is recent enough to count."""
    request = context.request
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    if not records:
        return False
    return time.time() - float(records[0].get("at", 0)) < account_settings.REAUTHENTICATION_TIMEOUT


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The login name axes counts failures against (allauth passes `email`).

    Cut to what axes' column holds, without NUL (PostgreSQL's text refuses it):
    whatever was typed, counting a failure must not fail.
    """
    credentials = credentials or {}
    raw = credentials.get("email") or credentials.get("username") or request.POST.get("login", "")
    return str(raw).replace("\x00", "").strip().lower()[:255]
