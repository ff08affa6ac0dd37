"""Copies of sessions in the parties' own CalDAV calendars: written when a
session is booked, updated when it moves, deleted when it is cancelled.

The worker runs `session_copies_sync` after the booking committed (see
listeners.py and tasks.py); it reads the session's current state, so running
it twice, or late, writes the same thing: each copy lives at one href per
session and connection, and a copy already at the session's SEQUENCE is not
written again. A failure never touches the booking: the task fails and the
worker tries it again later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet

from mentora.scheduling.calendars.caldav_sync import (
    CalDAVCredentialsRefused,
    caldav_event_delete,
    caldav_event_put,
    write_calendar_url,
)
from mentora.scheduling.calendars.errors import CalendarUnreadable
from mentora.scheduling.ical.invites import SESSION_RELATED, session_calendar_object
from mentora.scheduling.models import (
    CalendarConnection,
    CalendarEventCopy,
    CalendarKind,
    Session,
    SessionStatus,
)

logger = logging.getLogger(__name__)
# A calendar just connected gets at most this many sessions still to come.
MAX_BACKFILL = 500


class CopiesNotWritten(Exception):
    """Some copies could not be written now; the worker tries the task again."""


@dataclass
class CopiesResult:
    written: int = 0
    deleted: int = 0
    failed: list[int] = field(default_factory=list)  # connection ids


def writable_connections(user_ids: list[int]) -> QuerySet[CalendarConnection]:
    """The CalDAV connections of these people that sessions are written into."""
    return CalendarConnection.objects.filter(
        owner_id__in=user_ids, kind=CalendarKind.CALDAV, disabled_at__isnull=True
    ).exclude(sealed_write_calendar_url="")


def session_copies_sync(session_id: int, *, now: datetime) -> CopiesResult:
    """Bring the session's copy in each party's write calendar up to date:
    write or update it while the session holds its time, delete it once the
    session is cancelled. Raises CopiesNotWritten when a server failed (the
    others are written all the same); refused credentials are left to the
    refresh, which disables the connection and tells its owner."""
    session = Session.objects.filter(pk=session_id).first()
    result = CopiesResult()
    if session is None:
        return result
    parties = [session.mentor_id, session.mentee_id]
    # Where the session should be, and where it was written (a copy stays
    # until deleted even when its owner later stops writing sessions).
    connection_ids = set(writable_connections(parties).values_list("pk", flat=True))
    connection_ids |= set(
        CalendarEventCopy.objects.filter(session=session).values_list("connection_id", flat=True)
    )
    for connection_id in sorted(connection_ids):
        try:
            _copy_sync(connection_id, session_id, now=now, result=result)
        except CalDAVCredentialsRefused:
            logger.warning("Calendar connection %s refused its credentials", connection_id)
        except CalendarUnreadable as exc:
            logger.warning(
                "Session %s not copied to connection %s: %s", session_id, connection_id, exc
            )
            result.failed.append(connection_id)
    if result.failed:
        raise CopiesNotWritten(f"Session {session_id}: connections {result.failed} failed")
    return result


def connection_copies_sync(connection_id: int, *, now: datetime) -> CopiesResult:
    """Write the owner's sessions still to come into a calendar just connected
    (or just chosen for writing), so it holds every session and not only the
    ones booked from now on. Raises CopiesNotWritten when the server failed."""
    connection = CalendarConnection.objects.filter(pk=connection_id).first()
    result = CopiesResult()
    if connection is None:
        return result
    upcoming = (
        Session.objects.live()
        .filter(Q(mentor_id=connection.owner_id) | Q(mentee_id=connection.owner_id))
        .filter(ends_at__gt=now)
        .order_by("starts_at")
        .values_list("pk", flat=True)[:MAX_BACKFILL]
    )
    try:
        for session_id in upcoming:
            _copy_sync(connection_id, session_id, now=now, result=result)
    except CalDAVCredentialsRefused:
        logger.warning("Calendar connection %s refused its credentials", connection_id)
    except CalendarUnreadable as exc:
        logger.warning("Sessions not copied to connection %s: %s", connection_id, exc)
        raise CopiesNotWritten(f"Connection {connection_id} failed") from exc
    return result


def _copy_sync(connection_id: int, session_id: int, *, now: datetime, result: CopiesResult) -> None:
    # The connection's row lock puts two runs for one connection (a booking
    # and the quick move after it) one after the other, and each reads the
    # session as it is by then: the last to run writes the latest state.
    with transaction.atomic():
        connection = (
            CalendarConnection.objects.select_for_update()
            .filter(pk=connection_id, disabled_at__isnull=True)
            .first()
        )
        session = Session.objects.select_related(*SESSION_RELATED).filter(pk=session_id).first()
        if connection is None or session is None or not session.involves(connection.owner_id):
            return
        copy = CalendarEventCopy.objects.filter(connection=connection, session=session).first()
        if session.status == SessionStatus.CANCELLED:
            if copy is not None:
                caldav_event_delete(connection, href=copy.href)
                copy.delete()
                result.deleted += 1
            return
        if copy is not None and copy.written_sequence == session.sequence:
            return
        calendar_url = write_calendar_url(connection)
        if copy is None and not calendar_url:
            return
        href = copy.href if copy is not None else _href(calendar_url, session)
        etag = caldav_event_put(
            connection, href=href, text=session_calendar_object(session, now=now)
        )
        CalendarEventCopy.objects.update_or_create(
            connection=connection,
            session=session,
            defaults={
                "href": href,
                "etag": etag,
                "written_sequence": session.sequence,
                "written_at": now,
            },
        )
        result.written += 1


def _href(calendar_url: str, session: Session) -> str:
    return f"{calendar_url.rstrip('/')}/mentora-{session.uid}.ics"
