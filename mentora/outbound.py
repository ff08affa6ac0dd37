"""The one outbound HTTP GET of Mentora (`fetch`): for addresses people give us
(a calendar's iCalendar address), and its one POST (`post`, webhooks), so it must never become a
way into our own network.

- https only; http, and addresses on this machine (127.0.0.1, ::1), only when
  `settings.MENTORA_OUTBOUND_ALLOW_LOCAL` is on (development and the tests);
- the host is resolved at fetch time and every address it resolves to is
  checked: private, loopback, link-local, multicast, reserved and unspecified
  addresses are refused (and loopback outside development). The connection then
  goes to the very address that was checked, with the Host header and the TLS
  server name (SNI, certificate check) of the name, so a DNS answer that changes
  between the check and the connect (DNS rebinding) can't redirect it;
- one deadline for the whole exchange (`timeout`, 10 s), and a size limit
  (`max_bytes`, 5 MB) enforced while reading, not after;
- conditional: the caller's ETag / Last-Modified go out as If-None-Match /
  If-Modified-Since, and a 304 comes back as `not_modified`;
- at most `MAX_REDIRECTS` redirects, each hop checked like the first.

Every failure is an `OutboundError` whose message a person can read (it names
the host at most, never the address, which may be a secret).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

MAX_REDIRECTS = 3
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_CHUNK = 64 * 1024
_REDIRECTS = {301, 302, 303, 307, 308}
_LOCAL_NAMES = {"localhost", "localhost.localdomain"}


class OutboundError(Exception):
    """A fetch failed or was refused. `status` is the HTTP status when the server
    answered; `credentials` is True for 401/403 (the server refused us)."""

    def __init__(self, message: str, *, status: int | None = None, credentials: bool = False):
        super().__init__(message)
        self.message = message
        self.status = status
        self.credentials = credentials

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Fetched:
    not_modified: bool
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str


def allow_local() -> bool:
    return bool(getattr(settings, "MENTORA_OUTBOUND_ALLOW_LOCAL", False))


def check_url(url: str) -> _Target:
    """The URL's parts when its shape is acceptable (no DNS yet), else OutboundError."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise OutboundError(_("This isn't a web address.")) from exc
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise OutboundError(_("The address must start with https://."))
    if parts.scheme == "http" and not (allow_local() and _is_local_name(host)):
        raise OutboundError(_("The address must start with https:// (http isn't safe)."))
    if parts.username or parts.password:
        raise OutboundError(
            _("Give the username and password in their own fields, not in the address.")
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return _Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)


