"""CalDAV against a real Radicale server (the `radicale` fixture): discovery,
busy times read, and the errors a person sees."""

from __future__ import annotations

import http.server
import socket
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mentora.scheduling.calendars import caldav_sync
from mentora.scheduling.calendars.caldav_sync import (
    CalDAVCredentialsRefused,
    caldav_check,
    read_calendar_texts,
)
from mentora.scheduling.calendars.errors import CalendarUnreadable
from mentora.scheduling.calendars.expand import busy_intervals
from mentora.scheduling.calendars.services import CREDENTIAL_FAILURES_LIMIT, calendar_refresh
from mentora.scheduling.models import CalendarConnection, CalendarKind
from mentora.sealed import seal
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
PRIVATE = "The calendar server's address is a private or local network address."
WINDOW = (datetime(2026, 2, 23, tzinfo=UTC), datetime(2026, 3, 23, tzinfo=UTC))


@pytest.fixture(autouse=True)
def local_allowed(settings):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = True


def connection_of(owner, radicale, username, *, write_calendar_url=""):
    return CalendarConnection.objects.create(
        owner=owner,
        kind=CalendarKind.CALDAV,
        sealed_url=seal(radicale.url),
        url_host="127.0.0.1",
        sealed_username=seal(username),
        sealed_password=seal(radicale_password(username)),
        sealed_write_calendar_url=seal(write_calendar_url) if write_calendar_url else "",
    )


def radicale_password(username):
    from .radicale_server import USERS

    return USERS[username]


def ics(uid, body):
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Calendar app//EN\r\n"
        "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n"
        "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\n"
        "DTSTART:19700308T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\n"
        "BEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\n"
        "DTSTART:19701101T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260201T000000Z\r\n{body}END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


# A weekly Tuesday 17:00-18:00 New York meeting, except on 3 March, across the
# clock change of 8 March 2026 (EST -> EDT: 22:00 UTC, then 21:00 UTC).
WEEKLY = (
    "SUMMARY:Team sync\r\n"
    "DTSTART;TZID=America/New_York:20260224T170000\r\n"
    "DTEND;TZID=America/New_York:20260224T180000\r\n"
    "RRULE:FREQ=WEEKLY;BYDAY=TU\r\n"
    "EXDATE;TZID=America/New_York:20260303T170000\r\n"
)
FREE = (
    "SUMMARY:Focus time (shown as free)\r\nTRANSP:TRANSPARENT\r\n"
    "DTSTART:20260225T150000Z\r\nDTEND:20260225T160000Z\r\n"
)
LATER = "SUMMARY:Too far ahead\r\nDTSTART:20260601T150000Z\r\nDTEND:20260601T160000Z\r\n"


def test_discovery_lists_the_accounts_calendars(radicale):
    username, password = radicale.new_user()
    work = radicale.make_calendar(username, "Work")
    home = radicale.make_calendar(username, "Home")

    found = caldav_check(radicale.url, username, password)

    assert sorted(found) == sorted([(str(work.url), "Work"), (str(home.url), "Home")])


def test_a_wrong_password_is_the_credentials_error(radicale):
    username, _password = radicale.new_user()
    radicale.make_calendar(username, "Work")

    with pytest.raises(CalDAVCredentialsRefused) as refused:
        caldav_check(radicale.url, username, "not-the-app-password")

    assert refused.value.credentials is True
    assert "refused the username or app password" in refused.value.message


def test_stopped_working_credentials_are_the_credentials_error_when_reading(radicale, mentor):
    username, _password = radicale.new_user()
    radicale.make_calendar(username, "Work")
    connection = connection_of(mentor, radicale, username)
    connection.sealed_password = seal("revoked-app-password")

    with pytest.raises(CalDAVCredentialsRefused):
        read_calendar_texts(connection, *WINDOW)


def test_an_account_without_calendars_is_refused_with_a_reason(radicale):
    username, password = radicale.new_user()

    with pytest.raises(CalendarUnreadable) as refused:
        caldav_check(radicale.url, username, password)

    assert refused.value.message == "Signed in, but this account has no calendars."


