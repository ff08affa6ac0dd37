"""Scheduling inputs at the edges (issue 19): datetimes at the calendar's ends,
cadence start dates far from today, junk in ?week= and in the feed token. Each
is a clear refusal (a 4xx with a message) and nothing is written."""

from datetime import timedelta

import pytest
from django.urls import reverse

from mentora.scheduling.models import Cadence, Session
from mentora.tests import factories as f

from .conftest import NOW, ny

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

EDGE_TIMES = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]


def url(name, program, *args):
    return reverse(name, args=[program.slug, *args])


@pytest.fixture
def session(mentorship):
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=2))


@pytest.mark.parametrize("value", EDGE_TIMES)
def test_booking_at_the_calendars_edge_is_a_form_error(
    client, program, mentorship, mentee, open_all_week, value
):
    client.force_login(mentee)

    response = client.post(url("session_book", program, mentorship.pk), {"starts_at": value})

    assert response.status_code == 409
    assert "Pick one of the offered times." in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.parametrize("value", EDGE_TIMES)
def test_moving_to_the_calendars_edge_is_a_form_error_and_the_session_stays(
    client, program, session, mentee, open_all_week, value
):
    client.force_login(mentee)
    before = session.starts_at

    response = client.post(url("session_reschedule", program, session.pk), {"starts_at": value})

    assert response.status_code == 409
    session.refresh_from_db()
    assert session.starts_at == before
    assert Session.objects.count() == 1


def test_a_time_outside_the_booking_window_says_the_window(
    client, program, mentorship, mentee, open_all_week
):
    client.force_login(mentee)
    far = NOW + timedelta(weeks=program.booking_window_weeks + 5)

    response = client.post(
        url("session_book", program, mentorship.pk), {"starts_at": far.isoformat()}
    )

    assert response.status_code == 409
    assert "Choose a time between" in response.content.decode()
    assert not Session.objects.exists()


def test_a_time_inside_the_window_still_books(client, program, mentorship, mentee, open_all_week):
    client.force_login(mentee)

    response = client.post(
        url("session_book", program, mentorship.pk),
        {"starts_at": ny(2027, 1, 5, 10).isoformat(), "confirm": "1"},
    )

    assert response.status_code == 302
    assert Session.objects.count() == 1


def _cadence(**changes):
    return {
        "frequency": "weekly",
        "weekday": "1",
        "time_of_day": "18:00",
        "length_minutes": "45",
        "starts_on": "2027-01-04",
        **changes,
    }


@pytest.mark.parametrize("starts_on", ["9999-12-31", "0001-01-01", "1999-01-04", "2040-01-02"])
def test_a_cadence_starting_far_from_today_is_refused_with_the_range(
    client, program, mentorship, mentor, starts_on
):
    client.force_login(mentor)

    response = client.post(
        url("cadence_edit", program, mentorship.pk), _cadence(starts_on=starts_on)
    )

    assert response.status_code == 400
    assert "Choose a date between" in response.content.decode()
    assert not Cadence.objects.exists()
    assert not Session.objects.exists()


@pytest.mark.parametrize("length", ["²", "٤٥", "9" * 5000])
def test_a_cadence_length_in_other_digits_is_refused(client, program, mentorship, mentor, length):
    client.force_login(mentor)

    response = client.post(
        url("cadence_edit", program, mentorship.pk), _cadence(length_minutes=length)
    )

    assert response.status_code == 400
    assert not Cadence.objects.exists()


@pytest.mark.parametrize("week", ["²", "٣", "-1", "9" * 5000, "1e3", "99"])
def test_junk_in_week_shows_a_week_not_an_error(client, program, mentorship, mentee, week):
    client.force_login(mentee)

    response = client.get(url("session_book", program, mentorship.pk), {"week": week})

    assert response.status_code == 200


def test_the_calendar_feed_with_a_nul_in_its_token_is_a_400(client, mentee):
    feed = f.CalendarFeedFactory(user=mentee)

    assert client.get(f"/calendar/{feed.token}%00.ics").status_code == 400
    assert client.get("/calendar/a%00b.ics").status_code == 400


@pytest.mark.parametrize("token", ["a.b", "a b", "ä", "a" * 65, "%C2%B2"])
def test_a_feed_token_with_characters_no_token_has_is_a_404(client, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_feed_still_answers_its_token(client, mentee):
    feed = f.CalendarFeedFactory(user=mentee)

    assert client.get(reverse("calendar_feed", args=[feed.token])).status_code == 200
