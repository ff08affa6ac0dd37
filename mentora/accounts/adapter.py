"""django-allauth and django-axes hooks."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Programs are invitation-only: staff invite people, nobody signs up alone.
        return False


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The login name axes counts failures against (allauth passes `email`).

    Cut to what axes' column holds, without NUL (PostgreSQL's text refuses it):
    whatever was typed, counting a failure must not fail.
    """
    credentials = credentials or {}
    raw = credentials.get("email") or credentials.get("username") or request.POST.get("login", "")
    return str(raw).replace("\x00", "").strip().lower()[:255]
