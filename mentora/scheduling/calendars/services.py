"""Writes of connected calendars: connect, disconnect, refresh.

`calendar_refresh` is the worker's (jobs.py) and the "Refresh now" button's:
read the calendar (an iCalendar address with a conditional GET through
mentora/outbound.py, or CalDAV through caldav_sync), expand it into busy
intervals (expand.py) and replace the connection's intervals in one
transaction. On failure the old intervals stay (the slot search decides from
`last_success_at` and the program's `calendar_stale_hours` whether they may
still be trusted), the error is recorded for the owner, the next try backs
off, and a connection that keeps failing is disabled with its reason shown on
the owner's calendars page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from mentora import outbound
from mentora.accounts.models import User
from mentora.scheduling import hooks
from mentora.scheduling.locking import lock_people
from mentora.scheduling.models import BusyInterval, CalendarConnection, CalendarKind
from mentora.sealed import SealError, seal, unseal

from .errors import CalendarCode, CalendarError, CalendarUnreadable
from .expand import busy_intervals

logger = logging.getLogger(__name__)

REFRESH_EVERY = timedelta(minutes=5)
# Back-off after failures: 5, 10, 20, 40 minutes... at most 2 hours.
MAX_BACKOFF = timedelta(hours=2)
# Disabled after this many refusals of the credentials (401/403) in a row...
CREDENTIAL_FAILURES_LIMIT = 3
# ...or after failing for this long without one good read.
FAILING_LIMIT = timedelta(hours=48)
# How far back and ahead busy times are kept.
PAST_MARGIN = timedelta(days=1)
DEFAULT_HORIZON_WEEKS = 26
MAX_LABEL = 100
MAX_URL = 2000


def calendar_connect(
    owner: User,
    *,
    kind: str,
    url: str,
    label: str,
    username: str = "",
    password: str = "",
    write_calendar_url: str = "",
    now: datetime,
) -> CalendarConnection:
    """Check the address (and, for CalDAV, sign in to it), seal the secrets and
    save the connection, due for its first read now. Raises CalendarError."""
    url, label = url.strip(), label.strip()
    if kind not in CalendarKind.values:
        raise CalendarError(CalendarCode.BAD_KIND, _("Choose a kind of calendar."), field="kind")
    if len(label) > MAX_LABEL:
        raise CalendarError(
            CalendarCode.BAD_LABEL,
            _("Keep the name under %(count)s characters.") % {"count": MAX_LABEL},
            field="label",
        )
    target = _checked_url(url, field="url")
    if kind == CalendarKind.CALDAV:
        _check_caldav(url, username, password, write_calendar_url)
    else:
        try:
            outbound.check_destination(url)
        except outbound.OutboundError as exc:
            raise CalendarError(CalendarCode.BAD_URL, exc.message, field="url") from exc
    connection = CalendarConnection(
        owner=owner,
        kind=kind,
        label=label or target.host,
        sealed_url=seal(url),
        url_host=target.host[:255],
        sealed_username=seal(username) if username else "",
        sealed_password=seal(password) if password else "",
        sealed_write_calendar_url=seal(write_calendar_url.strip()) if write_calendar_url else "",
        next_refresh_at=now,
    )
    connection.full_clean()
    connection.save()
    if connection.sealed_write_calendar_url:
        # The sessions already booked are copied in too, not only those booked from now on.
        from .tasks import connection_copies_write

        transaction.on_commit(lambda: connection_copies_write.enqueue(connection.pk), robust=True)
    return connection


def calendar_disconnect(connection: CalendarConnection) -> None:
    """Forget the connection: its sealed secrets, busy intervals and copies' records."""
    connection.delete()  # BusyInterval and CalendarEventCopy cascade


def calendar_refresh(connection: CalendarConnection, now: datetime) -> bool:
    """Read the calendar once and store what came of it; True when it was read
    (or hadn't changed)."""
    outcome = calendar_read(connection, now)
    calendar_reads_store([outcome], now)
    return outcome.error is None


@dataclass
class ReadOutcome:
    """What one read of a calendar gave: busy intervals (None: unchanged since
    the last read) or the error; the connection carries its new validators."""

    connection: CalendarConnection
    intervals: list[tuple[datetime, datetime]] | None = None
    error: Exception | None = None


