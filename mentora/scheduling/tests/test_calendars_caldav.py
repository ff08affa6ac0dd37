"""Connecting a CalDAV account through calendar_connect and refreshing it
through calendar_refresh, against a real Radicale server: discovery at
connect, busy times stored, and credentials that stop working disable it."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from mentora.scheduling.calendars import services
from mentora.scheduling.calendars.errors import CalendarError
from mentora.scheduling.models import BusyInterval, CalendarConnection, CalendarKind

from .calendar_server import fixture

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def local_allowed(settings):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = True


def weekly_series_only():
    """The Google export's weekly meeting (with its EXDATE and its moved
    occurrence) as one calendar object: CalDAV stores one UID per object."""
    export = Calendar.from_ical(fixture("google_export.ics"))
    one = Calendar()
    for component in export.subcomponents:
        if component.name == "VTIMEZONE" or component.get("UID") == "5k2p9weekly1on1@google.com":
            one.add_component(component)
    return one.to_ical().decode()


def connect(owner, radicale, username, password, **kwargs):
    return services.calendar_connect(
        owner,
        kind=CalendarKind.CALDAV,
        url=radicale.url,
        label="",
        username=username,
        password=password,
        now=NOW,
        **kwargs,
    )


def test_a_caldav_account_is_connected_read_and_its_busy_times_stored(radicale, mentor):
    username, password = radicale.new_user()
    work = radicale.make_calendar(username, "Work")
    work.save_event(weekly_series_only())
    connection = connect(mentor, radicale, username, password, write_calendar_url=str(work.url))

    assert services.calendar_refresh(connection, NOW) is True

    stored = set(
        BusyInterval.objects.filter(connection=connection).values_list("starts_at", "ends_at")
    )
    utc = lambda *a: datetime(*a, tzinfo=UTC)  # noqa: E731
    assert (utc(2026, 3, 3, 22), utc(2026, 3, 3, 23)) in stored  # Tue 17:00 EST
    assert (utc(2026, 3, 10, 21), utc(2026, 3, 10, 22)) in stored  # Tue 17:00 EDT
    assert not any(s.date() == utc(2026, 3, 17).date() for s, _e in stored)  # the EXDATE
    connection.refresh_from_db()
    assert connection.label == "127.0.0.1" and connection.sealed_write_calendar_url
    assert connection.last_success_at == NOW


def test_a_wrong_password_is_refused_at_connect_and_nothing_is_saved(radicale, mentor):
    username, _password = radicale.new_user()
    radicale.make_calendar(username, "Work")
    with pytest.raises(CalendarError) as refused:
        connect(mentor, radicale, username, "not-the-password")
    assert refused.value.field == "url" and refused.value.message
    assert not CalendarConnection.objects.exists()


def test_a_write_calendar_that_is_not_the_accounts_is_refused(radicale, mentor):
    username, password = radicale.new_user()
    radicale.make_calendar(username, "Work")
    with pytest.raises(CalendarError) as refused:
        connect(
            mentor, radicale, username, password, write_calendar_url=radicale.url + "someone/else/"
        )
    assert refused.value.field == "write_calendar_url"


def test_credentials_that_stop_working_disable_the_connection_with_a_notice(radicale, mentor):
    username, password = radicale.new_user()
    radicale.make_calendar(username, "Work")
    connection = connect(mentor, radicale, username, password)
    assert services.calendar_refresh(connection, NOW)
    # The person revokes the app password: from now on the server refuses it.
    CalendarConnection.objects.filter(pk=connection.pk).update(
        sealed_password=services.seal("revoked")
    )
    connection.refresh_from_db()
    for minutes in (5, 10, 20):
        assert services.calendar_refresh(connection, NOW + timedelta(minutes=minutes)) is False
    connection.refresh_from_db()
    assert connection.disabled_at == NOW + timedelta(minutes=20)
    assert "refused" in connection.disabled_reason
    assert connection.last_success_at == NOW  # the last copy is kept, and goes stale
