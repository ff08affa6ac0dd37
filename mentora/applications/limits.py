"""How often the public form may be sent: per client address and per email,
counted in Django's cache (Redis when MENTORA_REDIS_URL is set) in fixed
one-hour windows, like the API's rate limit (mentora/api/auth.py)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

WINDOW_SECONDS = 3600
PER_ADDRESS = 20  # a classroom or an office shares one address
PER_EMAIL = 5


def _count(kind: str, who: str) -> int:
    window = int(time.time() // WINDOW_SECONDS)
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]  # no address or email in the key
    key = f"mentora:applications:rate:{kind}:{digest}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        return 1


def address_allows(address: str | None) -> bool:
    """One more try from this address (counted); False past the limit."""
    return _count("address", address or "unknown") <= PER_ADDRESS


def email_allows(email: str) -> bool:
    """One more application for this email (counted); False past the limit."""
    return _count("email", email.strip().lower()) <= PER_EMAIL
