"""CalDAV, the protocol side of a two-way calendar connection (the `caldav`
package): finding a person's calendars, reading their events in a window, and
writing, updating and deleting the copies of their sessions.

Every request the `caldav` package makes goes through `_GuardedClient`, which
applies the outbound rule (mentora/outbound.py): https only (http to localhost
in development and tests), each redirect checked before it is followed, and a
resolver that refuses private, loopback and link-local addresses as it
connects (so DNS rebinding can't slip past a check made earlier). An answer
declared larger than MAX_RESPONSE_BYTES is refused before its body is read. Errors come out as one
type, `CalendarUnreadable` (mentora/scheduling/calendars/errors.py), with a
message the owner can read; a server that refuses the username or password
raises its subclass `CalDAVCredentialsRefused` (`credentials=True`), which the
refresh uses to disable the connection with a notice.

Nothing here logs an address, a username or a password.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast, overload
from urllib.parse import urljoin, urlsplit

import niquests
from caldav.collection import Calendar as DAVCalendar
from caldav.davclient import DAVClient
from caldav.elements import dav
from caldav.elements.base import BaseElement
from caldav.lib import error as caldav_error
from django.utils.translation import gettext as _
from icalendar import Calendar
from niquests.packages.urllib3.contrib.resolver.system import SystemResolver

from mentora.outbound import OutboundError, _address_allowed, check_url
from mentora.scheduling.calendars.errors import CalendarCode, CalendarUnreadable
from mentora.scheduling.models import CalendarConnection, Session
from mentora.sealed import unseal

TIMEOUT_SECONDS = 10
# A calendar query answer (every event in the window of every calendar) larger
# than this is refused rather than read into memory.
MAX_RESPONSE_BYTES = 5 * 1024 * 1024
READ_CHUNK = 64 * 1024
MAX_REDIRECTS = 3
MENTORA_UID_SUFFIX = "@mentora"


class CalDAVCredentialsRefused(CalendarUnreadable):
    """The server refused the username or the password (401 or 403)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The calendar server refused the username or app password. "
                "Connect the calendar again with a new app password."
            ),
            code=CalendarCode.REFUSED_CREDENTIALS,
            credentials=True,
        )


# --- Outbound address rule ------------------------------------------------------


class _CheckedResolver(SystemResolver):
    """Resolves as the system does, and refuses a name any of whose addresses
    the outbound rule forbids. The check is part of connecting (niquests
    connects to the addresses this returns), so a DNS answer that changes
    between a check and the connection (DNS rebinding) can't slip through."""

    def __init__(self, client: _GuardedClient) -> None:
        super().__init__()
        self._client = client

    def getaddrinfo(self, *args: Any, **kwargs: Any) -> Any:
        found = super().getaddrinfo(*args, **kwargs)
        for *_rest, socket_address in found:
            if not _address_allowed(str(socket_address[0])):
                raise self._client.refuse(
                    _("The calendar server's address is a private or local network address.")
                )
        return found


def _refuse_url(url: str) -> None:
    """https only (http on localhost in development and tests): the outbound
    rule's shape check (mentora/outbound.py). The address is checked by the
    resolver when connecting."""
    try:
        check_url(url)
    except OutboundError as exc:
        raise CalendarUnreadable(exc.message) from exc


