"""Meeting rooms: which link a session is held at, and where that link shows.

The session's own link (its mentor's), else a room of its own on the program's
video service, else the mentor's default link, else a room on the site's video
service (MENTORA_VIDEO_ROOMS_URL). A move keeps the room; a cancelled session's
room is never given to another.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from icalendar import Calendar

from mentora.accounts.models import MentorProfile
from mentora.env import env_web_address
from mentora.notifications import about_sessions
from mentora.programs.models import Program
from mentora.scheduling.booking import services as booking
from mentora.scheduling.errors import SchedulingCode, SchedulingError
from mentora.scheduling.ical import invites
from mentora.scheduling.models import Session, SessionStatus
from mentora.scheduling.rooms import links
from mentora.scheduling.rooms import services as rooms
from mentora.tests import factories as f

from .conftest import ny

pytestmark = pytest.mark.django_db

ROOMS = "https://meet.jit.si/"
SITE_ROOMS = "https://video.example.net/rooms"
MENTOR_LINK = "https://meet.example.org/mo-mentor"
OWN_LINK = "https://zoom.example.com/j/123456"
TUESDAY_10 = ny(2027, 1, 5, 10)  # NOW is Monday 4 January 2027, noon UTC


@pytest.fixture
def with_rooms(program):
    Program.objects.filter(pk=program.pk).update(meeting_room_base_url=ROOMS)
    program.meeting_room_base_url = ROOMS
    return program


@pytest.fixture
def mentor_link(mentor):
    MentorProfile.objects.filter(user=mentor).update(meeting_link=MENTOR_LINK)
    mentor.mentor_profile.refresh_from_db()


@pytest.fixture
def booked(mentorship, mentee, open_all_week, now):
    return booking.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)


def fresh(session: Session) -> Session:
    return Session.objects.select_related(*invites.SESSION_RELATED).get(pk=session.pk)


def invite_event(session: Session):
    events = Calendar.from_ical(invites.invite_for(fresh(session))).events
    assert len(events) == 1
    return events[0]


# --- which link ------------------------------------------------------------------


def test_a_session_with_nothing_set_has_no_link(mentorship):
    assert links.meeting_link(f.SessionFactory(mentorship=mentorship)) == ""


def test_the_mentors_link_when_the_program_has_no_video_service(mentorship, mentor_link):
    assert links.meeting_link(fresh(f.SessionFactory(mentorship=mentorship))) == MENTOR_LINK


def test_the_programs_room_comes_before_the_mentors_link(mentorship, with_rooms, mentor_link):
    session = fresh(f.SessionFactory(mentorship=mentorship))

    link = links.meeting_link(session)

    assert link == ROOMS + session.room_name
    assert session.room_name.startswith("mentora-")
    assert MENTOR_LINK not in link


def test_the_sessions_own_link_comes_first(mentorship, with_rooms, mentor_link):
    session = fresh(f.SessionFactory(mentorship=mentorship, meeting_url=OWN_LINK))

    assert links.meeting_link(session) == OWN_LINK


def test_the_sites_rooms_fill_in_only_for_a_mentor_without_a_link(
    settings, mentorship, mentor, program
):
    settings.MENTORA_VIDEO_ROOMS_URL = SITE_ROOMS
    session = fresh(f.SessionFactory(mentorship=mentorship))

    assert links.meeting_link(session) == f"{SITE_ROOMS}/{session.room_name}"

    MentorProfile.objects.filter(user=mentor).update(meeting_link=MENTOR_LINK)
    assert links.meeting_link(fresh(session)) == MENTOR_LINK
    # ...and the program's own service still comes before the mentor's link.
    Program.objects.filter(pk=program.pk).update(meeting_room_base_url=ROOMS)
    assert links.meeting_link(fresh(session)) == ROOMS + session.room_name


def test_a_room_address_has_one_slash_whatever_the_base():
    assert links.room_url("https://meet.jit.si", "mentora-x") == "https://meet.jit.si/mentora-x"
    assert links.room_url("https://meet.jit.si/", "mentora-x") == "https://meet.jit.si/mentora-x"


def test_room_names_are_long_random_and_url_safe():
    names = {links.new_room_name() for _ in range(200)}

    assert len(names) == 200
    for name in names:
        assert name.startswith("mentora-")
        assert len(name) == len("mentora-") + 22  # 16 random bytes
        assert all(c.isascii() and (c.isalnum() or c in "-_") for c in name)


# --- when a room is drawn -----------------------------------------------------------


def test_booking_draws_the_sessions_room(booked):
    assert fresh(booked).room_name.startswith("mentora-")


def test_an_older_session_gets_its_room_the_first_time_a_link_is_needed(mentorship, with_rooms):
    session = fresh(f.SessionFactory(mentorship=mentorship))
    assert session.room_name == ""

    first = links.meeting_link(session)
    again = links.meeting_link(fresh(session))

    assert first == again
    assert fresh(session).room_name == first.removeprefix(ROOMS)


def test_of_two_requests_drawing_at_once_both_get_the_name_written_first(mentorship, with_rooms):
    mine = fresh(f.SessionFactory(mentorship=mentorship))
    # Another request drew and wrote its name after this one read the row.
    Session.objects.filter(pk=mine.pk).update(room_name="mentora-drawn-by-the-other")

    assert links.meeting_link(mine) == ROOMS + "mentora-drawn-by-the-other"
    assert fresh(mine).room_name == "mentora-drawn-by-the-other"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_requests_drawing_one_sessions_room_at_once_agree_on_it(mentorship, with_rooms):
    """Real concurrent requests (threads, each with its own connection): every one
    read the session without a room, then all draw at once; one name wins."""
    session_id = f.SessionFactory(mentorship=mentorship).pk
    start = threading.Barrier(8)
    got: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            session = Session.objects.select_related(*invites.SESSION_RELATED).get(pk=session_id)
            assert session.room_name == ""
            start.wait(20)
            got.append(links.meeting_link(session))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(got) == 8
    assert set(got) == {ROOMS + Session.objects.get(pk=session_id).room_name}


def test_a_cancelled_session_never_gets_a_room(mentorship, with_rooms):
    made = f.SessionFactory(mentorship=mentorship)
    booking.session_cancel(session=made, by=None, reason="mentorship_ended")
    session = fresh(made)
    assert session.status == SessionStatus.CANCELLED

    links.meeting_link(session)

    assert fresh(session).room_name == ""


# --- moving and cancelling -------------------------------------------------------------


def test_moving_a_session_keeps_its_room(booked, mentee, now, with_rooms):
    before = links.meeting_link(fresh(booked))

    moved = booking.session_reschedule(
        session=fresh(booked), starts_at=TUESDAY_10 + timedelta(days=1), by=mentee, now=now
    )

    assert moved.pk == booked.pk
    assert links.meeting_link(fresh(moved)) == before


def test_a_late_move_keeps_the_room_and_its_record_names_the_same_one(booked, mentee, with_rooms):
    Session.objects.filter(pk=booked.pk).update(meeting_url=OWN_LINK)
    room = fresh(booked).room_name
    late = TUESDAY_10 - timedelta(hours=2)  # inside the 24 hours' notice

    booking.session_reschedule(
        session=fresh(booked), starts_at=TUESDAY_10 + timedelta(days=1), by=mentee, now=late
    )

    kept = fresh(booked)
    record = Session.objects.get(moved_to=kept)
    assert (kept.room_name, kept.meeting_url) == (room, OWN_LINK)
    assert (record.room_name, record.meeting_url) == (room, OWN_LINK)
    assert record.status == SessionStatus.CANCELLED


def test_cancel_and_book_again_gets_a_new_room(booked, mentee, now, with_rooms):
    old_link = links.meeting_link(fresh(booked))
    booking.session_cancel(session=fresh(booked), by=mentee, reason="illness", now=now)

    again = booking.session_book(
        mentorship=booked.mentorship, starts_at=TUESDAY_10, by=mentee, now=now
    )

    assert links.meeting_link(fresh(again)) != old_link
    assert fresh(again).room_name != fresh(booked).room_name


def test_no_two_sessions_share_a_room_unless_one_moved_to_the_other(
    booked, mentorship, mentee, now, with_rooms
):
    # Book, move late, cancel, book again, draw rooms for older sessions.
    booking.session_reschedule(
        session=fresh(booked),
        starts_at=TUESDAY_10 + timedelta(days=1),
        by=mentee,
        now=TUESDAY_10 - timedelta(hours=1),
    )
    second = booking.session_book(
        mentorship=mentorship, starts_at=TUESDAY_10 + timedelta(days=2), by=mentee, now=now
    )
    booking.session_cancel(session=second, by=mentee, reason="illness", now=now)
    booking.session_book(
        mentorship=mentorship, starts_at=TUESDAY_10 + timedelta(days=2), by=mentee, now=now
    )
    for older in f.SessionFactory.create_batch(3, mentorship=mentorship):
        links.meeting_link(fresh(older))

    rows = list(Session.objects.values("pk", "room_name", "moved_to_id"))
    assert len(rows) == 7
    for a in rows:
        for b in rows:
            if a["pk"] < b["pk"] and a["room_name"] == b["room_name"]:
                assert b["moved_to_id"] == a["pk"] or a["moved_to_id"] == b["pk"], (a, b)
    assert sum(1 for r in rows if r["moved_to_id"]) == 1


# --- where the link shows --------------------------------------------------------------


def test_the_invite_is_held_at_the_sessions_room(booked, with_rooms, mentor_link):
    event = invite_event(booked)
    room = ROOMS + fresh(booked).room_name

    assert str(event["LOCATION"]) == room
    assert f"Join: {room}" in str(event["DESCRIPTION"])


def test_the_invite_is_held_at_the_sessions_own_link_once_set(
    booked, mentor, with_rooms, mentor_link
):
    rooms.session_meeting_url_set(
        session=fresh(booked), by=mentor, url=OWN_LINK, now=booked.created_at
    )

    event = invite_event(booked)

    assert str(event["LOCATION"]) == OWN_LINK
    assert event["SEQUENCE"] == 1


def test_the_feed_shows_each_sessions_own_room(mentorship, mentor, with_rooms):
    one = f.SessionFactory(mentorship=mentorship)
    two = f.SessionFactory(mentorship=mentorship)
    sessions = Session.objects.select_related(*invites.SESSION_RELATED).order_by("pk")

    feed = Calendar.from_ical(invites.feed_calendar(mentor, sessions))

    locations = [str(e["LOCATION"]) for e in feed.events]
    assert locations == [ROOMS + fresh(one).room_name, ROOMS + fresh(two).room_name]
    assert locations[0] != locations[1]


def test_the_reminder_carries_the_sessions_link(booked, with_rooms, now):
    room = ROOMS + fresh(booked).room_name

    messages = about_sessions.reminder(
        booked.pk, now=now, which="first", starts_at=TUESDAY_10.isoformat()
    )

    assert len(messages) == 2  # mentee and mentor
    for message in messages:
        assert f"Meeting link: {room}" in message.body


def test_the_booking_notice_carries_the_link_and_the_invite(booked, mentee, with_rooms, now):
    room = ROOMS + fresh(booked).room_name

    (message,) = about_sessions.booked(booked.pk, now=now, sequence=0, by_id=mentee.pk)

    assert f"Meeting link: {room}" in message.body
    ics = Calendar.from_ical(message.attachments[0].content)
    assert str(ics.events[0]["LOCATION"]) == room


def test_the_mentee_hears_when_the_mentor_sets_a_link(booked, mentor, mentee, now):
    rooms.session_meeting_url_set(session=fresh(booked), by=mentor, url=OWN_LINK, now=now)

    (message,) = about_sessions.link_changed(booked.pk, now=now, sequence=1, by_id=mentor.pk)

    assert message.recipient == mentee
    assert OWN_LINK in message.body
    assert str(Calendar.from_ical(message.attachments[0].content).events[0]["LOCATION"]) == (
        OWN_LINK
    )
    # A later change has its own notice: this one would send nothing.
    rooms.session_meeting_url_set(session=fresh(booked), by=mentor, url="", now=now)
    assert about_sessions.link_changed(booked.pk, now=now, sequence=1, by_id=mentor.pk) == []


@pytest.mark.usefixtures("frozen_clock")
def test_the_confirmation_step_says_which_link_the_session_will_have(
    client, program, mentorship, mentee, mentor_link, open_all_week
):
    client.force_login(mentee)
    book = reverse("session_book", args=[program.slug, mentorship.pk])
    picked = {"starts_at": TUESDAY_10.isoformat()}

    assert MENTOR_LINK in client.post(book, picked).text
    Program.objects.filter(pk=program.pk).update(meeting_room_base_url=ROOMS)
    step = client.post(book, picked).text
    assert MENTOR_LINK not in step
    assert "A video room of its own" in step


@pytest.mark.usefixtures("frozen_clock")
def test_the_confirmation_of_a_move_shows_the_room_the_session_keeps(
    client, program, booked, mentee, with_rooms
):
    client.force_login(mentee)
    move = reverse("session_reschedule", args=[program.slug, booked.pk])

    step = client.post(move, {"starts_at": (TUESDAY_10 + timedelta(days=1)).isoformat()}).text

    assert ROOMS + fresh(booked).room_name in step


def test_the_mentee_home_offers_the_mentors_link_only_without_video_rooms(
    client, program, mentorship, mentee, mentor_link
):
    client.force_login(mentee)
    home = reverse("program_home", args=[program.slug])

    assert MENTOR_LINK in client.get(home).content.decode()
    Program.objects.filter(pk=program.pk).update(meeting_room_base_url=ROOMS)
    assert MENTOR_LINK not in client.get(home).content.decode()


# --- the session page: Join ---------------------------------------------------------------

START = datetime(2027, 3, 2, 17, 0, tzinfo=UTC)


@pytest.fixture
def roomed(mentorship, with_rooms):
    session = f.SessionFactory(mentorship=mentorship, starts_at=START, room_name="mentora-abc")
    return session, ROOMS + "mentora-abc"


def page(client, person, session, at):
    with time_machine.travel(at, tick=False):
        client.force_login(person)
        response = client.get(reverse("session_detail", args=[session.program.slug, session.pk]))
    assert response.status_code == 200
    return response.content.decode()


def join(link):
    return f'<a class="button" href="{link}" rel="noopener noreferrer">Join</a>'


def test_join_opens_exactly_ten_minutes_before_and_closes_at_the_end(client, mentee, roomed):
    session, link = roomed
    opens = START - timedelta(minutes=10)

    just_before = page(client, mentee, session, opens - timedelta(seconds=1))
    at_open = page(client, mentee, session, opens)
    last_second = page(client, mentee, session, session.ends_at - timedelta(seconds=1))
    at_end = page(client, mentee, session, session.ends_at)

    assert join(link) not in just_before
    assert f'<a href="{link}" rel="noopener noreferrer">{link}</a>' in just_before
    assert join(link) in at_open
    assert join(link) in last_second
    assert join(link) not in at_end


def test_staff_who_may_read_the_session_see_its_room(client, success_manager, roomed):
    session, link = roomed

    assert link in page(client, success_manager, session, START - timedelta(days=1))


# --- the mentor sets the session's own link ---------------------------------------------------


def set_link(client, person, session, url, at=START - timedelta(days=1)):
    with time_machine.travel(at, tick=False):
        client.force_login(person)
        return client.post(
            reverse("session_meeting_link", args=[session.program.slug, session.pk]),
            {"meeting_url": url},
        )


def test_the_mentor_sets_and_clears_the_sessions_own_link(client, mentor, mentee, roomed):
    session, room = roomed

    response = set_link(client, mentor, session, OWN_LINK)

    assert response.status_code == 302
    assert fresh(session).meeting_url == OWN_LINK
    assert fresh(session).sequence == 1
    assert OWN_LINK in page(client, mentee, session, START - timedelta(days=1))

    set_link(client, mentor, session, "")
    assert fresh(session).meeting_url == ""
    assert room in page(client, mentee, session, START - timedelta(days=1))
    assert fresh(session).room_name == "mentora-abc"  # clearing the link kept the room


def test_only_the_mentor_sees_the_form(client, mentor, mentee, roomed):
    session, _ = roomed
    at = START - timedelta(days=1)

    assert 'name="meeting_url"' in page(client, mentor, session, at)
    assert 'name="meeting_url"' not in page(client, mentee, session, at)


@pytest.mark.parametrize(
    "url",
    [
        "http://meet.example.org/room",
        "javascript:alert(1)",
        "ftp://files.example.org/x",
        "meet.example.org/room",
        "https://",
        "https://" + "a" * 500 + ".org",
    ],
)
def test_a_link_that_isnt_https_is_refused_with_a_message(client, mentor, roomed, url):
    session, _ = roomed

    response = set_link(client, mentor, session, url)

    assert response.status_code == 400
    assert "https://" in response.content.decode()
    assert 'class="error"' in response.content.decode()
    assert (fresh(session).meeting_url, fresh(session).sequence) == ("", 0)


@pytest.mark.parametrize(
    "who", ["outsider", "mentee", "success_manager", "other_mentee", "admin_user"]
)
def test_nobody_but_the_sessions_mentor_can_reach_the_form(client, request, roomed, who):
    session, _ = roomed

    response = set_link(client, request.getfixturevalue(who), session, OWN_LINK)

    assert response.status_code == 404
    assert fresh(session).meeting_url == ""


def test_the_service_refuses_anyone_but_the_mentor(mentee, roomed):
    session, _ = roomed

    with pytest.raises(SchedulingError) as refused:
        rooms.session_meeting_url_set(session=session, by=mentee, url=OWN_LINK, now=START)

    assert refused.value.code == SchedulingCode.NOT_MENTOR
    assert fresh(session).meeting_url == ""


def test_a_session_that_is_over_keeps_its_link(mentor, roomed):
    session, _ = roomed

    with pytest.raises(SchedulingError) as refused:
        rooms.session_meeting_url_set(session=session, by=mentor, url=OWN_LINK, now=session.ends_at)

    assert refused.value.code == SchedulingCode.NOT_CHANGEABLE
    assert fresh(session).meeting_url == ""


def test_posting_the_link_it_has_says_so(client, mentor, roomed):
    session, _ = roomed

    response = set_link(client, mentor, session, "")

    assert response.status_code == 302
    assert fresh(session).sequence == 0
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Nothing to change: that is the link it has."
    ]


def test_the_same_link_again_changes_nothing(mentor, roomed):
    session, _ = roomed
    at = START - timedelta(days=1)
    rooms.session_meeting_url_set(session=session, by=mentor, url=OWN_LINK, now=at)

    rooms.session_meeting_url_set(session=fresh(session), by=mentor, url=OWN_LINK, now=at)

    assert fresh(session).sequence == 1


# --- the site-wide setting ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("", ""),
        ("https://meet.jit.si/", "https://meet.jit.si/"),
        ("  https://meet.jit.si  ", "https://meet.jit.si"),
        ("http://localhost:8443/", "http://localhost:8443/"),
    ],
)
def test_the_video_rooms_setting_takes_https(monkeypatch, value, expected):
    monkeypatch.setenv("MENTORA_VIDEO_ROOMS_URL", value)

    assert env_web_address("MENTORA_VIDEO_ROOMS_URL") == expected


@pytest.mark.parametrize("value", ["http://meet.example.org/", "meet.jit.si", "ftp://x.org"])
def test_the_video_rooms_setting_refuses_anything_else(monkeypatch, value):
    monkeypatch.setenv("MENTORA_VIDEO_ROOMS_URL", value)

    with pytest.raises(ValueError, match="MENTORA_VIDEO_ROOMS_URL must be an https"):
        env_web_address("MENTORA_VIDEO_ROOMS_URL")
