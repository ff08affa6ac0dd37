"""Access tokens: personal ones and program service tokens (integrations): create
(the secret shown once), revoke, and find the token a request carries.

A token is `mnt_<prefix>_<secret>`; only the SHA-256 of the whole of it is
stored, so a leaked database gives no usable token. `last_used_at` is written
at most every `LAST_USED_EVERY`, so a busy client doesn't write on every call.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mentora import inputs
from mentora.api.errors import ApiCode, ApiError
from mentora.api.models import PersonalAccessToken, TokenKind, TokenScope
from mentora.clock import now_or_current
from mentora.programs.access import has_role, takes_part
from mentora.programs.models import Program, Role

if TYPE_CHECKING:
    from mentora.accounts.models import User

PREFIX = "mnt_"
LAST_USED_EVERY = timedelta(minutes=5)
EXPIRY_DAYS = (7, 30, 90, 365)
MAX_LIVE_TOKENS = 50
# Integrations of one program (a learning platform, a CRM, a data pipeline...).
MAX_LIVE_SERVICE_TOKENS = 50


@dataclass(frozen=True)
class NewToken:
    token: PersonalAccessToken
    secret: str  # the whole token, shown once


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def live_tokens(owner: User, now: datetime) -> list[PersonalAccessToken]:
    """The owner's tokens that still work, newest first."""
    return list(
        PersonalAccessToken.objects.filter(
            owner=owner, kind=TokenKind.PERSONAL, revoked_at__isnull=True, expires_at__gt=now
        ).select_related("program")
    )


def live_service_tokens(program: Program, now: datetime) -> list[PersonalAccessToken]:
    """The program's integrations that still work, newest first, with who made each."""
    return list(
        PersonalAccessToken.objects.filter(
            program=program, kind=TokenKind.SERVICE, revoked_at__isnull=True, expires_at__gt=now
        ).select_related("owner")
    )


def _check_choices(name: str, scope: TokenScope | str, days: int) -> str:
    name = name.strip()
    if not name or len(name) > 100 or inputs.find_control_character(name) is not None:
        raise ApiError(
            ApiCode.TOKEN_NAME,
            _("Give the token a name of up to 100 characters."),
            status=422,
            field="name",
        )
    if scope not in TokenScope.values:
        raise ApiError(ApiCode.INVALID, _("Choose read, or read and write."), status=422)
    if days not in EXPIRY_DAYS:
        raise ApiError(ApiCode.INVALID, _("Choose when the token expires."), status=422)
    return name


def _new_token(**fields: object) -> NewToken:
    prefix = secrets.token_hex(4)
    secret = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = PersonalAccessToken.objects.create(
        prefix=prefix, secret_hash=hash_secret(secret), **fields
    )
    return NewToken(token, secret)


def token_create(
    *,
    owner: User,
    name: str,
    scope: TokenScope | str,
    days: int,
    program: Program | None = None,
    now: datetime | None = None,
) -> NewToken:
    """A new token for `owner`; `program` must be one the owner takes part in."""
    now = now_or_current(now)
    name = _check_choices(name, scope, days)
    if program is not None and not takes_part(owner, program):
        raise ApiError(
            ApiCode.TOKEN_PROGRAM, _("Choose one of your programs."), status=422, field="program"
        )
    if len(live_tokens(owner, now)) >= MAX_LIVE_TOKENS:
        raise ApiError(
            ApiCode.TOKEN_NAME,
            _("You have %(count)d tokens already: revoke one you no longer use first.")
            % {"count": MAX_LIVE_TOKENS},
            status=409,
        )
    return _new_token(
        owner=owner,
        name=name,
        scope=scope,
        program=program,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )


def service_token_create(
    *,
    program: Program,
    by: User,
    name: str,
    scope: TokenScope | str,
    days: int,
    now: datetime | None = None,
) -> NewToken:
    """A new integration token for `program`, made by `by`, one of its admins (the
    page lets only admins here; the check is repeated because a token must never
    stand for more than its maker)."""
    now = now_or_current(now)
    name = _check_choices(name, scope, days)
    if not has_role(by, program, Role.ADMIN):
        raise ApiError(
            ApiCode.FORBIDDEN,
            _("Only an admin of the program makes its integration tokens."),
            status=403,
        )
    if len(live_service_tokens(program, now)) >= MAX_LIVE_SERVICE_TOKENS:
        raise ApiError(
            ApiCode.TOKEN_NAME,
            _("The program has %(count)d integration tokens: revoke one it no longer uses first.")
            % {"count": MAX_LIVE_SERVICE_TOKENS},
            status=409,
        )
    return _new_token(
        kind=TokenKind.SERVICE,
        owner=by,
        name=name,
        scope=scope,
        program=program,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )


def token_revoke(*, owner: User, token_id: int, now: datetime | None = None) -> bool:
    """Revoke one of the owner's own personal tokens; False when there is none such."""
    return _revoke(
        PersonalAccessToken.objects.filter(owner=owner, kind=TokenKind.PERSONAL), token_id, now
    )


def service_token_revoke(*, program: Program, token_id: int, now: datetime | None = None) -> bool:
    """Revoke one of the program's integration tokens (any of its admins may)."""
    tokens = PersonalAccessToken.objects.filter(program=program, kind=TokenKind.SERVICE)
    return _revoke(tokens, token_id, now)


def _revoke(tokens: QuerySet[PersonalAccessToken], token_id: int, now: datetime | None) -> bool:
    with transaction.atomic():
        updated = tokens.filter(pk=token_id, revoked_at__isnull=True).update(
            revoked_at=now_or_current(now)
        )
    return updated == 1


def token_for_secret(secret: str, now: datetime) -> PersonalAccessToken:
    """The live token `secret` names, else an ApiError(401) saying why."""
    token = None
    if secret.startswith(PREFIX) and len(secret) <= 200:
        token = (
            PersonalAccessToken.objects.filter(secret_hash=hash_secret(secret))
            .select_related("owner", "program")
            .first()
        )
    if token is None or not token.owner.is_active:
        raise ApiError(ApiCode.TOKEN_INVALID, _("The token is not valid."), status=401)
    if token.revoked_at is not None:
        raise ApiError(ApiCode.TOKEN_REVOKED, _("The token was revoked."), status=401)
    if token.expires_at <= now:
        raise ApiError(ApiCode.TOKEN_EXPIRED, _("The token has expired."), status=401)
    if token.is_service and not has_role(token.owner, token.program, Role.ADMIN):  # type: ignore[arg-type]
        # It stood for its maker's authority there: gone with it, never more.
        raise ApiError(
            ApiCode.TOKEN_MAKER_LEFT,
            _(
                "The admin who made this integration token no longer administers "
                "the program: an admin makes a new one."
            ),
            status=401,
        )
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_EVERY:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
