"""Where a person is signed in: ending their other sessions, or all of them.

`sign_out_other_sessions` is the one way to sign a person out elsewhere: the
"Where you're signed in" page calls it, and so do a password change, a password
reset and an admin's reset of someone's second factor (with no session to keep).

A session lives in two places: Django's session store (the cookie's key, which
is what actually signs someone in) and allauth's `UserSession` row (what the
page lists). Both are removed. With a database session backend (the default,
`django.contrib.sessions.backends.db`, or `cached_db`) the store is also
searched for sessions of the person that have no `UserSession` row (signed in
before rows were kept, or by a path that made none), so nothing is left behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mentora.accounts.devices import describe_user_agent
from mentora.accounts.lockout import client_ip
from mentora.accounts.models import User

_AGENT_MAX_LENGTH = UserSession._meta.get_field("user_agent").max_length or 200

_DB_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)


def _store(session_key: str | None = None) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key)
    return store


def _stored_session_keys_of(user: User) -> list[str]:
    """Keys of the live database sessions signed in as `user` (empty for other engines).

    The session table has no user column, so each live session is decoded, but
    only those without a usersessions row: a row names its person already, and
    every signed-in session gets one at login or on its first request, so these
    are few (anonymous ones, and sessions not used since rows were first kept).
    A session that doesn't decode belongs to nobody we can tell and is left alone.
    """
    if settings.SESSION_ENGINE not in _DB_ENGINES:
        return []
    wanted = str(user.pk)
    keys = []
    with_rows = UserSession.objects.values("session_key")
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key__in=with_rows)
    live = live.only("session_key", "session_data")
    for row in live.iterator(chunk_size=500):
        if str(row.get_decoded().get(SESSION_KEY, "")) == wanted:
            keys.append(row.session_key)
    return keys


def sign_out_other_sessions(user: User, keep_session_key: str | None = None) -> int:
    """Sign `user` out everywhere but the session `keep_session_key` (everywhere when None).

    Returns how many sessions were ended. Another person's session is never
    touched, even if its key is given to keep.
    """
    keys = set(UserSession.objects.filter(user_id=user.pk).values_list("session_key", flat=True))
    keys.update(_stored_session_keys_of(user))
    keys.discard(keep_session_key or "")
    if not keys:
        return 0
    store = _store()
    with transaction.atomic():
        for key in keys:
            store.delete(key)
        UserSession.objects.filter(user_id=user.pk, session_key__in=keys).delete()
    return len(keys)


def sign_out_session(user: User, session_id: int) -> bool:
    """End one of `user`'s sessions by its row id; False when it isn't theirs (or is gone)."""
    row = UserSession.objects.filter(user_id=user.pk, pk=session_id).first()
    if row is None:
        return False
    with transaction.atomic():
        _store().delete(row.session_key)
        row.delete()
    return True


@dataclass(frozen=True)
class SignedInSession:
    """One place a person is signed in, as the sessions page shows it."""

    id: int
    device: str
    ip: str
    started_at: datetime
    last_seen_at: datetime
    is_current: bool


def signed_in_sessions(user: User, current_session_key: str | None) -> list[SignedInSession]:
    """The person's live sessions, this one first, then the most recently seen.

    Rows whose session has ended (expired, signed out, or made stale by a password
    change) are removed on the way, as allauth does on its own page.
    """
    rows = UserSession.objects.purge_and_list(user)
    found = [
        SignedInSession(
            id=row.pk,
            device=describe_user_agent(row.user_agent),
            ip=row.ip,
            started_at=row.created_at,
            last_seen_at=row.last_seen_at,
            is_current=bool(current_session_key) and row.session_key == current_session_key,
        )
        for row in rows
    ]
    return sorted(found, key=lambda s: (not s.is_current, -s.last_seen_at.timestamp()))


def session_key_of(user: User, session_id: int) -> str | None:
    """The session key behind one of `user`'s rows, or None when the row isn't theirs."""
    return (
        UserSession.objects.filter(user_id=user.pk, pk=session_id)
        .values_list("session_key", flat=True)
        .first()
    )


def on_password_changed(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    """allauth's password_changed / password_set / password_reset: sign out elsewhere.

    The session that changed the password stays signed in (allauth has already
    refreshed its hash); a reset from the emailed link keeps nothing, unless that
    browser is already signed in as the same person.
    """
    session = getattr(request, "session", None)
    signed_in_as = getattr(getattr(request, "user", None), "pk", None)
    keep = session.session_key if session is not None and signed_in_as == user.pk else None
    sign_out_other_sessions(user, keep_session_key=keep)


# A session's "last seen" (and address and browser) is written at most this often
# per process: a signed-in page costs no query for it in between.
SEEN_EVERY = timedelta(minutes=5)
_SEEN_CACHE_PREFIX = "mentora:session-seen:"


def session_seen(request: HttpRequest, user: User) -> None:
    """Record that this signed-in session was used now, from this address and browser.

    One UPDATE when the row exists; the row is made on a session's first use (or
    when allauth's login didn't make it). A change of address or browser is
    written at once; otherwise at most every SEEN_EVERY.
    """
    key = request.session.session_key
    ip = client_ip(request)
    if not key or not ip:
        return
    agent = request.META.get("HTTP_USER_AGENT", "")[:_AGENT_MAX_LENGTH]
    cache_key = _SEEN_CACHE_PREFIX + key
    if cache.get(cache_key) == (user.pk, ip, agent):
        return
    seen = {"ip": ip, "user_agent": agent, "last_seen_at": timezone.now()}
    updated = UserSession.objects.filter(session_key=key, user_id=user.pk).update(**seen)
    if not updated:
        # Never another person's row under this key: login() gives a session a new key.
        UserSession.objects.get_or_create(session_key=key, defaults={"user": user, **seen})
    cache.set(cache_key, (user.pk, ip, agent), SEEN_EVERY.total_seconds())


def sessions_clear_expired(*, now: datetime) -> int:
    """Expired sessions out of the store (what `manage.py clearsessions` does), and the
    rows of where people were signed in that no live session backs any more.
    Returns how many rows went."""
    if settings.SESSION_ENGINE not in _DB_ENGINES:
        type(_store()).clear_expired()
        return 0
    Session.objects.filter(expire_date__lte=now).delete()
    live = Session.objects.filter(expire_date__gt=now).values("session_key")
    return UserSession.objects.exclude(session_key__in=live).delete()[0]