def check_destination(url: str) -> None:
    """`check_url`, then the DNS check `fetch` makes (for a form to refuse a
    private address at once; `fetch` checks again when it connects)."""
    _checked_address(check_url(url))


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    accept: str = "text/calendar, text/plain;q=0.5, */*;q=0.1",
) -> Fetched:
    """GET `url` safely (see the module's rules); 200 gives the body, 304 `not_modified`."""
    deadline = time.monotonic() + timeout
    headers = {"Accept": accept, "Accept-Encoding": "identity", "User-Agent": "Mentora/1"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _hop in range(MAX_REDIRECTS + 1):
        target = check_url(url)
        status, response, connection = _request(target, headers, deadline)
        try:
            if status in _REDIRECTS:
                location = response.getheader("Location", "")
                if not location:
                    raise OutboundError(_("The server sent a redirect without an address."))
                url = urljoin(url, location)
                continue
            return _result(target, status, response, deadline, max_bytes)
        finally:
            connection.close()
    raise OutboundError(
        _("The address redirects more than %(count)s times.") % {"count": MAX_REDIRECTS}
    )


def post(
    url: str,
    body: bytes,
    *,
    headers: dict[str, str],
    timeout: float = DEFAULT_TIMEOUT,
) -> int:
    """POST `body` to `url` under the same rules as `fetch` (webhooks): the
    resolved address checked now, the connection pinned to it, one deadline.
    Redirects are not followed. Returns the HTTP status; OutboundError when
    the address is refused or the server can't be reached in time."""
    deadline = time.monotonic() + timeout
    target = check_url(url)
    sent = {"User-Agent": "Mentora/1", "Content-Type": "application/json", **headers}
    status, response, connection = _request(target, sent, deadline, method="POST", body=body)
    try:
        with contextlib.suppress(OSError, http.client.HTTPException):
            response.read1(_CHUNK)  # a little of the answer, never all of it
        return status
    finally:
        connection.close()


def _result(
    target: _Target,
    status: int,
    response: http.client.HTTPResponse,
    deadline: float,
    max_bytes: int,
) -> Fetched:
    if status == 304:
        return Fetched(not_modified=True)
    if status in (401, 403):
        raise OutboundError(
            _("%(host)s refused access (HTTP %(status)s): the address may have been reset.")
            % {"host": target.host, "status": status},
            status=status,
            credentials=True,
        )
    if status in (404, 410):
        raise OutboundError(
            _("%(host)s says there is nothing at this address (HTTP %(status)s).")
            % {"host": target.host, "status": status},
            status=status,
        )
    if status != 200:
        raise OutboundError(
            _("%(host)s answered with an error (HTTP %(status)s).")
            % {"host": target.host, "status": status},
            status=status,
        )
    body = _read(response, deadline, max_bytes)
    return Fetched(
        not_modified=False,
        body=body,
        etag=response.getheader("ETag", "")[:300],
        last_modified=response.getheader("Last-Modified", "")[:100],
        content_type=response.getheader("Content-Type", ""),
    )


def _request(
    target: _Target,
    headers: dict[str, str],
    deadline: float,
    *,
    method: str = "GET",
    body: bytes | None = None,
) -> tuple[int, http.client.HTTPResponse, http.client.HTTPConnection]:
    address = _checked_address(target)
    connection: http.client.HTTPConnection
    remaining = _remaining(deadline)
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(target.host, target.port, address, remaining)
    else:
        connection = _PinnedHTTPConnection(target.host, target.port, address, remaining)
    try:
        connection.request(method, target.path, body=body, headers=headers)
        connection.sock.settimeout(_remaining(deadline))  # type: ignore[union-attr]
        response = connection.getresponse()
    except TimeoutError as exc:
        connection.close()
        raise OutboundError(_("%(host)s didn't answer in time.") % {"host": target.host}) from exc
    except ssl.SSLError as exc:
        connection.close()
        raise OutboundError(
            _("%(host)s's secure connection couldn't be verified.") % {"host": target.host}
        ) from exc
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        raise OutboundError(_("%(host)s couldn't be reached.") % {"host": target.host}) from exc
    return response.status, response, connection


def _read(response: http.client.HTTPResponse, deadline: float, max_bytes: int) -> bytes:
    too_big = _("The calendar is larger than %(size)s MB; Mentora reads at most that.") % {
        "size": f"{max_bytes / (1024 * 1024):g}"
    }
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise OutboundError(too_big)
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if response.fp is not None and hasattr(response.fp, "raw"):
                sock = getattr(response.fp.raw, "_sock", None)
                if sock is not None:
                    sock.settimeout(_remaining(deadline))
            chunk = response.read1(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise OutboundError(too_big)
            chunks.append(chunk)
            _remaining(deadline)
    except TimeoutError as exc:
        raise OutboundError(_("The server took too long to send the calendar.")) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise OutboundError(_("The connection broke while the calendar was being read.")) from exc
    return b"".join(chunks)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _is_local_name(host: str) -> bool:
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _checked_address(target: _Target) -> str:
    """The one address to connect to: every address the name resolves to must be public."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise OutboundError(
            _("%(host)s couldn't be found (no such name).") % {"host": target.host}
        ) from exc
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not _address_allowed(address):
            raise OutboundError(
                _("%(host)s is a private or local address; Mentora only reads public addresses.")
                % {"host": target.host}
            )
    if not addresses:
        raise OutboundError(_("%(host)s couldn't be found (no such name).") % {"host": target.host})
    return addresses[0]


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_local()
    return not (
        ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header stays the name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address; SNI and the certificate check use the name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)
