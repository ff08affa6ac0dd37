"""Connecting an iCalendar address and refreshing it, against a real HTTP
server on localhost: conditional requests, failures that keep the last copy,
back-off, disabling, and the worker's batch."""

from datetime import UTC, datetime, timedelta

import pytest

from mentora.scheduling import jobs
from mentora.scheduling.calendars import services
from mentora.scheduling.calendars.errors import CalendarCode, CalendarError
from mentora.scheduling.calendars.refresh import calendars_refresh_due
from mentora.scheduling.models import BusyInterval, CalendarConnection, CalendarKind
from mentora.sealed import unseal
from mentora.tests import factories as f

from .calendar_server import CalendarServer, fixture

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def server(settings):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = True
    with CalendarServer() as running:
        running.serve("/work.ics", fixture("google_export.ics"), etag='"v1"')
        yield running


def connect(owner, url, **kwargs):
    return services.calendar_connect(
        owner, kind=CalendarKind.ICAL, url=url, label="Work", now=NOW, **kwargs
    )


def busy(connection):
    return list(
        BusyInterval.objects.filter(connection=connection).values_list("starts_at", "ends_at")
    )


def test_connect_seals_the_address_and_keeps_only_its_host(server, mentor):
    url = server.url("/work.ics")
    connection = connect(mentor, url)
    stored = CalendarConnection.objects.get(pk=connection.pk)
    assert stored.url_host == "127.0.0.1"
    assert "/work.ics" not in stored.sealed_url and unseal(stored.sealed_url) == url
    assert stored.next_refresh_at == NOW and stored.last_success_at is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"url": "http://calendar.example.com/x.ics"}, "url"),
        ({"url": ""}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "https://example.com/" + "a" * 3000}, "url"),
        ({"label": "x" * 101}, "label"),
        ({"kind": "exchange"}, "kind"),
        ({"kind": CalendarKind.CALDAV, "username": ""}, "username"),
    ],
)
def test_connect_refuses_bad_input_and_saves_nothing(server, mentor, kwargs, field):
    values = {"kind": CalendarKind.ICAL, "url": server.url("/work.ics"), "label": "Work"}
    values.update(kwargs)
    with pytest.raises(CalendarError) as refused:
        services.calendar_connect(mentor, now=NOW, **values)
    assert refused.value.field == field and refused.value.message
    assert not CalendarConnection.objects.exists()


def test_connect_refuses_http_when_local_is_not_allowed(settings, mentor):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = False
    with pytest.raises(CalendarError) as refused:
        connect(mentor, "http://127.0.0.1:8000/x.ics")
    assert refused.value.code == CalendarCode.BAD_URL


def test_first_refresh_stores_busy_intervals_in_utc(server, mentor):
    connection = connect(mentor, server.url("/work.ics"))
    assert services.calendar_refresh(connection, NOW) is True
    stored = busy(connection)
    # Tuesday 3 March 17:00 New York (UTC-5), and 10 March after the change (UTC-4).
    assert (datetime(2026, 3, 3, 22, tzinfo=UTC), datetime(2026, 3, 3, 23, tzinfo=UTC)) in stored
    assert (datetime(2026, 3, 10, 21, tzinfo=UTC), datetime(2026, 3, 10, 22, tzinfo=UTC)) in stored
    # No 17 March: the excepted date.
    assert not any(s.date() == datetime(2026, 3, 17).date() for s, _e in stored)
    connection.refresh_from_db()
    assert connection.etag == '"v1"' and connection.last_success_at == NOW
    assert connection.next_refresh_at == NOW + timedelta(minutes=5)


def test_window_is_the_longest_booking_window_of_the_owners_programs(server, mentor, program):
    program.booking_window_weeks = 2
    program.save()
    connection = connect(mentor, server.url("/work.ics"))
    services.calendar_refresh(connection, NOW)
    starts = [s for s, _e in busy(connection)]
    assert min(starts) >= NOW - timedelta(days=1)
    assert max(starts) <= NOW + timedelta(weeks=2, days=1)
    other = f.ProgramFactory(slug="longer", booking_window_weeks=8)
    f.MembershipFactory(user=mentor, program=other, role="mentor")
    services.calendar_refresh(connection, NOW)
    assert max(s for s, _e in busy(connection)) > NOW + timedelta(weeks=7)