def calendar_read(connection: CalendarConnection, now: datetime) -> ReadOutcome:
    """Fetch and expand, writing nothing (the network and the expansion stay
    outside any transaction; calendar_reads_store writes)."""
    start, end = _window(connection, now)
    try:
        return ReadOutcome(connection, intervals=_read(connection, start, end))
    except (CalendarUnreadable, outbound.OutboundError, SealError) as exc:
        return ReadOutcome(connection, error=exc)


def calendar_reads_store(outcomes: list[ReadOutcome], now: datetime) -> None:
    """Store several reads in one transaction (one commit for a worker's batch,
    not one per calendar), each in its own savepoint: intervals replaced
    whole, or the failure recorded with the old intervals kept."""
    with transaction.atomic():
        # A booking re-reads busy times under its people's locks (docs/locking.md):
        # holding the owners' locks while intervals are replaced means a booking
        # sees either the old copy or the new one, never a half-stored calendar or
        # a time that became busy while it checked.
        lock_people(*{outcome.connection.owner_id for outcome in outcomes})
        for outcome in outcomes:
            with transaction.atomic():
                # Locked, so a disconnect waits for this commit; gone meanwhile: skipped.
                still = CalendarConnection.objects.select_for_update().filter(
                    pk=outcome.connection.pk
                )
                if not still.exists():
                    continue
                if outcome.error is None:
                    _record_success(outcome.connection, outcome.intervals, now)
                else:
                    _record_failure(outcome.connection, outcome.error, now)


def _checked_url(url: str, *, field: str) -> outbound._Target:
    if not url:
        raise CalendarError(CalendarCode.BAD_URL, _("Give the calendar's address."), field=field)
    if len(url) > MAX_URL:
        raise CalendarError(CalendarCode.BAD_URL, _("This address is too long."), field=field)
    try:
        return outbound.check_url(url)
    except outbound.OutboundError as exc:
        raise CalendarError(CalendarCode.BAD_URL, exc.message, field=field) from exc


def _check_caldav(url: str, username: str, password: str, write_calendar_url: str) -> None:
    if not username or not password:
        raise CalendarError(
            CalendarCode.CREDENTIALS_REQUIRED,
            _("A CalDAV account needs its username and an app password."),
            field="username" if not username else "password",
        )
    if write_calendar_url:
        _checked_url(write_calendar_url.strip(), field="write_calendar_url")
    from . import caldav_sync  # the CalDAV protocol side (the `caldav` package)

    try:
        calendars = caldav_sync.caldav_check(url, username, password)
    except CalendarUnreadable as exc:
        raise CalendarError(exc.code, exc.message, field="url") from exc
    if write_calendar_url and write_calendar_url.strip() not in {c for c, _n in calendars}:
        raise CalendarError(
            CalendarCode.BAD_URL,
            _("That calendar isn't one of this account's calendars."),
            field="write_calendar_url",
        )


def _window(connection: CalendarConnection, now: datetime) -> tuple[datetime, datetime]:
    weeks = connection.owner.memberships.aggregate(longest=Max("program__booking_window_weeks"))
    horizon = weeks["longest"] or DEFAULT_HORIZON_WEEKS
    return now - PAST_MARGIN, now + timedelta(weeks=horizon, days=1)


