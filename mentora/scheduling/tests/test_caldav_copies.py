"""Sessions written into people's own CalDAV calendars (a real Radicale server):
booked, moved and cancelled through the booking services, written by the
worker's task after the booking commits."""

from __future__ import annotations

import socket

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from mentora.notifications.tests.conftest import run_worker
from mentora.scheduling.booking import services
from mentora.scheduling.calendars.copies import CopiesNotWritten, session_copies_sync
from mentora.scheduling.calendars.services import calendar_connect
from mentora.scheduling.models import (
    CalendarConnection,
    CalendarEventCopy,
    CalendarKind,
    CancelReason,
)
from mentora.scheduling.rooms.services import session_meeting_url_set
from mentora.sealed import seal

from .conftest import ny
from .radicale_server import USERS

pytestmark = pytest.mark.django_db(transaction=True)
TUESDAY_10 = ny(2027, 1, 5, 10)  # Tue 5 Jan 10:00 New York = 15:00 UTC
WEDNESDAY_11 = ny(2027, 1, 6, 11)
TASK = "mentora.scheduling.calendars.tasks.session_copies_write"


@pytest.fixture(autouse=True)
def local_allowed(settings):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = True


def connect(owner, server_url, username, calendar_url, *, now, password=None):
    """A CalDAV connection that writes sessions into `calendar_url`, read just now."""
    return CalendarConnection.objects.create(
        owner=owner,
        kind=CalendarKind.CALDAV,
        sealed_url=seal(server_url),
        url_host="127.0.0.1",
        sealed_username=seal(username),
        sealed_password=seal(password or USERS[username]),
        sealed_write_calendar_url=seal(calendar_url),
        last_success_at=now,
    )


@pytest.fixture
def mentors_calendar(radicale, mentor, now):
    username, _password = radicale.new_user()
    calendar = radicale.make_calendar(username, "Work")
    connect(mentor, radicale.url, username, str(calendar.url), now=now)
    return calendar


def events_in(calendar):
    """(UID, SEQUENCE, DTSTART) of every event stored in the calendar."""
    found = []
    for item in calendar.get_events():
        for event in Calendar.from_ical(item.data).walk("VEVENT"):
            found.append((str(event["UID"]), int(event["SEQUENCE"]), event.decoded("DTSTART")))
    return found


def copy_tasks():
    return DBTaskResult.objects.filter(task_path=TASK)


def test_a_booked_session_is_written_moved_and_deleted_in_the_mentors_calendar(
    mentorship, mentee, mentor, open_all_week, now, mentors_calendar
):
    session = services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)
    assert events_in(mentors_calendar) == []  # nothing before the worker runs
    run_worker()

    uid, booked_sequence = f"{session.uid}@mentora", session.sequence
    assert events_in(mentors_calendar) == [(uid, booked_sequence, TUESDAY_10)]
    copy = CalendarEventCopy.objects.get(session=session)
    assert copy.written_sequence == session.sequence
    assert copy.href.endswith(f"mentora-{session.uid}.ics")
    assert copy.etag

    moved = services.session_reschedule(session=session, starts_at=WEDNESDAY_11, by=mentee, now=now)
    run_worker()

    assert moved.sequence > booked_sequence
    assert events_in(mentors_calendar) == [(uid, moved.sequence, WEDNESDAY_11)]
    copy.refresh_from_db()
    assert copy.written_sequence == moved.sequence

    services.session_cancel(
        session=moved, by=mentee, reason=CancelReason.SCHEDULE_CONFLICT, now=now
    )
    run_worker()

    assert events_in(mentors_calendar) == []
    assert not CalendarEventCopy.objects.filter(session=session).exists()
    assert copy_tasks().filter(status=TaskResultStatus.SUCCESSFUL).count() == 3


def test_a_new_meeting_link_updates_the_copy(
    mentorship, mentee, mentor, open_all_week, now, mentors_calendar
):
    session = services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)
    run_worker()

    session_meeting_url_set(session=session, by=mentor, url="https://meet.example.org/mo", now=now)
    run_worker()

    (item,) = mentors_calendar.get_events()
    event = Calendar.from_ical(item.data).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "https://meet.example.org/mo"
    assert int(event["SEQUENCE"]) == session.sequence