def test_unchanged_calendar_answers_304_and_only_the_last_read_moves(server, mentor):
    connection = connect(mentor, server.url("/work.ics"))
    services.calendar_refresh(connection, NOW)
    before = busy(connection)
    later = NOW + timedelta(minutes=5)
    assert services.calendar_refresh(connection, later) is True
    assert server.hits_of("/work.ics")[-1]["if-none-match"] == '"v1"'
    assert busy(connection) == before
    connection.refresh_from_db()
    assert connection.last_success_at == later


def test_changed_calendar_replaces_the_intervals(server, mentor):
    connection = connect(mentor, server.url("/work.ics"))
    services.calendar_refresh(connection, NOW)
    server.serve("/work.ics", fixture("outlook_export.ics"), etag='"v2"')
    services.calendar_refresh(connection, NOW + timedelta(minutes=5))
    stored = busy(connection)
    assert (
        datetime(2026, 3, 17, 8, tzinfo=UTC),
        datetime(2026, 3, 17, 8, 30, tzinfo=UTC),
    ) in stored
    assert (
        datetime(2026, 3, 3, 22, tzinfo=UTC),
        datetime(2026, 3, 3, 23, tzinfo=UTC),
    ) not in stored
    connection.refresh_from_db()
    assert connection.etag == '"v2"'


