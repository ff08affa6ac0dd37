"""Who is calling: a personal access token (`Authorization: Bearer mnt_...`) or
the browser's own signed-in session (with CSRF for writes).

Either way `request.user` becomes the person, so every access rule below is the
owner's own; `request.api_token` is the token (None for a session). A read
token can't write (403); an unknown, expired or revoked token is a 401. Each
caller has a rate limit (`MENTORA_API_RATE_PER_MINUTE`): past it, 429 with
Retry-After (the Django cache: Redis when MENTORA_REDIS_URL is set).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from mentora.api.errors import ApiCode, ApiError
from mentora.api.tokens import token_for_secret

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WINDOW_SECONDS = 60


class TokenOrSession(AuthBase):
    """The API's one auth callable (ninja calls it before every operation)."""

    openapi_type = "http"
    openapi_scheme = "bearer"
    # The docs page sends the CSRF token, so a signed-in browser can try writes there.
    csrf = True

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        writes = request.method not in SAFE_METHODS
        if header:
            scheme, _space, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise ApiError(
                    ApiCode.TOKEN_INVALID, _("Send the token as: Bearer <token>."), status=401
                )
            token = token_for_secret(secret.strip(), timezone.now())
            request.user = token.owner
            request.api_token = token  # type: ignore[attr-defined]
            if writes and not token.can_write:
                raise ApiError(ApiCode.READ_ONLY_TOKEN, _("This token may only read."), status=403)
            rate_limit(f"t{token.pk}")
            return token.owner
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            raise ApiError(
                ApiCode.NOT_AUTHENTICATED,
                _("Sign in, or send a personal access token."),
                status=401,
            )
        request.api_token = None  # type: ignore[attr-defined]
        if writes and check_csrf(request) is not None:
            raise ApiError(
                ApiCode.CSRF_FAILED, _("The CSRF token is missing or wrong."), status=403
            )
        rate_limit(f"u{user.pk}")
        return user


def rate_limit(who: str) -> None:
    """A fixed one-minute window per caller, counted in the cache."""
    limit = settings.MENTORA_API_RATE_PER_MINUTE
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"mentora:api:rate:{who}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    if count > limit:
        wait = max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)
        raise ApiError(
            ApiCode.RATE_LIMITED,
            _("Too many requests: try again in %(seconds)d seconds.") % {"seconds": wait},
            status=429,
            headers={"Retry-After": str(wait)},
        )
