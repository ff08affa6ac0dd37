"""Reads of connected calendars for their owner's pages (and H3's notices).

Only the owner's own connections, and never the address or a secret: the
host stands for the address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mentora.accounts.models import User
from mentora.scheduling.models import CalendarConnection, CalendarKind


@dataclass(frozen=True)
class CalendarStatus:
    id: int
    label: str
    kind: str
    kind_label: str
    host: str
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    disabled_reason: str
    disabled: bool
    # Since when it has not been read (its last good read, or when it was
    # connected), while its last attempt failed or it is disabled; else None.
    failing_since: datetime | None
    writes_sessions: bool

    @property
    def never_read(self) -> bool:
        return self.last_success_at is None


def calendar_status(owner: User, now: datetime) -> list[CalendarStatus]:
    """The owner's connections, oldest first, in one query."""
    rows = CalendarConnection.objects.filter(owner=owner).only(
        "pk",
        "kind",
        "label",
        "url_host",
        "created_at",
        "last_success_at",
        "last_error",
        "last_error_at",
        "disabled_at",
        "disabled_reason",
        "sealed_write_calendar_url",
    )
    return [_status(row) for row in rows]


def _status(row: CalendarConnection) -> CalendarStatus:
    failing = bool(row.last_error) or row.disabled_at is not None
    return CalendarStatus(
        id=row.pk,
        label=row.label or row.url_host,
        kind=row.kind,
        kind_label=str(CalendarKind(row.kind).label),
        host=row.url_host,
        last_success_at=row.last_success_at,
        last_error=row.last_error,
        last_error_at=row.last_error_at,
        disabled_reason=row.disabled_reason,
        disabled=row.disabled_at is not None,
        failing_since=(row.last_success_at or row.created_at) if failing else None,
        writes_sessions=bool(row.sealed_write_calendar_url),
    )