def test_the_mentees_calendar_gets_the_session_too_when_they_connected_one(
    radicale, mentorship, mentee, open_all_week, now, mentors_calendar
):
    username, _password = radicale.new_user()
    mentees_calendar = radicale.make_calendar(username, "Personal")
    connect(mentee, radicale.url, username, str(mentees_calendar.url), now=now)

    session = services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)
    run_worker()

    assert [uid for uid, _seq, _start in events_in(mentees_calendar)] == [f"{session.uid}@mentora"]
    assert len(events_in(mentors_calendar)) == 1
    assert CalendarEventCopy.objects.filter(session=session).count() == 2


def test_running_the_task_again_writes_nothing_twice(
    mentorship, mentee, open_all_week, now, mentors_calendar
):
    session = services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)
    run_worker()
    etag = CalendarEventCopy.objects.get(session=session).etag

    again = session_copies_sync(session.pk, now=now)

    assert (again.written, again.deleted) == (0, 0)
    assert len(events_in(mentors_calendar)) == 1
    assert CalendarEventCopy.objects.get(session=session).etag == etag


def test_a_copy_lost_between_write_and_record_is_overwritten_not_doubled(
    mentorship, mentee, open_all_week, now, mentors_calendar
):
    """The worker died after the server stored the event but before the copy was
    recorded: the retry writes the same href again."""
    session = services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)
    run_worker()
    CalendarEventCopy.objects.filter(session=session).delete()

    again = session_copies_sync(session.pk, now=now)

    assert again.written == 1
    assert len(events_in(mentors_calendar)) == 1


def test_a_calendar_connected_later_gets_the_sessions_still_to_come(
    radicale, mentorship, mentee, mentor, open_all_week, now
):
    upcoming = services.session_book(
        mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now
    )
    cancelled = services.session_book(
        mentorship=mentorship, starts_at=WEDNESDAY_11, by=mentee, now=now
    )
    services.session_cancel(
        session=cancelled, by=mentee, reason=CancelReason.SCHEDULE_CONFLICT, now=now
    )
    username, password = radicale.new_user()
    calendar = radicale.make_calendar(username, "Work")

    # Through the connect service, as the page does: it queues the backfill.
    calendar_connect(
        mentor,
        kind=CalendarKind.CALDAV,
        url=radicale.url,
        label="Work",
        username=username,
        password=password,
        write_calendar_url=str(calendar.url),
        now=now,
    )
    run_worker()

    assert [uid for uid, _seq, _start in events_in(calendar)] == [f"{upcoming.uid}@mentora"]


def test_nothing_is_queued_when_neither_party_writes_sessions_into_a_calendar(
    mentorship, mentee, open_all_week, now
):
    services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)

    assert not copy_tasks().exists()


def test_a_calendar_server_that_fails_never_breaks_the_booking(
    mentorship, mentee, mentor, open_all_week, now
):
    with socket.socket() as probe:  # a server that is gone
        probe.bind(("127.0.0.1", 0))
        gone = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    connect(mentor, gone, "ada", gone + "ada/work/", now=now)

    session = services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)
    run_worker()

    session.refresh_from_db()
    assert session.status == "scheduled"
    assert not CalendarEventCopy.objects.exists()
    task = copy_tasks().get()
    # The failed write goes back in the queue for a later try (mentora.worker.retry).
    assert task.status == TaskResultStatus.READY
    assert task.run_after is not None
    with pytest.raises(CopiesNotWritten):
        session_copies_sync(session.pk, now=now)


def test_refused_credentials_leave_the_copy_to_the_refresh(
    radicale, mentorship, mentee, mentor, open_all_week, now
):
    username, _password = radicale.new_user()
    calendar = radicale.make_calendar(username, "Work")
    connect(mentor, radicale.url, username, str(calendar.url), now=now, password="revoked")

    session = services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)
    result = session_copies_sync(session.pk, now=now)

    assert (result.written, result.failed) == (0, [])
    assert events_in(calendar) == []
