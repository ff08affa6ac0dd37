"""The refusals of connected calendars: `CalendarError` and its codes.

`CalendarUnreadable` is what reading a calendar raises (a body that isn't
iCalendar, too many events, a server that failed): its message is shown to the
calendar's owner as is, and stored as the connection's last error.
"""

from __future__ import annotations

from enum import StrEnum

from mentora.errors import DomainError


class CalendarCode(StrEnum):
    BAD_URL = "bad_url"
    BAD_KIND = "bad_kind"
    BAD_LABEL = "bad_label"
    CREDENTIALS_REQUIRED = "credentials_required"
    UNREADABLE = "unreadable"
    REFUSED_CREDENTIALS = "refused_credentials"
    TOO_MANY = "too_many"
    NOT_OWNER = "not_owner"


class CalendarError(DomainError):
    pass


class CalendarUnreadable(CalendarError):
    """A calendar could not be read. `credentials` is True when the server
    refused the username or password (401/403): the refresh policy disables
    such a connection sooner."""

    def __init__(
        self,
        message: str,
        *,
        code: CalendarCode = CalendarCode.UNREADABLE,
        credentials: bool = False,
    ) -> None:
        super().__init__(code, message)
        self.credentials = credentials
