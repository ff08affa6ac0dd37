"""Scheduling pages: who may open them, what they do, and bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse

from mentora.scheduling.models import Session, SessionStatus
from mentora.tests import factories as f

from .conftest import NOW, ny

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
TUESDAY_10 = ny(2027, 1, 5, 10)


@pytest.fixture
def session(mentorship):
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=2))


def url(name, program, *args):
    return reverse(name, args=[program.slug, *args])


SESSION_PAGES = [
    "session_detail",
    "session_cancel",
    "session_reschedule",
    "session_makeup",
    "session_ics",
]


@pytest.mark.parametrize("page", SESSION_PAGES)
@pytest.mark.parametrize("person", ["outsider", "other_mentee"])
def test_session_pages_are_404_outside_the_mentorship(
    client, request, program, session, page, person
):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url(page, program, session.pk)).status_code == 404


@pytest.mark.parametrize("page", ["session_book", "cadence_edit"])
@pytest.mark.parametrize("person", ["outsider", "other_mentee", "success_manager"])
def test_mentorship_pages_are_for_the_two_parties_only(
    client, request, program, mentorship, page, person
):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url(page, program, mentorship.pk)).status_code == 404


def test_success_manager_sees_a_caseload_session_but_cannot_change_it(
    client, program, session, success_manager
):
    client.force_login(success_manager)

    assert client.get(url("session_detail", program, session.pk)).status_code == 200
    assert client.get(url("session_cancel", program, session.pk)).status_code == 404


def test_other_success_manager_cannot_see_the_session(client, program, session):
    other_sm = f.UserFactory()
    f.MembershipFactory(user=other_sm, program=program, role="success_manager")
    client.force_login(other_sm)

    assert client.get(url("session_detail", program, session.pk)).status_code == 404


def test_outsider_cannot_post_attendance(client, program, mentorship, outsider):
    past = f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(hours=2))
    client.force_login(outsider)

    response = client.post(url("session_attendance", program, past.pk), {"outcome": "held"})

    assert response.status_code == 404
    past.refresh_from_db()
    assert past.status == SessionStatus.SCHEDULED


def test_schedule_lists_sessions_in_the_viewers_zone(client, program, session, mentee):
    client.force_login(mentee)

    html = client.get(url("schedule", program)).text

    # 6 January 12:00 UTC is 13:00 in Berlin (mentee's zone).
    assert "Wednesday 6 January, 13:00" in html
    assert "Europe/Berlin" in html


def test_slot_picker_shows_open_times_in_the_viewers_zone(
    client, program, mentorship, mentee, open_all_week
):
    client.force_login(mentee)

    html = client.get(url("session_book", program, mentorship.pk), {"week": "0"}).text

    # Mentor's 09:00 New York is 15:00 in Berlin; the first day is Monday (notice: 12h).
    assert ">15:00 CET<" in html
    assert "Tuesday 5 January" in html


@pytest.mark.parametrize("week", ["-3", "abc", "999"])
def test_slot_picker_survives_odd_week_numbers(client, program, mentorship, mentee, week):
    client.force_login(mentee)

    assert (
        client.get(url("session_book", program, mentorship.pk), {"week": week}).status_code == 200
    )


def test_booking_through_the_page(client, program, mentorship, mentee, open_all_week):
    client.force_login(mentee)
    picked = {"starts_at": TUESDAY_10.isoformat()}

    step = client.post(url("session_book", program, mentorship.pk), picked)

    assert step.status_code == 200
    assert "Confirm booking" in step.text
    assert "Pick another time" in step.text
    assert not Session.objects.exists()

    response = client.post(url("session_book", program, mentorship.pk), {**picked, "confirm": "1"})

    session = Session.objects.get()
    assert response.status_code == 302
    assert response.url == url("session_detail", program, session.pk)


@pytest.mark.parametrize("value", ["", "yesterday", "2027-01-05T10:00:00", "9" * 39])
def test_booking_garbage_time_is_a_clear_message(
    client, program, mentorship, mentee, open_all_week, value
):
    client.force_login(mentee)

    response = client.post(url("session_book", program, mentorship.pk), {"starts_at": value})

    assert response.status_code == 409
    assert not Session.objects.exists()
    assert "offered times" in response.text or "required" in response.text


def test_booking_a_taken_time_offers_the_nearest(
    client, program, mentorship, mentee, other_mentee, open_all_week
):
    other = other_mentee.mentorships_as_mentee.get()
    f.SessionFactory(mentorship=other, starts_at=TUESDAY_10, kind="extra")
    client.force_login(mentee)

    response = client.post(
        url("session_book", program, mentorship.pk), {"starts_at": TUESDAY_10.isoformat()}
    )

    assert response.status_code == 409
    assert "That time was just taken" in response.text
    assert "Here are the nearest open times" in response.text
    assert Session.objects.count() == 1


def test_cancel_on_time_through_the_page(client, program, session, mentee):
    client.force_login(mentee)

    response = client.post(
        url("session_cancel", program, session.pk), {"reason": "illness", "note": "Flu"}
    )

    session.refresh_from_db()
    assert response.status_code == 302
    assert (session.status, session.cancellation_kind) == ("cancelled", "on_time")


def test_cancel_without_a_reason_changes_nothing(client, program, session, mentee):
    client.force_login(mentee)

    response = client.post(url("session_cancel", program, session.pk), {"reason": "bored"})

    assert response.status_code == 400
    assert "Choose a reason from the list" in response.text
    session.refresh_from_db()
    assert session.status == "scheduled"


def test_work_not_done_first_offers_to_keep_the_session(client, program, session, mentee):
    client.force_login(mentee)

    response = client.post(url("session_cancel", program, session.pk), {"reason": "work_not_done"})

    assert response.status_code == 200
    assert "This session is still worth holding" in response.text
    session.refresh_from_db()
    assert session.status == "scheduled"


def test_keeping_the_session_with_a_new_plan(client, program, session, mentee):
    client.force_login(mentee)

    client.post(
        url("session_cancel", program, session.pk), {"action": "keep", "switch": "pair_on_project"}
    )

    session.refresh_from_db()
    assert (session.status, session.agenda_switch) == ("scheduled", "pair_on_project")


def test_cancel_anyway_after_the_prompt(client, program, session, mentee):
    client.force_login(mentee)

    client.post(
        url("session_cancel", program, session.pk), {"reason": "work_not_done", "confirm": "True"}
    )

    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == ("cancelled", "work_not_done")


def test_cancelling_a_past_session_through_the_page_is_refused(client, program, mentorship, mentee):
    past = f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(hours=3))
    client.force_login(mentee)

    response = client.post(url("session_cancel", program, past.pk), {"reason": "illness"})

    assert response.status_code == 409
    past.refresh_from_db()
    assert past.status == "scheduled"


def test_mentor_records_attendance_through_the_page(client, program, mentorship, mentor):
    past = f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(hours=2))
    client.force_login(mentor)

    client.post(url("session_attendance", program, past.pk), {"outcome": "held"})

    past.refresh_from_db()
    assert past.status == "held"


def test_attendance_with_a_bogus_outcome_changes_nothing(client, program, mentorship, mentor):
    past = f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(hours=2))
    client.force_login(mentor)

    response = client.post(url("session_attendance", program, past.pk), {"outcome": "party"})

    assert response.status_code == 302
    past.refresh_from_db()
    assert past.status == "scheduled"


def test_makeup_page_names_the_next_session_when_no_time_is_left(
    client, program, mentorship, mentee, mentor
):
    missed = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(hours=2))
    f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(hours=30))
    Session.objects.filter(pk=missed.pk).update(status="mentor_no_show")
    client.force_login(mentee)

    html = client.get(url("session_makeup", program, missed.pk)).text

    # 30 hours after Monday 12:00 UTC is Tuesday 18:00 UTC = 19:00 in Berlin.
    assert "Your next session is Tuesday 5 January at 19:00 CET" in html
    assert "there is no time for a makeup before it" in html


def test_makeup_page_with_unknown_action_is_a_message(client, program, mentorship, mentee):
    missed = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(hours=40))
    client.force_login(mentee)

    response = client.post(url("session_makeup", program, missed.pk), {"action": "explode"})

    assert response.status_code == 409


def test_cadence_page_creates_regular_sessions(client, program, mentorship, mentor):
    client.force_login(mentor)

    response = client.post(
        url("cadence_edit", program, mentorship.pk),
        {
            "frequency": "weekly",
            "weekday": "1",
            "time_of_day": "18:00",
            "length_minutes": "45",
            "starts_on": "2027-01-04",
        },
    )

    assert response.status_code == 302
    assert Session.objects.filter(kind="regular").count() == 8


@pytest.mark.parametrize(
    "bad",
    [{"weekday": "9"}, {"time_of_day": "25:00"}, {"length_minutes": "5"}, {"starts_on": "soon"}],
)
def test_cadence_page_refuses_bad_values(client, program, mentorship, mentor, bad):
    client.force_login(mentor)
    data = {
        "frequency": "weekly",
        "weekday": "1",
        "time_of_day": "18:00",
        "length_minutes": "45",
        "starts_on": "2027-01-04",
        **bad,
    }

    response = client.post(url("cadence_edit", program, mentorship.pk), data)

    assert response.status_code == 400
    assert not Session.objects.exists()


@pytest.mark.parametrize("person", ["mentee", "mentor", "success_manager"])
def test_schedule_query_count_does_not_grow_with_sessions(
    client, request, program, mentorship, person
):
    from mentora.tests.querycount import count_queries_before_and_after

    client.force_login(request.getfixturevalue(person))
    made: list[object] = []

    def grow(n):
        for _ in range(n):
            k = len(made)
            made.append(
                f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=k + 1))
            )
            f.SessionFactory(
                mentorship=mentorship, starts_at=NOW - timedelta(days=k + 3), status="held"
            )

    few, many = count_queries_before_and_after(client, url("schedule", program), grow=grow)

    assert many == few