def _read(
    connection: CalendarConnection, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]] | None:
    """The busy intervals, or None when the calendar hasn't changed since the last read."""
    owner = connection.owner
    zone = _zone(owner.time_zone)
    emails = [owner.email]
    if connection.kind == CalendarKind.CALDAV:
        from . import caldav_sync

        texts = caldav_sync.read_calendar_texts(
            connection, start, end, skip_unchanged=connection.last_success_at is not None
        )
        if texts is None:
            return None
        found: list[tuple[datetime, datetime]] = []
        for text in texts:
            found.extend(
                busy_intervals(
                    text, default_zone=zone, window_start=start, window_end=end, owner_emails=emails
                )
            )
        return found
    # A 304 only says the text is the same: the intervals stored from it cover
    # the window of that read. So the request is conditional only while the
    # window (to the day) is the one last expanded; a new day or a longer
    # booking window reads the text in full again.
    window = f"window:{start.date()}/{end.date()}"
    conditional = connection.last_success_at is not None and connection.sync_token == window
    fetched = outbound.fetch(
        unseal(connection.sealed_url),
        etag=connection.etag if conditional else "",
        last_modified=connection.last_modified if conditional else "",
    )
    if fetched.not_modified and conditional:
        return None
    connection.etag, connection.last_modified = fetched.etag, fetched.last_modified
    connection.sync_token = window
    return busy_intervals(
        fetched.body, default_zone=zone, window_start=start, window_end=end, owner_emails=emails
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return ZoneInfo("UTC")


def _record_success(
    connection: CalendarConnection, intervals: list[tuple[datetime, datetime]] | None, now: datetime
) -> None:
    """In calendar_reads_store's savepoint: the intervals replaced whole."""
    if intervals is not None:
        connection.busy_intervals.all().delete()
        BusyInterval.objects.bulk_create(
            BusyInterval(connection=connection, starts_at=s, ends_at=e) for s, e in intervals
        )
    connection.last_attempt_at = connection.last_success_at = now
    connection.last_error, connection.last_error_at = "", None
    connection.consecutive_failures = 0
    connection.next_refresh_at = now + REFRESH_EVERY
    connection.save(
        update_fields=[
            "etag",
            "last_modified",
            "sync_token",
            "last_attempt_at",
            "last_success_at",
            "last_error",
            "last_error_at",
            "consecutive_failures",
            "next_refresh_at",
        ]
    )


def _record_failure(connection: CalendarConnection, error: Exception, now: datetime) -> None:
    credentials = bool(getattr(error, "credentials", False))
    # The message is the owner's to read; it never holds the address or a secret.
    logger.info("Calendar %s could not be read: %s", connection.pk, type(error).__name__)
    connection.consecutive_failures += 1
    connection.last_attempt_at = now
    connection.last_error = str(error)[:300]
    connection.last_error_at = now
    backoff = min(REFRESH_EVERY * 2 ** min(connection.consecutive_failures - 1, 10), MAX_BACKOFF)
    connection.next_refresh_at = now + backoff
    failing_since = connection.last_success_at or connection.created_at
    if connection.disabled_at is not None:
        pass  # read once more by hand ("Try again" re-enables first): already disabled
    elif credentials and connection.consecutive_failures >= CREDENTIAL_FAILURES_LIMIT:
        _disable(
            connection, now, _("The calendar refused Mentora's access several times in a row.")
        )
    elif now - failing_since >= FAILING_LIMIT:
        _disable(connection, now, _("The calendar couldn't be read for two days."))
    connection.save(
        update_fields=[
            "consecutive_failures",
            "last_attempt_at",
            "last_error",
            "last_error_at",
            "next_refresh_at",
            "disabled_at",
            "disabled_reason",
        ]
    )


def _disable(connection: CalendarConnection, now: datetime, reason: str) -> None:
    """Stop reading it; its owner hears why (notifications, after the commit)."""
    connection.disabled_at = now
    connection.disabled_reason = (
        reason
        + " "
        + _(
            "Choose Try again once it works, or disconnect it and connect it again "
            "with a new address or app password."
        )
    )[:300]
    connection.next_refresh_at = None
    hooks.calendar_disabled(connection)


def calendar_enable(connection: CalendarConnection, now: datetime) -> None:
    """Try a disabled connection again (its owner's "Try again")."""
    connection.disabled_at, connection.disabled_reason = None, ""
    connection.consecutive_failures = 0
    connection.next_refresh_at = now
    connection.save(
        update_fields=["disabled_at", "disabled_reason", "consecutive_failures", "next_refresh_at"]
    )


def due_connections(now: datetime, limit: int) -> list[int]:
    """Ids of the enabled connections whose next read is due, the most overdue first."""
    return list(
        CalendarConnection.objects.filter(disabled_at__isnull=True, next_refresh_at__lte=now)
        .order_by("next_refresh_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
