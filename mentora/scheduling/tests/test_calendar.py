"""Calendar invites (.ics), the private feed, and its settings page."""

from datetime import UTC, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from mentora.accounts.models import MentorProfile
from mentora.programs.models import Role
from mentora.scheduling.booking import services
from mentora.scheduling.ical import invites as calendar
from mentora.scheduling.ical import services as feed_services
from mentora.scheduling.models import CalendarFeed, SessionStatus
from mentora.tests import factories as f

from .conftest import ny

pytestmark = pytest.mark.django_db
TUESDAY_10 = ny(2027, 1, 5, 10)
MEETING_LINK = "https://meet.example.org/mo-mentor"


def parse(ics: bytes) -> tuple[Calendar, list]:
    cal = Calendar.from_ical(ics)
    return cal, cal.events


def only_event(ics: bytes):
    cal, events = parse(ics)
    assert len(events) == 1
    return cal, events[0]


def attendee_emails(event) -> set[str]:
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    return {str(a).removeprefix("mailto:") for a in attendees}


@pytest.fixture
def meeting_link(mentor):
    MentorProfile.objects.filter(user=mentor).update(meeting_link=MEETING_LINK)


@pytest.fixture
def booked(mentorship, mentee, open_all_week, meeting_link, now):
    return services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)


def fresh_invite(session) -> bytes:
    session.refresh_from_db()
    return calendar.invite_for(session)


# Invites


def test_invite_for_a_booked_session_is_a_request(booked, mentee, mentor):
    cal, event = only_event(fresh_invite(booked))

    assert cal["METHOD"] == "REQUEST"
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"]
    assert str(event["UID"]) == f"{booked.uid}@mentora"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == "Mentoring: Mia Mentee with Mo Mentor"
    assert str(event["ORGANIZER"]) == f"mailto:{mentor.email}"
    assert attendee_emails(event) == {mentee.email, mentor.email}
    assert str(event["LOCATION"]) == MEETING_LINK
    assert event["DTSTAMP"]


def test_invite_times_are_utc_and_match_the_session(booked):
    _, event = only_event(fresh_invite(booked))

    assert event["DTSTART"].dt == booked.starts_at
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert event["DTEND"].dt == booked.ends_at
    assert b"DTSTART:20270105T150000Z" in fresh_invite(booked)


def test_invite_links_to_the_session_page(booked, program):
    _, event = only_event(fresh_invite(booked))

    url = settings.SITE_URL + reverse(
        "session_detail", kwargs={"slug": program.slug, "session_id": booked.pk}
    )
    assert url in str(event["DESCRIPTION"])


def test_invite_attendees_carry_names_and_roles(booked, mentee):
    _, event = only_event(fresh_invite(booked))

    by_email = {str(a).removeprefix("mailto:"): a for a in event["ATTENDEE"]}
    assert by_email[mentee.email].params["CN"] == "Mia Mentee"
    assert by_email[mentee.email].params["ROLE"] == "REQ-PARTICIPANT"
    assert by_email[mentee.email].params["PARTSTAT"] == "NEEDS-ACTION"


def test_uid_stays_and_sequence_rises_through_move_and_cancel(booked, mentee, mentor, now):
    _, first = only_event(fresh_invite(booked))

    moved = services.session_reschedule(
        session=booked, starts_at=TUESDAY_10 + timedelta(hours=2), by=mentor, now=now
    )
    _, after_move = only_event(fresh_invite(moved))
    cancelled = services.session_cancel(session=moved, by=mentee, reason="illness", now=now)
    cal, after_cancel = only_event(fresh_invite(cancelled))

    assert first["UID"] == after_move["UID"] == after_cancel["UID"]
    assert [e["SEQUENCE"] for e in (first, after_move, after_cancel)] == [0, 1, 2]
    assert after_move["DTSTART"].dt == TUESDAY_10 + timedelta(hours=2)
    assert cal["METHOD"] == "CANCEL"
    assert after_cancel["STATUS"] == "CANCELLED"
    assert attendee_emails(after_cancel) == {mentee.email, mentor.email}


def test_invite_without_a_meeting_link_has_no_location(mentorship):
    session = f.SessionFactory.create(mentorship=mentorship)

    _, event = only_event(fresh_invite(session))

    assert "LOCATION" not in event


def test_invite_for_a_mentor_without_profile_still_works(program):
    mentorship = f.MentorshipFactory.create(program=program)
    session = f.SessionFactory.create(mentorship=mentorship)

    _, event = only_event(fresh_invite(session))

    assert "LOCATION" not in event