class _GuardedClient(DAVClient):
    """The caldav package's client under the outbound rule. The caldav package
    catches some failures and carries on (guessing a principal's address, for
    one), so a refusal is also recorded, and `_speaking` raises it whatever
    the package made of it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.refusal: CalendarUnreadable | None = None
        self.session.close()
        self.session = niquests.Session(resolver=_CheckedResolver(self))
        self.session.max_redirects = MAX_REDIRECTS
        self.session.hooks["response"].append(self._check_response)

    def refuse(self, message: str) -> CalendarUnreadable:
        refusal = CalendarUnreadable(message)
        self.refusal = self.refusal or refusal
        return refusal

    def _sync_request(
        self, url: str, method: str = "GET", body: str = "", headers: Any = None
    ) -> Any:
        _refuse_url(str(url))
        return super()._sync_request(url, method, body, headers)

    def _check_response(self, response: Any, **kwargs: Any) -> None:
        """A response hook, run before a redirect is followed and before the
        body is read: the redirect's target obeys the same rule; an answer
        larger than the limit is refused (unread when it says its size)."""
        location = response.headers.get("Location") if response.is_redirect else None
        if location:
            try:
                _refuse_url(urljoin(response.url, location))
            except CalendarUnreadable as exc:
                raise self.refuse(exc.message) from exc
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
            raise self.refuse(_too_large())
        if response.raw is not None:
            self._bound(response.raw)

    def _bound(self, raw: Any) -> None:
        """niquests reads a body whole (raw.read()) after the hooks: make that
        read go in chunks and stop past the limit, whatever the server declared
        (a chunked answer declares nothing)."""
        read = raw.read

        def bounded_read(amt: int | None = None, **kwargs: Any) -> bytes:
            if amt is not None:
                return bytes(read(amt, **kwargs))
            chunks, total = [], 0
            while chunk := read(READ_CHUNK, **kwargs):
                total += len(chunk)
                if total > MAX_RESPONSE_BYTES:
                    raise self.refuse(_too_large())
                chunks.append(chunk)
            return b"".join(chunks)

        raw.read = bounded_read


def _too_large() -> str:
    return _("The calendar server sent more than Mentora reads at once.")


def _client(url: str, username: str, password: str) -> _GuardedClient:
    _refuse_url(url)
    return _GuardedClient(
        url=url,
        username=username,
        password=password,
        timeout=TIMEOUT_SECONDS,
        # The address given is the server's: no DNS discovery (it could lead elsewhere).
        enable_rfc6764=False,
    )


@contextmanager
def _speaking(url: str, username: str, password: str) -> Iterator[_GuardedClient]:
    """A client for one conversation; every failure becomes CalendarUnreadable."""
    client = _client(url, username, password)
    try:
        yield client
    except CalendarUnreadable:
        raise
    except Exception as exc:
        raise (client.refusal or _translated(exc)) from exc
    finally:
        client.close()
    if client.refusal is not None:
        raise client.refusal


def _translated(exc: Exception) -> CalendarUnreadable:
    """The caldav package's and niquests' failures, in the owner's words."""
    if isinstance(exc, caldav_error.AuthorizationError):
        return CalDAVCredentialsRefused()
    if isinstance(exc, caldav_error.DAVError):
        return CalendarUnreadable(
            _("The server answered, but not as a CalDAV calendar server does.")
        )
    if isinstance(exc, OSError | niquests.exceptions.RequestException):  # connecting, timeouts
        return CalendarUnreadable(_("The calendar server could not be reached or did not answer."))
    # The caldav package raises many kinds of its own (a body that isn't XML...).
    return CalendarUnreadable(_("The calendar server could not be read."))


# --- Discovery ------------------------------------------------------------------


def caldav_check(url: str, username: str, password: str) -> list[tuple[str, str]]:
    """Sign in to the server and list the principal's calendars as (calendar
    URL, display name) pairs. Raises CalendarUnreadable with a readable
    message: wrong credentials (CalDAVCredentialsRefused), not a CalDAV
    server, unreachable, or an address the outbound rule refuses."""
    with _speaking(url, username, password) as client:
        principal = client.principal()
        # RFC 4791, 5.1: a CalDAV server says "calendar-access" in its DAV header.
        if not client.check_cdav_support():
            raise CalendarUnreadable(
                _("The server answered, but not as a CalDAV calendar server does.")
            )
        calendars = principal.get_calendars()
        found = [(str(calendar.url), _display_name(calendar)) for calendar in calendars]
    if not found:
        raise CalendarUnreadable(_("Signed in, but this account has no calendars."))
    return found


def _display_name(calendar: DAVCalendar) -> str:
    name = calendar.get_display_name() or ""
    return str(name) or urlsplit(str(calendar.url)).path.rstrip("/").rsplit("/", 1)[-1]


# --- Reading --------------------------------------------------------------------


@dataclass(frozen=True)
class _Secrets:
    url: str
    username: str
    password: str


def _secrets(connection: CalendarConnection) -> _Secrets:
    return _Secrets(
        url=unseal(connection.sealed_url),
        username=unseal(connection.sealed_username) if connection.sealed_username else "",
        password=unseal(connection.sealed_password) if connection.sealed_password else "",
    )


