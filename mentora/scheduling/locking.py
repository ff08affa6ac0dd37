"""The one locking helper bookings use. See docs/locking.md for the rules."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection


def lock_people(*user_ids: int) -> None:
    """Lock the rows of these people until the current transaction ends.

    Every booking locks its mentor and mentee, always in ascending id order so
    two bookings can never wait on each other. On PostgreSQL this is
    SELECT ... FOR UPDATE; SQLite has no row locks, but Mentora opens every
    transaction there with BEGIN IMMEDIATE, which already serialises writers.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("lock_people() must run inside transaction.atomic()")
    ids = sorted(set(user_ids))
    list(
        get_user_model().objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk")
    )