class _Handler(http.server.BaseHTTPRequestHandler):
    """A web server that isn't CalDAV: a blog page, a redirect, or an answer
    that says it is huge (`answer` chooses, per server)."""

    answer = "blog"

    def do_PROPFIND(self):
        if self.answer.startswith("redirect"):
            self.send_response(301)
            target = {
                "redirect": "https://169.254.169.254/latest/meta-data/",
                "redirect-http": "http://calendar.example.org/dav/",
            }[self.answer]
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.answer == "endless":  # no Content-Length: read until the server closes
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.end_headers()
            chunk = b"<x>" + b" " * 65_530 + b"</x>"
            for _ in range(100):  # 6.5 MB
                self.wfile.write(chunk)
            return
        body = b"<html><body>Welcome to my blog</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        huge = self.answer == "huge"
        self.send_header("Content-Length", str(50_000_000 if huge else len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_OPTIONS = do_PROPFIND

    def log_message(self, *args):
        pass


def _serve(answer):
    handler = type("Handler", (_Handler,), {"answer": answer})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def web_server():
    servers = []

    def start(answer="blog"):
        servers.append(_serve(answer))
        return f"http://127.0.0.1:{servers[-1].server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_web_server_that_isnt_caldav_is_refused_with_a_reason(web_server):
    with pytest.raises(CalendarUnreadable) as refused:
        caldav_check(web_server(), "ada", "secret")

    assert refused.value.credentials is False
    assert refused.value.message == "The server answered, but not as a CalDAV calendar server does."


def test_an_unreachable_server_is_refused_with_a_reason():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(CalendarUnreadable) as refused:
        caldav_check(f"http://127.0.0.1:{port}/", "ada", "secret")

    assert refused.value.message == "The calendar server could not be reached or did not answer."


def test_local_and_plain_http_addresses_are_refused_outside_development(radicale, settings):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = False
    username, password = radicale.new_user()

    with pytest.raises(CalendarUnreadable) as plain:
        caldav_check(radicale.url, username, password)
    with pytest.raises(CalendarUnreadable) as private:
        caldav_check("https://10.0.0.7/dav/", username, password)

    assert "https://" in plain.value.message
    assert private.value.message == PRIVATE


def test_a_redirect_to_a_private_address_is_not_followed(web_server):
    with pytest.raises(CalendarUnreadable) as refused:
        caldav_check(web_server("redirect"), "ada", "secret")

    assert refused.value.message == PRIVATE


def test_a_redirect_to_plain_http_is_not_followed(web_server):
    with pytest.raises(CalendarUnreadable) as refused:
        caldav_check(web_server("redirect-http"), "ada", "secret")

    assert "https://" in refused.value.message


def test_an_answer_larger_than_the_limit_is_refused_unread(web_server):
    with pytest.raises(CalendarUnreadable) as refused:
        caldav_check(web_server("huge"), "ada", "secret")

    assert refused.value.message == "The calendar server sent more than Mentora reads at once."


def test_an_answer_that_declares_no_size_is_cut_at_the_limit(web_server):
    with pytest.raises(CalendarUnreadable) as refused:
        caldav_check(web_server("endless"), "ada", "secret")

    # Usually the limit cuts the body; on a loaded machine the caldav package may
    # first give up on the half-read XML. Either way it is refused, never read whole.
    assert refused.value.message in (
        "The calendar server sent more than Mentora reads at once.",
        "The calendar server could not be read.",
    )


def test_a_name_that_resolves_to_this_machine_is_refused_outside_development(radicale, settings):
    """https passes the shape check; the resolver refuses the loopback address
    it finds, when connecting (so a changed DNS answer can't slip past)."""
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = False
    port = radicale.url.rsplit(":", 1)[1].strip("/")

    with pytest.raises(CalendarUnreadable) as refused:
        caldav_check(f"https://localhost:{port}/", "ada", "secret")

    assert refused.value.message == PRIVATE


def test_busy_times_are_read_from_every_calendar_of_the_account(radicale, mentor):
    username, _password = radicale.new_user()
    work = radicale.make_calendar(username, "Work")
    home = radicale.make_calendar(username, "Home")
    work.save_event(ics("weekly-sync@example.com", WEEKLY))
    work.save_event(ics("later@example.com", LATER))
    home.save_event(ics("focus@example.com", FREE))
    home.save_event(
        ics(
            "dentist@example.com",
            "SUMMARY:Dentist\r\nDTSTART:20260226T140000Z\r\nDTEND:20260226T150000Z\r\n",
        )
    )
    connection = connection_of(mentor, radicale, username)

    texts = read_calendar_texts(connection, *WINDOW)
    busy = sorted(
        interval
        for text in texts
        for interval in busy_intervals(
            text, default_zone=NEW_YORK, window_start=WINDOW[0], window_end=WINDOW[1]
        )
    )

    assert len(texts) == 3  # the event in June is outside the window
    utc = lambda *a: datetime(*a, tzinfo=UTC)  # noqa: E731
    assert busy == [
        (utc(2026, 2, 24, 22), utc(2026, 2, 24, 23)),  # Tue 17:00 EST
        (utc(2026, 2, 26, 14), utc(2026, 2, 26, 15)),  # the dentist
        # 3 March is excepted; from 8 March New York is on EDT: 17:00 is 21:00 UTC
        (utc(2026, 3, 10, 21), utc(2026, 3, 10, 22)),
        (utc(2026, 3, 17, 21), utc(2026, 3, 17, 22)),
    ]


def test_mentoras_own_copies_of_sessions_are_not_read_as_busy(radicale, mentor, mentorship):
    username, _password = radicale.new_user()
    work = radicale.make_calendar(username, "Work")
    session = f.SessionFactory(mentorship=mentorship)
    work.save_event(
        ics(
            f"{session.uid}@mentora",
            "SUMMARY:Mentoring\r\nDTSTART:20260302T150000Z\r\nDTEND:20260302T160000Z\r\n",
        )
    )
    # Someone else's event that merely looks like ours is read.
    work.save_event(
        ics(
            "not-a-uuid@mentora",
            "SUMMARY:Lookalike\r\nDTSTART:20260303T150000Z\r\nDTEND:20260303T160000Z\r\n",
        )
    )
    connection = connection_of(mentor, radicale, username)

    texts = read_calendar_texts(connection, *WINDOW)

    assert len(texts) == 1
    assert b"not-a-uuid@mentora" in texts[0]


def test_an_unchanged_account_is_not_downloaded_again(radicale, mentor):
    username, _password = radicale.new_user()
    work = radicale.make_calendar(username, "Work")
    work.save_event(ics("weekly-sync@example.com", WEEKLY))
    connection = connection_of(mentor, radicale, username)

    first = read_calendar_texts(connection, *WINDOW, skip_unchanged=True)
    token = connection.sync_token
    again = read_calendar_texts(connection, *WINDOW, skip_unchanged=True)
    work.save_event(ics("new@example.com", FREE))
    changed = read_calendar_texts(connection, *WINDOW, skip_unchanged=True)

    assert first is not None
    assert len(first) == 1
    assert token.startswith("v1:")
    assert again is None
    assert changed is not None and len(changed) == 2
    assert connection.sync_token != token


def test_the_window_moving_to_another_day_reads_again(radicale, mentor):
    username, _password = radicale.new_user()
    radicale.make_calendar(username, "Work").save_event(ics("weekly-sync@example.com", WEEKLY))
    connection = connection_of(mentor, radicale, username)
    read_calendar_texts(connection, *WINDOW)

    next_day = (WINDOW[0] + timedelta(days=1), WINDOW[1] + timedelta(days=1))

    assert read_calendar_texts(connection, *next_day, skip_unchanged=True) is not None


def test_nothing_is_logged_with_the_secrets(radicale, mentor, caplog):
    username, _password = radicale.new_user()
    radicale.make_calendar(username, "Work")
    connection = connection_of(mentor, radicale, username)
    connection.sealed_password = seal("revoked-app-password")

    with pytest.raises(CalDAVCredentialsRefused):
        read_calendar_texts(connection, *WINDOW)

    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "revoked-app-password" not in logged
    assert caldav_sync.MAX_REDIRECTS == 3


def test_the_refresh_stores_a_caldav_accounts_busy_times_and_keeps_them_while_unchanged(
    radicale, mentor
):
    username, _password = radicale.new_user()
    work = radicale.make_calendar(username, "Work")
    work.save_event(ics("weekly-sync@example.com", WEEKLY))
    connection = connection_of(mentor, radicale, username)
    now = datetime(2026, 2, 23, 12, tzinfo=UTC)

    assert calendar_refresh(connection, now) is True
    first = list(connection.busy_intervals.values_list("pk", "starts_at"))
    assert calendar_refresh(connection, now + timedelta(minutes=5)) is True  # unchanged

    connection.refresh_from_db()
    assert [starts for _pk, starts in first[:2]] == [
        datetime(2026, 2, 24, 22, tzinfo=UTC),
        datetime(2026, 3, 10, 21, tzinfo=UTC),
    ]
    # Not read again: the very rows of the first read (a read replaces them).
    assert list(connection.busy_intervals.values_list("pk", "starts_at")) == first
    assert connection.sync_token.startswith("v1:")
    assert connection.last_success_at == now + timedelta(minutes=5)


def test_the_refresh_disables_a_connection_whose_credentials_stopped_working(radicale, mentor):
    username, _password = radicale.new_user()
    radicale.make_calendar(username, "Work")
    connection = connection_of(mentor, radicale, username)
    connection.sealed_password = seal("revoked-app-password")
    connection.save()
    now = datetime(2026, 2, 23, 12, tzinfo=UTC)

    for attempt in range(CREDENTIAL_FAILURES_LIMIT):
        assert calendar_refresh(connection, now + timedelta(minutes=attempt)) is False

    connection.refresh_from_db()
    assert connection.disabled_at is not None
    assert "refused the username or app password" in connection.last_error
