"""Personal access tokens: create (the secret shown once), revoke, and find the
token a request carries.

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
from django.utils.translation import gettext as _

from mentora import inputs
from mentora.api.errors import ApiCode, ApiError
from mentora.api.models import PersonalAccessToken, TokenScope
from mentora.clock import now_or_current
from mentora.programs.access import takes_part
from mentora.programs.models import Program

if TYPE_CHECKING:
    from mentora.accounts.models import User

PREFIX = "mnt_"
LAST_USED_EVERY = timedelta(minutes=5)
EXPIRY_DAYS = (7, 30, 90, 365)
MAX_LIVE_TOKENS = 50


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
            owner=owner, revoked_at__isnull=True, expires_at__gt=now
        ).select_related("program")
    )


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
    prefix = secrets.token_hex(4)
    secret = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = PersonalAccessToken.objects.create(
        owner=owner,
        name=name,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scope=scope,
        program=program,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    return NewToken(token, secret)


def token_revoke(*, owner: User, token_id: int, now: datetime | None = None) -> bool:
    """Revoke one of the owner's own tokens; False when there is none such."""
    now = now_or_current(now)
    with transaction.atomic():
        updated = PersonalAccessToken.objects.filter(
            pk=token_id, owner=owner, revoked_at__isnull=True
        ).update(revoked_at=now)
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
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_EVERY:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
