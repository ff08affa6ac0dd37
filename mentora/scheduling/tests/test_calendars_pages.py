"""The calendars page (/accounts/calendars/) and the availability page's
"Your calendars" section: connect, refresh now, disconnect; only the owner
sees or touches a connection, and the address and password never show again."""

import pytest
from django.urls import reverse

from mentora.scheduling.models import BusyInterval, CalendarConnection, CalendarKind
from mentora.tests import factories as f
from mentora.tests.querycount import count_queries_before_and_after

from .calendar_server import CalendarServer, fixture

PAGE = "/accounts/calendars/"
SECRET_PATH = "/calendar/ical/dana%40example.com/private-7f3a9c1e/basic.ics"


@pytest.fixture
def server(settings):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = True
    with CalendarServer() as running:
        running.serve(SECRET_PATH, fixture("google_export.ics"), etag='"v1"')
        yield running


def test_the_page_has_its_name():
    assert reverse("calendar_connections") == PAGE


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get(PAGE).status_code == 302


@pytest.mark.parametrize("who", ["mentor", "mentee", "outsider"])
def test_anyone_signed_in_has_the_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Connect a calendar" in page.text and "No calendar connected yet." in page.text


def test_connecting_reads_the_calendar_and_never_shows_the_address_again(client, server, mentor):
    client.force_login(mentor)
    answer = client.post(
        PAGE, {"kind": CalendarKind.ICAL, "url": server.url(SECRET_PATH), "label": "Work"}
    )
    assert answer.status_code == 302
    connection = CalendarConnection.objects.get(owner=mentor)
    assert connection.last_success_at is not None
    assert BusyInterval.objects.filter(connection=connection).exists()
    page = client.get(PAGE)
    assert "Calendar connected and read" in page.text
    assert "Work" in page.text and "127.0.0.1" in page.text
    assert "private-7f3a9c1e" not in page.text and str(server.port) not in page.text


def test_a_caldav_password_is_never_rendered_back(client, mentor):
    client.force_login(mentor)
    answer = client.post(
        PAGE,
        {
            "kind": CalendarKind.CALDAV,
            "url": "http://caldav.example.com/",
            "username": "dana",
            "password": "app-pass-5up3r-s3cret",
        },
    )
    assert answer.status_code == 400
    assert "app-pass-5up3r-s3cret" not in answer.text
    assert not CalendarConnection.objects.exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"kind": CalendarKind.ICAL, "url": "http://calendar.example.com/x.ics"}, "https://"),
        ({"kind": CalendarKind.ICAL, "url": ""}, "Give the calendar"),
        ({"kind": "exchange", "url": "https://calendar.example.com/x.ics"}, "Select a valid"),
        ({"kind": CalendarKind.CALDAV, "url": "https://dav.example.com/"}, "username"),
        ({"kind": CalendarKind.ICAL, "url": "https://10.1.2.3/x.ics"}, "private or local"),
        ({"kind": CalendarKind.ICAL, "url": "https://localhost/x.ics"}, "private or local"),
        ({"kind": CalendarKind.ICAL, "url": "https://cal.invalid/x.ics"}, "couldn&#x27;t be found"),
    ],
)
def test_a_bad_connection_is_refused_next_to_its_field(client, mentor, settings, data, words):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = False
    client.force_login(mentor)
    answer = client.post(PAGE, data)
    assert answer.status_code == 400
    assert words in answer.text
    assert not CalendarConnection.objects.exists()


def test_refresh_now_and_disconnect(client, server, mentee):
    client.force_login(mentee)
    client.post(PAGE, {"kind": CalendarKind.ICAL, "url": server.url(SECRET_PATH)})
    connection = CalendarConnection.objects.get(owner=mentee)
    server.serve(SECRET_PATH, b"gone", status=500)

    refreshed = client.post(reverse("calendar_connection_refresh", args=[connection.pk]))
    assert refreshed.status_code == 302
    page = client.get(PAGE)
    assert "couldn&#x27;t be read" in page.text and "HTTP 500" in page.text
    assert BusyInterval.objects.filter(connection=connection).exists()  # the last copy stays

    gone = client.post(reverse("calendar_connection_disconnect", args=[connection.pk]))
    assert gone.status_code == 302
    assert not CalendarConnection.objects.exists() and not BusyInterval.objects.exists()


def test_a_disabled_calendar_says_why_and_can_be_tried_again(client, server, mentor, now):
    connection = f.CalendarConnectionFactory(
        owner=mentor,
        disabled_at=now,
        disabled_reason="The calendar refused Mentora's access several times in a row.",
    )
    client.force_login(mentor)
    page = client.get(PAGE)
    assert "refused Mentora" in page.text and "Try again" in page.text
    client.post(reverse("calendar_connection_refresh", args=[connection.pk]))
    connection.refresh_from_db()
    assert connection.disabled_at is None and connection.consecutive_failures == 1


def test_outsider_neither_sees_nor_touches_someone_elses_calendar(client, mentee, outsider):
    connection = f.CalendarConnectionFactory(owner=mentee, label="Mia's private work")
    client.force_login(outsider)

    page = client.get(PAGE)
    refreshed = client.post(reverse("calendar_connection_refresh", args=[connection.pk]))
    removed = client.post(reverse("calendar_connection_disconnect", args=[connection.pk]))

    assert page.status_code == 200 and "Mia&#x27;s private work" not in page.text
    assert "calendar.invalid" not in page.text
    assert (refreshed.status_code, removed.status_code) == (404, 404)
    connection.refresh_from_db()
    assert connection.last_attempt_at is None


@pytest.mark.parametrize("who", ["mentor", "success_manager", "admin_user"])
def test_nobody_else_in_the_program_touches_a_mentees_calendar(client, request, mentee, who):
    connection = f.CalendarConnectionFactory(owner=mentee)
    client.force_login(request.getfixturevalue(who))
    for name in ("calendar_connection_refresh", "calendar_connection_disconnect"):
        assert client.post(reverse(name, args=[connection.pk])).status_code == 404
    assert CalendarConnection.objects.filter(pk=connection.pk).exists()


def test_actions_are_post_only(client, mentee):
    connection = f.CalendarConnectionFactory(owner=mentee)
    client.force_login(mentee)
    for name in ("calendar_connection_refresh", "calendar_connection_disconnect"):
        assert client.get(reverse(name, args=[connection.pk])).status_code == 405


def test_availability_page_has_a_your_calendars_section(client, mentor, program):
    f.CalendarConnectionFactory(owner=mentor, label="Work calendar")
    client.force_login(mentor)
    page = client.get(reverse("availability_edit", args=[program.slug]))
    assert page.status_code == 200
    assert "Your calendars" in page.text and "Work calendar" in page.text
    assert PAGE in page.text


def test_the_list_costs_the_same_queries_for_one_or_three_calendars(client, mentor):
    client.force_login(mentor)
    few, many = count_queries_before_and_after(
        client,
        PAGE,
        grow=lambda n: [f.CalendarConnectionFactory(owner=mentor) for _ in range(n)],
    )
    assert few == many


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_the_profile_and_schedule_link_to_the_calendars_page(client, request, program, who):
    client.force_login(request.getfixturevalue(who))
    assert PAGE in client.get(reverse("profile_edit")).text
    assert PAGE in client.get(reverse("schedule", args=[program.slug])).text