def test_session_invite_refuses_an_unknown_method(mentorship):
    session = f.SessionFactory.create(mentorship=mentorship)

    with pytest.raises(ValueError):
        calendar.session_invite(session, method="PUBLISH")  # type: ignore[arg-type]


# Session .ics download


def ics_url(session) -> str:
    return reverse("session_ics", kwargs={"slug": session.program.slug, "session_id": session.pk})


@pytest.fixture
def session(mentorship, meeting_link):
    return f.SessionFactory.create(mentorship=mentorship)


@pytest.mark.parametrize("who", ["mentee", "mentor", "success_manager", "admin_user"])
def test_session_ics_is_served_to_the_people_involved(client, session, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(ics_url(session))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    _, event = only_event(response.content)
    assert str(event["UID"]) == f"{session.uid}@mentora"


@pytest.mark.parametrize("who", ["outsider", "other_mentee"])
def test_session_ics_is_404_for_everyone_else(client, session, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(ics_url(session)).status_code == 404


def test_session_ics_is_404_for_a_mentor_of_another_mentee(client, session, program):
    other_mentor = f.UserFactory.create()
    f.MembershipFactory.create(user=other_mentor, program=program, role=Role.MENTOR)
    client.force_login(other_mentor)

    assert client.get(ics_url(session)).status_code == 404


def test_session_ics_is_404_for_another_success_manager(client, session, program):
    other_manager = f.UserFactory.create()
    f.MembershipFactory.create(user=other_manager, program=program, role=Role.SUCCESS_MANAGER)
    client.force_login(other_manager)

    assert client.get(ics_url(session)).status_code == 404


def test_session_ics_is_404_under_another_programs_slug(client, session, mentee):
    f.ProgramFactory.create(slug="elsewhere-two")
    client.force_login(mentee)
    url = reverse("session_ics", kwargs={"slug": "elsewhere-two", "session_id": session.pk})

    assert client.get(url).status_code == 404


def test_session_ics_is_404_for_an_unknown_session(client, session, mentee):
    client.force_login(mentee)
    url = reverse("session_ics", kwargs={"slug": session.program.slug, "session_id": 999999})

    assert client.get(url).status_code == 404


def test_session_ics_needs_login(client, session):
    response = client.get(ics_url(session))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_session_ics_of_a_cancelled_session_is_a_cancel(client, session, mentee):
    services.session_cancel(session=session, by=mentee, reason="illness")
    client.force_login(mentee)

    cal, event = only_event(client.get(ics_url(session)).content)

    assert cal["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"


# Feed


def feed_url(token: str) -> str:
    return reverse("calendar_feed", kwargs={"token": token})


def test_feed_with_the_right_token_lists_the_persons_sessions(client, mentorship, mentee):
    now = timezone.now()
    upcoming = f.SessionFactory.create(mentorship=mentorship, starts_at=now + timedelta(days=2))
    recent = f.SessionFactory.create(mentorship=mentorship, starts_at=now - timedelta(days=10))
    cancelled = f.SessionFactory.create(mentorship=mentorship, starts_at=now + timedelta(days=3))
    services.session_cancel(session=cancelled, by=mentee, reason="illness")
    f.SessionFactory.create(mentorship=mentorship, starts_at=now - timedelta(days=40))
    f.SessionFactory.create(mentorship=mentorship, starts_at=now + timedelta(weeks=9))
    feed = f.CalendarFeedFactory.create(user=mentee)

    response = client.get(feed_url(feed.token))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal, events = parse(response.content)
    assert cal.get("METHOD") in (None, "PUBLISH")
    assert str(cal["X-WR-CALNAME"]) == "Mentora"
    status_by_uid = {str(e["UID"]): str(e["STATUS"]) for e in events}
    assert status_by_uid == {
        f"{upcoming.uid}@mentora": "CONFIRMED",
        f"{recent.uid}@mentora": "CONFIRMED",
        f"{cancelled.uid}@mentora": "CANCELLED",
    }


def test_feed_spans_all_of_the_persons_programs(client, mentor, mentorship):
    elsewhere = f.MentorshipFactory.create(
        program=f.ProgramFactory.create(slug="second"), mentor=mentor
    )
    here = f.SessionFactory.create(mentorship=mentorship)
    # Same mentor in both programs: the sessions must not overlap (PostgreSQL refuses it).
    there = f.SessionFactory.create(
        mentorship=elsewhere, starts_at=here.starts_at + timedelta(hours=2)
    )
    f.SessionFactory.create()  # somebody else's
    feed = f.CalendarFeedFactory.create(user=mentor)

    _, events = parse(client.get(feed_url(feed.token)).content)

    assert {str(e["UID"]) for e in events} == {f"{here.uid}@mentora", f"{there.uid}@mentora"}


def test_feed_follows_each_programs_booking_window(client, mentorship, mentee, program):
    program.booking_window_weeks = 2
    program.save()
    f.SessionFactory.create(mentorship=mentorship, starts_at=timezone.now() + timedelta(weeks=3))
    feed = f.CalendarFeedFactory.create(user=mentee)

    _, events = parse(client.get(feed_url(feed.token)).content)

    assert events == []


def test_feed_refuses_a_wrong_token(client, mentee):
    f.CalendarFeedFactory.create(user=mentee)

    assert client.get(feed_url("not-the-token")).status_code == 404


def test_feed_refuses_the_old_token_after_a_reset(client, mentee):
    old = f.CalendarFeedFactory.create(user=mentee).token

    new = feed_services.calendar_feed_reset(user=mentee).token

    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_feed_refuses_a_deactivated_person(client, mentee):
    feed = f.CalendarFeedFactory.create(user=mentee)
    mentee.is_active = False
    mentee.save()

    assert client.get(feed_url(feed.token)).status_code == 404


def test_feed_needs_no_login(client, mentee):
    feed = f.CalendarFeedFactory.create(user=mentee)

    assert client.get(feed_url(feed.token)).status_code == 200


def test_feed_query_count_does_not_grow_with_sessions(client, mentorship, mentee, program):
    feed = f.CalendarFeedFactory.create(user=mentee)
    url = feed_url(feed.token)
    # A second mentor, in another program, so related rows differ between sessions.
    other = f.MentorshipFactory.create(
        program=f.ProgramFactory.create(slug="third"),
        mentor=f.MentorProfileFactory.create().user,
        mentee=mentee,
    )

    def add(n: int, start: int) -> None:
        for i in range(n):
            pair = mentorship if i % 2 else other
            f.SessionFactory.create(
                mentorship=pair, starts_at=timezone.now() + timedelta(days=start + i)
            )

    add(1, 1)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    add(4, 10)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)

    assert len(parse(response.content)[1]) == 5
    assert len(one.captured_queries) == len(five.captured_queries)


# Feed settings


def test_feed_settings_needs_login(client):
    response = client.get(reverse("calendar_feed_settings"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_feed_settings_creates_the_feed_and_shows_its_address(client, mentee):
    client.force_login(mentee)

    response = client.get(reverse("calendar_feed_settings"))

    feed = CalendarFeed.objects.get(user=mentee)
    assert response.status_code == 200
    assert settings.SITE_URL + feed_url(feed.token) in response.content.decode()
    assert "Google" in response.content.decode()


def test_feed_settings_shows_the_same_address_twice(client, mentee):
    client.force_login(mentee)

    client.get(reverse("calendar_feed_settings"))
    client.get(reverse("calendar_feed_settings"))

    assert CalendarFeed.objects.filter(user=mentee).count() == 1


def test_feed_settings_reset_changes_the_token(client, mentee):
    old = f.CalendarFeedFactory.create(user=mentee).token
    client.force_login(mentee)

    response = client.post(reverse("calendar_feed_settings"), follow=True)

    new = CalendarFeed.objects.get(user=mentee).token
    assert new != old
    assert response.redirect_chain[-1][0] == reverse("calendar_feed_settings")
    page = response.content.decode()
    assert "old address stops working" in page
    assert new in page and old not in page
    assert client.get(feed_url(old)).status_code == 404


def test_feed_settings_reset_needs_login(client, mentee):
    old = f.CalendarFeedFactory.create(user=mentee).token

    response = client.post(reverse("calendar_feed_settings"))

    assert response.status_code == 302
    assert CalendarFeed.objects.get(user=mentee).token == old


def test_feed_shows_times_in_utc(client, mentorship, mentee):
    session = f.SessionFactory.create(mentorship=mentorship)
    feed = f.CalendarFeedFactory.create(user=mentee)

    _, events = parse(client.get(feed_url(feed.token)).content)

    assert events[0]["DTSTART"].dt == session.starts_at.astimezone(UTC).replace(microsecond=0)
    assert events[0]["DTSTART"].dt.utcoffset() == timedelta(0)


def test_feed_has_cancelled_sessions_marked(client, mentorship, mentee):
    session = f.SessionFactory.create(mentorship=mentorship, status=SessionStatus.SCHEDULED)
    services.session_cancel(session=session, by=mentee, reason="illness")
    feed = f.CalendarFeedFactory.create(user=mentee)

    _, events = parse(client.get(feed_url(feed.token)).content)

    assert [str(e["STATUS"]) for e in events] == ["CANCELLED"]