@overload
def read_calendar_texts(
    connection: CalendarConnection,
    start: datetime,
    end: datetime,
    *,
    skip_unchanged: Literal[False] = False,
) -> list[bytes]: ...
@overload
def read_calendar_texts(
    connection: CalendarConnection, start: datetime, end: datetime, *, skip_unchanged: bool
) -> list[bytes] | None: ...
def read_calendar_texts(
    connection: CalendarConnection, start: datetime, end: datetime, *, skip_unchanged: bool = False
) -> list[bytes] | None:
    """The events between `start` and `end` of every calendar of the
    connection's account, one iCalendar text per calendar object (recurring
    events whole, with their exceptions: expand.busy_intervals expands them).

    Mentora's own copies of sessions (UID `<session uid>@mentora`) are left
    out: sessions are subtracted already.

    Each calendar's sync token (RFC 6578; its CTag where there is none) is
    asked first, and their digest, with the window's dates, is put in
    `connection.sync_token` (not saved: the caller saves it with the intervals
    it stores). With `skip_unchanged`, when the digest equals the one already
    stored, nothing is downloaded and None is returned: the intervals stored
    from the last read still hold.
    """
    secrets = _secrets(connection)
    with _speaking(secrets.url, secrets.username, secrets.password) as client:
        calendars = client.principal().get_calendars()
        digest = _digest(calendars, start, end)
        if skip_unchanged and digest == connection.sync_token:
            return None
        texts: list[bytes] = []
        for calendar in calendars:
            found = calendar.search(start=start, end=end, event=True, expand=False)
            texts.extend(_text(item) for item in found)
    connection.sync_token = digest
    return _without_mentora_copies(texts)


def _digest(calendars: list[DAVCalendar], start: datetime, end: datetime) -> str:
    """What changes whenever an event of any calendar changes, or the window
    moves to another day (so recurring events at its far end are read again)."""
    parts = [f"{start.date()}/{end.date()}"]
    for calendar in sorted(calendars, key=lambda c: str(c.url)):
        token = _sync_token(calendar)
        if not token:
            return ""  # a calendar that tells no version is always read in full
        parts.append(f"{calendar.url} {token}")
    return "v1:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


class _GetCtag(BaseElement):
    """CalendarServer's collection tag: what servers without sync tokens offer."""

    tag = "{http://calendarserver.org/ns/}getctag"


def _sync_token(calendar: DAVCalendar) -> str:
    try:
        # A sync client: a dict (the async client's coroutine never comes here).
        props = cast(dict[str, Any], calendar.get_properties([dav.SyncToken(), _GetCtag()]))
    except caldav_error.DAVError:
        return ""
    return str(props.get(dav.SyncToken.tag) or props.get(_GetCtag.tag) or "")


def _text(item: Any) -> bytes:
    data = item.data
    return data.encode() if isinstance(data, str) else bytes(data)


def _uid(text: bytes) -> str:
    try:
        calendar = Calendar.from_ical(text)
    except ValueError:
        return ""  # expand.busy_intervals reports a malformed object to its owner
    for event in calendar.walk("VEVENT"):
        return str(event.get("UID", ""))
    return ""


def _session_uid(text: bytes) -> uuid.UUID | None:
    """The session whose copy this looks like (its UID is `<uuid>@mentora`)."""
    uid = _uid(text)
    if not uid.endswith(MENTORA_UID_SUFFIX):
        return None
    try:
        return uuid.UUID(uid.removesuffix(MENTORA_UID_SUFFIX))
    except ValueError:  # not one of ours after all
        return None


def _without_mentora_copies(texts: list[bytes]) -> list[bytes]:
    """Leave out the copies of sessions that exist (one query)."""
    claimed = [(text, _session_uid(text)) for text in texts]
    candidates = {uid for _body, uid in claimed if uid is not None}
    known = set(Session.objects.filter(uid__in=candidates).values_list("uid", flat=True))
    return [text for text, uid in claimed if uid is None or uid not in known]


# --- Writing --------------------------------------------------------------------


def caldav_event_put(connection: CalendarConnection, *, href: str, text: bytes) -> str:
    """Store `text` at `href` (replacing what is there: the href is Mentora's
    own, one per session) and return the server's new ETag ("" if it gave none)."""
    secrets = _secrets(connection)
    with _speaking(secrets.url, secrets.username, secrets.password) as client:
        response = client.put(
            href, text.decode(), headers={"Content-Type": "text/calendar; charset=utf-8"}
        )
    if response.status == 404 or response.status == 409:
        raise CalendarUnreadable(
            _("The calendar chosen for your sessions no longer exists on the calendar server.")
        )
    if not 200 <= response.status < 300:
        raise CalendarUnreadable(_("The calendar server did not save the session."))
    return str(response.headers.get("ETag", ""))[:300]


def caldav_event_delete(connection: CalendarConnection, *, href: str) -> None:
    """Delete the event at `href`; one that is gone already is fine."""
    secrets = _secrets(connection)
    with _speaking(secrets.url, secrets.username, secrets.password) as client:
        response = client.delete(href)
    if response.status not in (404, 410) and not 200 <= response.status < 300:
        raise CalendarUnreadable(_("The calendar server did not delete the cancelled session."))


def write_calendar_url(connection: CalendarConnection) -> str:
    """The calendar the connection's sessions are written into ("" for none)."""
    if not connection.sealed_write_calendar_url:
        return ""
    return unseal(connection.sealed_write_calendar_url)
