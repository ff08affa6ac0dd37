"""The second factor (allauth.mfa) as accounts sees it: codes and this session.

Who *must* have a second factor is program policy (mentora/programs/second_factor.py);
here is only what holds for everyone:

- a wrong code at login or re-authentication counts as a failed login in the
  lockout (django-axes, mentora/accounts/lockout.py) for that account and
  address, and a locked account's code is refused before it is checked, so a
  stolen password gives no more guesses at the code than at the password;
- `session_passed_mfa`: allauth recorded a second-factor authentication in this
  session, or the person switched one on in it (activating an authenticator
  app proves a code just as well);
- `session_used_sso`: the session's login came through single sign-on;
- `second_factor_reset`: staff remove a person's authenticators (a lost phone),
  on record, with an email to the person and every session of theirs ended.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.models import Authenticator
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentora.accounts.mail import account_email_queue
from mentora.accounts.models import SecondFactorReset, User
from mentora.accounts.sessions import sign_out_other_sessions
from mentora.errors import DomainError
from mentora.inputs import TextChecksMixin

MFA = "mfa"
SOCIAL = "socialaccount"
ACTIVATED = "activated"  # our mark on the record written when a person switches MFA on


def _credentials(user: Any) -> dict[str, str]:
    """What axes counts a wrong code against: the account's login name (its email)."""
    return {"email": user.email}


class LockoutCountingMixin:
    """Refuse a locked account's code; count a wrong one as a failed login."""

    user: Any

    def clean_code(self) -> str:
        request = context.request
        credentials = _credentials(self.user)
        if not AxesProxyHandler.is_allowed(request, credentials):
            locked: Any = request
            locked.axes_locked_out = True  # AxesMiddleware answers with the lockout page
            locked.axes_credentials = credentials
            raise forms.ValidationError(
                _("Too many wrong attempts. Try again later."), code="locked"
            )
        try:
            return super().clean_code()  # type: ignore[misc]
        except forms.ValidationError:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            raise


class AuthenticateForm(LockoutCountingMixin, TextChecksMixin, AllauthAuthenticateForm):
    """MFA_FORMS["authenticate"]: the code asked for after the password."""


class ReauthenticateForm(LockoutCountingMixin, TextChecksMixin, AllauthReauthenticateForm):
    """MFA_FORMS["reauthenticate"]: the code asked for again (staff pages, Django admin)."""


def _records(request: HttpRequest) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return []
    return get_authentication_records(request, user)


def session_passed_mfa(request: HttpRequest) -> bool:
    """A code, key or recovery code was accepted (or an authenticator switched on) here."""
    return any(record.get("method") == MFA for record in _records(request))


def session_used_sso(request: HttpRequest) -> bool:
    """This session's login went through single sign-on (allauth's socialaccount)."""
    return any(record.get("method") == SOCIAL for record in _records(request))


def has_second_factor(user: Any) -> bool:
    """An authenticator app or security key (recovery codes alone are only a back-up)."""
    return Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def note_password_login(request: HttpRequest, user: Any) -> None:
    """A login made outside allauth's views (the invitation link) goes on record like one."""
    record_authentication(request, user, "password", email=user.email)


def record_activation(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """allauth.mfa's authenticator_added: switching one on counts as passing it now."""
    authenticator = kwargs.get("authenticator")
    if request is None or authenticator is None:
        return
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return
    record_authentication(
        request, user, MFA, id=authenticator.pk, type=authenticator.type, **{ACTIVATED: True}
    )


class SecondFactorErrorCode(StrEnum):
    NO_REASON = "no_reason"


class SecondFactorError(DomainError):
    """A second-factor reset was refused."""


def second_factor_reset(
    *, user: User, by: User | None, reason: str, now: datetime | None = None
) -> SecondFactorReset:
    """Remove `user`'s second factor because they lost it. Steps, in one transaction:

    1. delete every authenticator of theirs (app, keys, recovery codes);
    2. record who, when and why (SecondFactorReset);
    3. end all their sessions (they sign in again, and set a new one up if
       their role needs it);
    4. on commit, email them that it happened (so a reset they didn't ask for is seen).
    """
    reason = (reason or "").strip()
    if not reason:
        raise SecondFactorError(
            SecondFactorErrorCode.NO_REASON,
            gettext("Say why the second factor is reset (it is kept on record)."),
            field="reason",
        )
    with transaction.atomic():
        removed, _by_type = Authenticator.objects.filter(user_id=user.pk).delete()
        record = SecondFactorReset(
            user=user,
            by=by,
            at=now or timezone.now(),
            reason=reason,
            authenticators_removed=removed,
        )
        try:
            record.full_clean()
        except ValidationError as error:
            raise SecondFactorError(
                SecondFactorErrorCode.NO_REASON, " ".join(error.messages), field="reason"
            ) from error
        record.sessions_ended = sign_out_other_sessions(user)
        record.save()
        transaction.on_commit(lambda: _email_reset(record))
    return record


def _email_reset(record: SecondFactorReset) -> None:
    context = {"user": record.user, "reset": record, "site_url": settings.SITE_URL}
    subject = render_to_string("account/email/second_factor_reset_subject.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string("account/email/second_factor_reset_message.txt", context),
        to=[record.user.email],
    )
    account_email_queue(message)
