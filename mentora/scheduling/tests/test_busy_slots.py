"""Busy times from connected calendars in the booking engine (issue #17).

A mentor's calendar blocks slots like a session (program buffers around it);
a calendar not read for longer than the program allows leaves the mentor with
no times at all (fail closed); a booking re-reads both under its lock; a
mentee's own calendar marks the times that clash without hiding them.
"""

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection as db_connection
from django.db import transaction
from django.urls import reverse

from mentora.matching.lifecycle.rhythm import regular_time_propose
from mentora.scheduling import policies, queries, slots
from mentora.scheduling.availability.openings import mentors_with_opening
from mentora.scheduling.booking import services
from mentora.scheduling.cadence.proposal import (
    ProposedTime,
    Rules,
    WeeklyRange,
    propose_weekly_time,
)
from mentora.scheduling.calendars.expand import busy_intervals as expand_busy
from mentora.scheduling.errors import SchedulingError
from mentora.scheduling.locking import lock_people
from mentora.scheduling.models import (
    BusyInterval,
    CalendarConnection,
    CalendarKind,
    Session,
    WeeklyHours,
)
from mentora.tests import factories as f

from .conftest import ny

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")

# Busy 17:00-18:00 New York every Tuesday from 20 October 2026, except 27 October.
# US clocks go back on Sunday 1 November 2026: the hour is 21:00-22:00 UTC before
# and 22:00-23:00 UTC after.
WEEKLY_MEETING = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example Corp//Calendar//EN
BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:team-sync-1@example.com
DTSTAMP:20261001T120000Z
DTSTART;TZID=America/New_York:20261020T170000
DTEND;TZID=America/New_York:20261020T180000
RRULE:FREQ=WEEKLY;BYDAY=TU
EXDATE;TZID=America/New_York:20261027T170000
SUMMARY:Team sync
END:VEVENT
END:VCALENDAR
"""

OCTOBER_NOW = datetime(2026, 10, 19, 12, 0, tzinfo=UTC)  # Monday 08:00 New York


def connect(owner, *, last_success_at, **fields):
    return CalendarConnection.objects.create(
        owner=owner,
        kind=CalendarKind.ICAL,
        sealed_url="sealed",
        url_host="calendar.example.com",
        last_success_at=last_success_at,
        **fields,
    )


def busy(connection, start, end):
    return BusyInterval.objects.create(connection=connection, starts_at=start, ends_at=end)


def new_york_times(starts, day):
    """The open start times on a New York date, as 'HH:MM' between 16:00 and 18:15."""
    return [
        f"{s.astimezone(NEW_YORK):%H:%M}"
        for s in starts
        if s.astimezone(NEW_YORK).date() == day
        and time(16) <= s.astimezone(NEW_YORK).time() <= time(18, 15)
    ]


@pytest.fixture
def tuesday_hours(mentor):
    """Mentor (America/New_York) available 09:00-21:00 on Tuesdays."""
    f.WeeklyHoursFactory(mentor=mentor, weekday=1, start_time=time(9), end_time=time(21))


@pytest.fixture
def weekly_meeting(mentor):
    connection = connect(mentor, last_success_at=OCTOBER_NOW - timedelta(minutes=5))
    intervals = expand_busy(
        WEEKLY_MEETING,
        default_zone=NEW_YORK,
        window_start=OCTOBER_NOW,
        window_end=OCTOBER_NOW + timedelta(weeks=8),
    )
    for start, end in intervals:
        busy(connection, start, end)
    return connection


def test_the_weekly_busy_hour_blocks_each_tuesday_but_the_excepted_one_across_the_clock_change(
    mentorship, tuesday_hours, weekly_meeting
):
    window = (OCTOBER_NOW, OCTOBER_NOW + timedelta(weeks=4))
    with time_machine.travel(OCTOBER_NOW, tick=False):
        starts = queries.bookable_slots(mentorship, window=window, now=OCTOBER_NOW).starts

    # 45-minute sessions with the program's 10 minutes after: 16:15 would end
    # its buffer at 17:10, inside the busy hour; 18:00 starts as it ends.
    blocked = ["16:00", "18:00", "18:15"]
    assert new_york_times(starts, datetime(2026, 10, 20).date()) == blocked
    assert new_york_times(starts, datetime(2026, 10, 27).date()) == [
        "16:00", "16:15", "16:30", "16:45", "17:00", "17:15", "17:30", "17:45", "18:00", "18:15",
    ]  # fmt: skip
    assert new_york_times(starts, datetime(2026, 11, 3).date()) == blocked
    assert new_york_times(starts, datetime(2026, 11, 10).date()) == blocked
    # The busy hour stays 17:00 in New York, so it moves in UTC.
    assert datetime(2026, 10, 20, 21, 0, tzinfo=UTC) not in starts  # 17:00 EDT
    assert datetime(2026, 11, 3, 21, 0, tzinfo=UTC) in starts  # 16:00 EST
    assert datetime(2026, 11, 3, 22, 0, tzinfo=UTC) not in starts  # 17:00 EST
    assert datetime(2026, 10, 27, 21, 0, tzinfo=UTC) in starts  # the excepted date


def test_the_availability_preview_and_the_openings_leave_out_the_busy_hour(
    client, program, mentor, mentorship, tuesday_hours, weekly_meeting
):
    WeeklyHours.objects.filter(mentor=mentor).update(start_time=time(17), end_time=time(18))
    week = (OCTOBER_NOW, OCTOBER_NOW + timedelta(days=7))
    assert mentors_with_opening(program=program, window=week, now=OCTOBER_NOW) == []
    second_week = (OCTOBER_NOW + timedelta(days=7), OCTOBER_NOW + timedelta(days=14))
    assert mentors_with_opening(program=program, window=second_week, now=OCTOBER_NOW) == [
        (mentor.pk, datetime(2026, 10, 27, 21, 0, tzinfo=UTC))
    ]
    client.force_login(mentor)
    with time_machine.travel(OCTOBER_NOW, tick=False):
        page = client.get(reverse("availability_edit", args=[program.slug])).content.decode()
    assert "Tuesday 20 October" not in page
    assert "Tuesday 27 October" in page


def test_buffers_apply_around_calendar_events(mentor, mentorship, open_all_week, now):
    program = mentorship.program
    program.buffer_before_minutes, program.buffer_after_minutes = 15, 15
    program.save()
    connection = connect(mentor, last_success_at=now)
    busy(connection, ny(2027, 1, 5, 12), ny(2027, 1, 5, 13))
    window = slots.day_bounds(datetime(2027, 1, 5).date(), datetime(2027, 1, 5).date(), NEW_YORK)

    starts = queries.bookable_slots(mentorship, window=window, now=now).starts

    # A session ends 15 minutes before the event, or starts 15 minutes after it.
    assert ny(2027, 1, 5, 11) in starts  # 11:00-11:45, buffer to 12:00
    assert ny(2027, 1, 5, 11, 15) not in starts
    assert ny(2027, 1, 5, 13) not in starts
    assert ny(2027, 1, 5, 13, 15) in starts


# Stale calendars: Monday 4 January 2027, 16:00 New York; last read at 09:12.
STALE_NOW = datetime(2027, 1, 4, 21, 0, tzinfo=UTC)
READ_AT_0912 = datetime(2027, 1, 4, 14, 12, tzinfo=UTC)
TUESDAY_WINDOW = slots.day_bounds(
    datetime(2027, 1, 5).date(), datetime(2027, 1, 5).date(), NEW_YORK
)


def test_a_calendar_not_read_past_the_limit_offers_no_times_and_says_why(
    client, program, mentor, mentee, mentorship, open_all_week
):
    connect(mentor, last_success_at=READ_AT_0912)  # 6 h 48 min ago; the limit is 6 h

    bookable = queries.bookable_slots(mentorship, window=TUESDAY_WINDOW, now=STALE_NOW)
    assert bookable.starts == []
    assert bookable.mentor_calendar_stale_since == READ_AT_0912

    picker = reverse("session_book", args=[program.slug, mentorship.pk])
    availability = reverse("availability_edit", args=[program.slug])
    with time_machine.travel(STALE_NOW, tick=False):
        client.force_login(mentor)
        for page in (client.get(picker), client.get(availability)):
            assert "We couldn&#x27;t read your calendar since 09:12 EST" in page.content.decode()
        client.force_login(mentee)
        page = client.get(picker).content.decode()
    assert "This mentor&#x27;s times are unavailable right now." in page
    assert "09:12" not in page
    assert "calendar.example.com" not in page


def test_within_the_limit_the_last_copy_is_used(mentor, mentorship, open_all_week):
    connection = connect(mentor, last_success_at=READ_AT_0912 + timedelta(hours=1))  # 5 h 48
    busy(connection, ny(2027, 1, 5, 12), ny(2027, 1, 5, 13))

    bookable = queries.bookable_slots(mentorship, window=TUESDAY_WINDOW, now=STALE_NOW)

    assert bookable.mentor_calendar_stale_since is None
    assert ny(2027, 1, 5, 11) in bookable.starts
    assert ny(2027, 1, 5, 12) not in bookable.starts
    assert ny(2027, 1, 5, 13) in bookable.starts


def test_the_limit_is_the_programs(mentor, mentorship, open_all_week):
    connect(mentor, last_success_at=READ_AT_0912)
    mentorship.program.calendar_stale_hours = 8
    mentorship.program.save()

    bookable = queries.bookable_slots(mentorship, window=TUESDAY_WINDOW, now=STALE_NOW)

    assert ny(2027, 1, 5, 12) in bookable.starts


def test_a_calendar_never_read_counts_from_when_it_was_connected(mentor, mentorship, open_all_week):
    connection = connect(mentor, last_success_at=None)
    CalendarConnection.objects.filter(pk=connection.pk).update(
        created_at=STALE_NOW - timedelta(hours=5)
    )
    assert queries.bookable_slots(mentorship, window=TUESDAY_WINDOW, now=STALE_NOW).starts

    CalendarConnection.objects.filter(pk=connection.pk).update(
        created_at=STALE_NOW - timedelta(hours=7)
    )
    bookable = queries.bookable_slots(mentorship, window=TUESDAY_WINDOW, now=STALE_NOW)
    assert bookable.starts == []
    assert bookable.mentor_calendar_stale_since == STALE_NOW - timedelta(hours=7)


def test_a_disabled_calendar_is_not_consulted_and_blocks_nothing(mentor, mentorship, open_all_week):
    connection = connect(
        mentor,
        last_success_at=STALE_NOW - timedelta(days=3),
        disabled_at=STALE_NOW - timedelta(days=2),
        disabled_reason="The password stopped working.",
    )
    busy(connection, ny(2027, 1, 5, 12), ny(2027, 1, 5, 13))

    bookable = queries.bookable_slots(mentorship, window=TUESDAY_WINDOW, now=STALE_NOW)

    assert bookable.mentor_calendar_stale_since is None
    assert ny(2027, 1, 5, 12) in bookable.starts


def test_one_stale_calendar_of_two_is_enough(mentor, mentorship, open_all_week):
    connect(mentor, last_success_at=STALE_NOW - timedelta(minutes=3))
    connect(mentor, last_success_at=READ_AT_0912)

    bookable = queries.bookable_slots(mentorship, window=TUESDAY_WINDOW, now=STALE_NOW)

    assert bookable.starts == []
    assert bookable.mentor_calendar_stale_since == READ_AT_0912


def test_a_stale_calendar_refuses_the_booking_and_the_opening(
    program, mentor, mentee, mentorship, open_all_week
):
    connect(mentor, last_success_at=READ_AT_0912)

    with pytest.raises(SchedulingError) as exc:
        services.session_book(
            mentorship=mentorship, starts_at=ny(2027, 1, 5, 12), by=mentee, now=STALE_NOW
        )
    assert exc.value.code == "calendar_unavailable"
    assert exc.value.message == "This mentor's times are unavailable right now."
    with pytest.raises(SchedulingError) as exc:
        services.session_book(
            mentorship=mentorship, starts_at=ny(2027, 1, 5, 12), by=mentor, now=STALE_NOW
        )
    assert "since 09:12 EST" in exc.value.message
    assert not Session.objects.exists()
    assert mentors_with_opening(program=program, window=TUESDAY_WINDOW, now=STALE_NOW) == []


# Busy between showing and booking (the clock of conftest: Monday 4 January 2027 noon UTC).


def test_a_time_that_became_busy_after_the_page_was_shown_is_refused(
    mentor, mentee, mentorship, open_all_week, now
):
    connection = connect(mentor, last_success_at=now)
    wanted = ny(2027, 1, 5, 12)
    shown = queries.bookable_slots(mentorship, window=TUESDAY_WINDOW, now=now).starts
    assert wanted in shown
    services.booking_check(mentorship=mentorship, starts_at=wanted, by=mentee, now=now)

    busy(connection, ny(2027, 1, 5, 11, 30), ny(2027, 1, 5, 12, 30))  # the worker's next read

    with pytest.raises(SchedulingError) as exc:
        services.session_book(mentorship=mentorship, starts_at=wanted, by=mentee, now=now)
    assert exc.value.code == "slot_taken"
    assert exc.value.message == "That time was just taken."
    assert exc.value.alternatives == [
        ny(2027, 1, 5, 12, 30),
        ny(2027, 1, 5, 12, 45),
        ny(2027, 1, 5, 13),
    ]
    assert not Session.objects.exists()


def test_the_mentor_is_told_their_own_calendar_is_busy(mentor, mentorship, open_all_week, now):
    connection = connect(mentor, last_success_at=now)
    busy(connection, ny(2027, 1, 5, 12), ny(2027, 1, 5, 13))

    with pytest.raises(SchedulingError) as exc:
        services.session_book(
            mentorship=mentorship, starts_at=ny(2027, 1, 5, 12), by=mentor, now=now
        )
    assert exc.value.code == "slot_taken"
    assert exc.value.message == "Your calendar shows you busy at that time."
    assert not Session.objects.exists()


def test_moving_into_a_busy_time_is_refused(mentor, mentee, mentorship, open_all_week, now):
    session = services.session_book(
        mentorship=mentorship, starts_at=ny(2027, 1, 5, 10), by=mentee, now=now
    )
    connection = connect(mentor, last_success_at=now)
    busy(connection, ny(2027, 1, 6, 12), ny(2027, 1, 6, 13))

    with pytest.raises(SchedulingError) as exc:
        services.session_reschedule(
            session=session, starts_at=ny(2027, 1, 6, 12), by=mentee, now=now
        )
    assert exc.value.code == "slot_taken"
    session.refresh_from_db()
    assert session.starts_at == ny(2027, 1, 5, 10)


def test_a_free_time_is_still_booked_with_a_connected_calendar(
    mentor, mentee, mentorship, open_all_week, now
):
    connection = connect(mentor, last_success_at=now)
    busy(connection, ny(2027, 1, 5, 12), ny(2027, 1, 5, 13))

    session = services.session_book(
        mentorship=mentorship, starts_at=ny(2027, 1, 5, 13), by=mentee, now=now
    )

    assert session.starts_at == ny(2027, 1, 5, 13)


# The mentee's own calendar: shown, not hidden.


def test_times_that_clash_with_the_mentees_calendar_are_marked_for_the_mentee_alone(
    client, program, mentor, mentee, mentorship, open_all_week, now
):
    own = connect(mentee, last_success_at=now)
    busy(own, ny(2027, 1, 5, 10), ny(2027, 1, 5, 11))

    bookable = queries.bookable_slots(mentorship, window=TUESDAY_WINDOW, now=now)

    # A 45-minute session overlaps 10:00-11:00 from a 09:30 start to a 10:45 one.
    assert sorted(bookable.mentee_clashes) == [
        ny(2027, 1, 5, 9, 30), ny(2027, 1, 5, 9, 45), ny(2027, 1, 5, 10),
        ny(2027, 1, 5, 10, 15), ny(2027, 1, 5, 10, 30), ny(2027, 1, 5, 10, 45),
    ]  # fmt: skip
    assert ny(2027, 1, 5, 10) in bookable.starts  # offered all the same

    picker = reverse("session_book", args=[program.slug, mentorship.pk])
    with time_machine.travel(now, tick=False):
        client.force_login(mentee)
        as_mentee = client.get(picker, {"week": 0}).content.decode()
        client.force_login(mentor)
        as_mentor = client.get(picker).content.decode()
    marked = f'value="{ny(2027, 1, 5, 10).isoformat()}" class="slot slot-clash"'
    assert marked in as_mentee
    assert f'value="{ny(2027, 1, 5, 11).isoformat()}" class="slot"' in as_mentee
    assert "Clashes with your calendar" in as_mentee
    assert "Clashes with your calendar" not in as_mentor
    assert "slot-clash" not in as_mentor


def test_the_mentees_calendar_never_blocks_a_booking(mentee, mentorship, open_all_week, now):
    own = connect(mentee, last_success_at=now - timedelta(days=3))  # stale too
    busy(own, ny(2027, 1, 5, 10), ny(2027, 1, 5, 11))

    session = services.session_book(
        mentorship=mentorship, starts_at=ny(2027, 1, 5, 10), by=mentee, now=now
    )

    assert session.starts_at == ny(2027, 1, 5, 10)


def test_a_makeup_with_a_stale_mentor_calendar_says_the_times_are_unavailable(
    mentor, mentorship, open_all_week, now
):
    starts_at = now + timedelta(days=2)
    missed = f.SessionFactory(mentorship=mentorship, starts_at=starts_at)
    services.session_cancel(
        session=missed, by=mentor, reason="illness", now=starts_at - timedelta(hours=1)
    )
    later = starts_at + timedelta(hours=2)
    eligibility, times = policies.makeup_options(missed, now=later)
    assert eligibility.allowed and times  # the mentor's hours have room for it

    connect(mentor, last_success_at=later - timedelta(hours=7))
    eligibility, times = policies.makeup_options(missed, now=later)

    assert times == []
    assert not eligibility.allowed
    assert eligibility.message == "This mentor's times are unavailable right now."


# A first regular time for a pairing staff made: clear of the mentor's calendar.


def test_the_proposed_regular_time_avoids_the_weekly_busy_hour():
    hours = [WeeklyRange(1, time(17), time(19))]  # Tuesdays 17:00-19:00 New York
    busy_times = expand_busy(
        WEEKLY_MEETING,
        default_zone=NEW_YORK,
        window_start=OCTOBER_NOW,
        window_end=OCTOBER_NOW + timedelta(weeks=4),
    )
    common = {
        "hours": hours,
        "taken": (),
        "mentor_zone": "America/New_York",
        "mentee_zone": "America/New_York",
        "first_day": date(2026, 10, 20),
        "rules": Rules(length_minutes=45, grid_minutes=15, weeks=4),
    }

    assert propose_weekly_time(**common).at == time(17)
    proposed = propose_weekly_time(**common, busy=busy_times)

    # 17:00 is busy on three of the four Tuesdays (the 27th is excepted).
    assert proposed == ProposedTime(
        weekday=1,
        at=time(18),
        first_day=date(2026, 10, 20),
        first_start=datetime(2026, 10, 20, 22, 0, tzinfo=UTC),
    )


def test_a_pairing_staff_made_is_proposed_a_time_clear_of_the_mentors_calendar(mentor, mentorship):
    mentorship.mentee.time_zone = "America/New_York"  # 17:00 and 18:00 both in her day
    mentorship.mentee.save()
    f.WeeklyHoursFactory(mentor=mentor, weekday=1, start_time=time(17), end_time=time(19))
    connection = connect(mentor, last_success_at=OCTOBER_NOW)
    for start, end in expand_busy(
        WEEKLY_MEETING,
        default_zone=NEW_YORK,
        window_start=OCTOBER_NOW,
        window_end=OCTOBER_NOW + timedelta(weeks=12),
    ):
        busy(connection, start, end)

    proposal = regular_time_propose(mentorship=mentorship, now=OCTOBER_NOW)

    assert proposal is not None
    assert (proposal.weekday, proposal.time_of_day) == (1, time(18))


# On PostgreSQL: a calendar read the worker is storing while a booking runs.
# The worker's write takes the mentor's lock (as a booking does); the booking
# reads busy times only once it holds that lock, so it sees the new copy.

WAIT = 20  # seconds: a broken test fails instead of hanging


def _store_while_booking(mentorship, now, *, writer_locks: bool):
    """A writer stores a busy interval over the wanted time and holds its
    transaction open while the mentee books; returns what the booking did."""
    wanted = ny(2027, 1, 5, 12)
    connection = connect(mentorship.mentor, last_success_at=now)
    written, booking_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer():
        try:
            with transaction.atomic():
                if writer_locks:
                    lock_people(mentorship.mentor_id)
                busy(connection, wanted, wanted + timedelta(hours=1))
                written.set()
                # With the lock the booking waits for this commit; without it
                # the booking finishes first, reading the old copy.
                booking_done.wait(0.5 if writer_locks else WAIT)
        except BaseException as exc:
            errors.append(exc)
        finally:
            db_connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(WAIT)
    try:
        return services.session_book(
            mentorship=mentorship, starts_at=wanted, by=mentorship.mentee, now=now
        )
    except SchedulingError as exc:
        return exc
    finally:
        booking_done.set()
        thread.join(WAIT)
        assert not errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_a_booking_races_the_calendar_write(mentorship, open_all_week, now):
    outcome = _store_while_booking(mentorship, now, writer_locks=False)

    assert isinstance(outcome, Session)  # booked over the busy time: the race is real
    assert BusyInterval.objects.filter(starts_at=outcome.starts_at).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_booking_reads_the_calendar_under_the_lock(mentorship, open_all_week, now):
    outcome = _store_while_booking(mentorship, now, writer_locks=True)

    assert isinstance(outcome, SchedulingError)
    assert outcome.code == "slot_taken"
    assert not Session.objects.exists()