@pytest.mark.parametrize(
    ("route", "words"),
    [
        ({"status": 500, "body": b"oops"}, "HTTP 500"),
        ({"body": b"<html>Please sign in</html>", "content_type": "text/html"}, "calendar"),
        ({"body": b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:x\r\nEND:VEVENT\r\n"}, "calendar"),
        ({"body": b"B" * (6 * 1024 * 1024)}, "larger than 5 MB"),
    ],
)
def test_a_failed_read_keeps_the_last_copy_and_says_why(server, mentor, route, words):
    connection = connect(mentor, server.url("/work.ics"))
    services.calendar_refresh(connection, NOW)
    before = busy(connection)
    server.serve("/work.ics", **route)
    later = NOW + timedelta(minutes=5)
    assert services.calendar_refresh(connection, later) is False
    connection.refresh_from_db()
    assert words in connection.last_error
    assert "/work.ics" not in connection.last_error
    assert (connection.last_error_at, connection.consecutive_failures) == (later, 1)
    assert connection.last_success_at == NOW  # H3's staleness counts from here
    assert busy(connection) == before


def test_failures_back_off_and_a_success_resets(server, mentor):
    connection = connect(mentor, server.url("/work.ics"))
    server.serve("/work.ics", b"down", status=503)
    waits = []
    moment = NOW
    for _ in range(4):
        services.calendar_refresh(connection, moment)
        waits.append(connection.next_refresh_at - moment)
        moment = connection.next_refresh_at
    assert waits == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    server.serve("/work.ics", fixture("google_export.ics"))
    services.calendar_refresh(connection, moment)
    connection.refresh_from_db()
    assert (connection.consecutive_failures, connection.last_error) == (0, "")
    assert connection.next_refresh_at == moment + timedelta(minutes=5)


def test_refused_access_three_times_disables_with_a_reason(server, mentor):
    connection = connect(mentor, server.url("/work.ics"))
    server.serve("/work.ics", b"no", status=403)
    for minutes in (0, 5, 15):
        services.calendar_refresh(connection, NOW + timedelta(minutes=minutes))
    connection.refresh_from_db()
    assert connection.disabled_at == NOW + timedelta(minutes=15)
    assert "refused" in connection.disabled_reason
    assert connection.next_refresh_at is None


def test_two_days_of_failures_disable(server, mentor):
    connection = connect(mentor, server.url("/work.ics"))
    services.calendar_refresh(connection, NOW)
    server.serve("/work.ics", b"down", status=500)
    services.calendar_refresh(connection, NOW + timedelta(hours=47))
    assert connection.disabled_at is None
    services.calendar_refresh(connection, NOW + timedelta(hours=48))
    connection.refresh_from_db()
    assert connection.disabled_at is not None and "two days" in connection.disabled_reason


def test_enable_tries_again(server, mentor):
    connection = connect(mentor, server.url("/work.ics"))
    server.serve("/work.ics", b"no", status=401)
    for minutes in (0, 5, 15):
        services.calendar_refresh(connection, NOW + timedelta(minutes=minutes))
    server.serve("/work.ics", fixture("google_export.ics"))
    services.calendar_enable(connection, NOW + timedelta(hours=1))
    assert services.calendar_refresh(connection, NOW + timedelta(hours=1))
    connection.refresh_from_db()
    assert connection.disabled_at is None and busy(connection)


def test_disconnect_forgets_the_connection_and_its_busy_times(server, mentor):
    connection = connect(mentor, server.url("/work.ics"))
    services.calendar_refresh(connection, NOW)
    services.calendar_disconnect(connection)
    assert not CalendarConnection.objects.exists() and not BusyInterval.objects.exists()


def test_worker_refreshes_due_connections_and_survives_a_bad_calendar(server, mentor, mentee):
    server.serve("/bad.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:x\r\nEND:VEVENT\r\n")
    bad = connect(mentor, server.url("/bad.ics"))
    good = connect(mentee, server.url("/work.ics"))
    later = connect(mentee, server.url("/work.ics"))
    CalendarConnection.objects.filter(pk=later.pk).update(next_refresh_at=NOW + timedelta(hours=1))
    assert calendars_refresh_due(now=NOW) == 1
    bad.refresh_from_db()
    good.refresh_from_db()
    later.refresh_from_db()
    assert bad.last_error and bad.consecutive_failures == 1
    assert good.last_success_at == NOW and busy(good)
    assert later.last_attempt_at is None  # not due yet


def test_worker_batch_is_bounded_most_overdue_first(server, mentor):
    first = connect(mentor, server.url("/work.ics"))
    second = connect(mentor, server.url("/work.ics"))
    CalendarConnection.objects.filter(pk=second.pk).update(next_refresh_at=NOW - timedelta(hours=1))
    assert calendars_refresh_due(now=NOW, limit=1) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.last_attempt_at, second.last_attempt_at) == (None, NOW)


def test_the_periodic_job_is_declared(server, mentor):
    connection = connect(mentor, server.url("/work.ics"))
    assert jobs.calendars_refresh(now=NOW) == 1
    connection.refresh_from_db()
    assert connection.last_success_at == NOW


def test_a_new_day_reads_the_calendar_in_full_so_the_window_end_is_filled(server, mentor):
    connection = connect(mentor, server.url("/work.ics"))
    services.calendar_refresh(connection, NOW)
    services.calendar_refresh(connection, NOW + timedelta(minutes=5))
    assert "if-none-match" in server.hits_of("/work.ics")[-1]
    services.calendar_refresh(connection, NOW + timedelta(days=1))
    assert "if-none-match" not in server.hits_of("/work.ics")[-1]


@pytest.mark.django_db(transaction=True)
def test_the_owner_is_emailed_once_when_the_calendar_is_disabled(server, mentor, mailoutbox):
    from mentora.notifications.tests.conftest import run_worker

    connection = connect(mentor, server.url("/work.ics"))
    server.serve("/work.ics", b"no", status=401)
    for minutes in (0, 5, 15, 35):
        services.calendar_refresh(connection, NOW + timedelta(minutes=minutes))
    run_worker()

    sent = [m for m in mailoutbox if "stopped reading your calendar" in m.subject]
    assert len(sent) == 1 and sent[0].to == [mentor.email]
    assert "refused Mentora" in sent[0].body and "/accounts/calendars/" in sent[0].body
    assert "/work.ics" not in sent[0].body and str(server.port) not in sent[0].body


def test_a_calendar_disconnected_while_it_was_read_is_not_brought_back(server, mentor):
    connection = connect(mentor, server.url("/work.ics"))
    outcome = services.calendar_read(connection, NOW)
    services.calendar_disconnect(CalendarConnection.objects.get(pk=connection.pk))

    services.calendar_reads_store([outcome], NOW)

    assert not CalendarConnection.objects.exists() and not BusyInterval.objects.exists()


def test_nothing_is_logged_with_the_address(server, mentor, caplog):
    caplog.set_level("DEBUG")
    connection = connect(mentor, server.url("/work.ics"))
    services.calendar_refresh(connection, NOW)
    server.serve("/work.ics", b"no", status=500)
    services.calendar_refresh(connection, NOW + timedelta(minutes=5))
    assert "/work.ics" not in caplog.text and str(server.port) not in caplog.text
