"""Signing a person out everywhere among 10,000 live sessions (#16).

The session store has no user column, so `sign_out_other_sessions` decodes the
live sessions that have no usersessions row, to find the person's. The store
holds 10,000 live sessions of 5,000 people (built in bulk, kept between runs);
the person has three, one kept, one of the others without a row. Each run puts
back the two it ended (untimed) and times the sign-out, which a password change,
a password reset, a second-factor reset and the "sign out the others" button
all pay. Twice: once as every day, when every other signed-in session has its
row (target 100 ms), and once as on the day rows are first kept, when none has
(target 1 s).
"""

from __future__ import annotations

import time
from datetime import timedelta

from allauth.usersessions.models import UserSession
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from bench.report import Result
from mentora.accounts.models import User
from mentora.accounts.sessions import sign_out_other_sessions

PREFIX = "bench-sessions."
PEOPLE = 5000
LIVE = 10_000
REPEAT = 20
STEADY_TARGET_MS = 100.0
FIRST_DAY_TARGET_MS = 1000.0
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _data(user: User) -> dict[str, str]:
    return {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: BACKEND,
        HASH_SESSION_KEY: user.get_session_auth_hash(),
    }


def _build() -> User:
    """The 5,000 people with two live sessions each; the first is the one timed."""
    users = list(User.objects.filter(email__startswith=PREFIX).order_by("pk"))
    if len(users) != PEOPLE:
        User.objects.filter(email__startswith=PREFIX).delete()
        User.objects.bulk_create(
            User(email=f"{PREFIX}{i}@bench.example", name=f"Bench {i}", password="!")
            for i in range(PEOPLE)
        )
        users = list(User.objects.filter(email__startswith=PREFIX).order_by("pk"))
    if Session.objects.filter(session_key__startswith=PREFIX).count() < LIVE:
        Session.objects.filter(session_key__startswith=PREFIX).delete()
        expires = timezone.now() + timedelta(days=30)
        store = SessionStore()
        Session.objects.bulk_create(
            (
                Session(session_key=f"{PREFIX}{u.pk}.{n}", session_data=store.encode(_data(u)),
                        expire_date=expires)
                for u in users
                for n in range(2)
            ),
            batch_size=2000,
        )  # fmt: skip
    return users[0]


def _sessions_of(person: User) -> tuple[str, list[str]]:
    """The person's kept session and two others (one with a row, one without)."""
    store = SessionStore()
    expires = timezone.now() + timedelta(days=30)
    keys = [f"{PREFIX}{person.pk}.{n}" for n in range(3)]
    for key in keys:
        Session.objects.update_or_create(
            session_key=key,
            defaults={"session_data": store.encode(_data(person)), "expire_date": expires},
        )
    UserSession.objects.filter(user=person).delete()
    UserSession.objects.create(user=person, session_key=keys[1], ip="198.51.100.7", user_agent="x")
    return keys[0], keys[1:]


def _rows(people: list[User], present: bool) -> None:
    others = UserSession.objects.filter(session_key__startswith=PREFIX).exclude(user=people[0])
    if not present:
        others.delete()
    elif others.count() < LIVE - 2:
        others.delete()
        UserSession.objects.bulk_create(
            (
                UserSession(user=u, session_key=f"{PREFIX}{u.pk}.{n}", ip="203.0.113.1",
                            user_agent="bench")
                for u in people[1:]
                for n in range(2)
            ),
            batch_size=2000,
        )  # fmt: skip


def _timed(person: User) -> list[float]:
    timings = []
    for _ in range(REPEAT):
        keep, others = _sessions_of(person)
        started = time.perf_counter()
        ended = sign_out_other_sessions(person, keep_session_key=keep)
        timings.append((time.perf_counter() - started) * 1000)
        assert ended == len(others), ended
    return timings


def run() -> list[Result]:
    person = _build()
    people = list(User.objects.filter(email__startswith=PREFIX).order_by("pk"))
    results = []
    for present, name, target in (
        (True, "every session with its row", STEADY_TARGET_MS),
        (False, "no rows yet", FIRST_DAY_TARGET_MS),
    ):
        _rows(people, present)
        results.append(
            Result(
                name=f"sign out everywhere, {LIVE:,} live sessions, {name}",
                timings_ms=_timed(person),
                target_ms=target,
                judged_by="median",
            )
        )
    return results
