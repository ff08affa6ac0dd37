"""Secrets at rest: `seal` and `unseal` (Fernet: AES-128-CBC with an HMAC).

The key comes from MENTORA_SECRETS_KEY (a Fernet key: 32 random bytes,
URL-safe base64; make one with `python -c "from cryptography.fernet import
Fernet; print(Fernet.generate_key().decode())"`). Outside production, without
that variable, a key is derived from SECRET_KEY so development and the tests
need no set-up; in production a missing or malformed key is a `manage.py check`
error (the `sealed_key_check` below) and sealing refuses.

Several keys may be given, comma-separated: the first seals, every one
unseals (rotate by putting the new key first, then re-saving the secrets).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _


class SealError(Exception):
    """A secret could not be sealed or unsealed; the message says why."""


def seal(text: str) -> str:
    """`text` encrypted and authenticated, as ASCII (fits a TextField)."""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    """The text `seal` sealed. Refuses a token sealed with another key, or changed."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise SealError(
            _(
                "A stored secret can't be opened: it was sealed with another key "
                "(MENTORA_SECRETS_KEY changed?) or it was altered."
            )
        ) from exc


def _keys() -> list[bytes]:
    configured = [k.strip() for k in getattr(settings, "MENTORA_SECRETS_KEY", "").split(",")]
    configured = [k for k in configured if k]
    if configured:
        return [k.encode("ascii") for k in configured]
    if getattr(settings, "PRODUCTION", False):
        raise SealError(_("MENTORA_SECRETS_KEY is not set: secrets can't be sealed."))
    digest = hashlib.sha256(b"mentora.sealed:" + settings.SECRET_KEY.encode("utf-8")).digest()
    return [base64.urlsafe_b64encode(digest)]


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except (ValueError, TypeError) as exc:
        raise SealError(
            _("MENTORA_SECRETS_KEY is not a valid key (32 bytes, URL-safe base64).")
        ) from exc


@checks.register(checks.Tags.security)
def sealed_key_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """In production, MENTORA_SECRETS_KEY must be set and valid."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    try:
        _fernet()
    except SealError as exc:
        return [checks.Error(str(exc), id="mentora.E100", hint=_sealed_hint())]
    return []


def _sealed_hint() -> str:
    return (
        'Set MENTORA_SECRETS_KEY to the output of: python -c "from cryptography.fernet '
        'import Fernet; print(Fernet.generate_key().decode())"'
    )
