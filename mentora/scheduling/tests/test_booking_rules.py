"""Issue 12's booking rules: a move inside the notice period counts as a late
cancellation; a mentee's own sessions never overlap (two mentors); the pickers
never offer a time the booking would refuse; every pick goes through a
confirmation page first."""

from datetime import time, timedelta

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from mentora.insights.access import Scope
from mentora.insights.models import RiskPolicy
from mentora.insights.queries import caseload, mentor_rows
from mentora.insights.risk import Signal
from mentora.programs.models import Role
from mentora.scheduling import policies, queries
from mentora.scheduling.booking import services
from mentora.scheduling.errors import SchedulingError
from mentora.scheduling.models import (
    CancellationKind,
    CancelReason,
    ChangeKind,
    Session,
    SessionKind,
    SessionStatus,
)
from mentora.tests import factories as f

from .conftest import NOW, ny

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
TUESDAY_10 = ny(2027, 1, 5, 10)
WEDNESDAY_10 = ny(2027, 1, 6, 10)
# Six hours after NOW (Monday 12:00 UTC): inside the 24 hours' notice.
SOON = NOW + timedelta(hours=6)
WEEK = (NOW, NOW + timedelta(days=7))


def url(name, program, pk):

    key = "mentorship_id" if name == "session_book" else "session_id"
    return reverse(name, kwargs={"slug": program.slug, key: pk})


@pytest.fixture
def second_mentor(program, mentee):
    """A second mentor of the same mentee (New York, open 09:00-21:00 every day)."""
    user = f.UserFactory(email="nia@example.org", name="Nia Second", time_zone="America/New_York")
    f.MembershipFactory(user=user, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=user)
    for weekday in range(7):
        f.WeeklyHoursFactory(mentor=user, weekday=weekday, start_time=time(9), end_time=time(21))
    return f.MentorshipFactory(program=program, mentor=user, mentee=mentee)


def soon_session(mentorship):
    return f.SessionFactory(mentorship=mentorship, starts_at=SOON)


# --- Moves inside the notice period ----------------------------------------------------


def test_a_move_inside_the_notice_period_records_a_late_cancellation(
    mentorship, mentee, open_all_week, now
):
    session = soon_session(mentorship)
    uid = session.uid

    moved = services.session_reschedule(session=session, starts_at=WEDNESDAY_10, by=mentee, now=now)

    assert (moved.pk, moved.uid, moved.starts_at) == (session.pk, uid, WEDNESDAY_10)
    record = Session.objects.get(moved_to=moved)
    assert (record.status, record.cancellation_kind, record.cancel_reason) == (
        SessionStatus.CANCELLED,
        CancellationKind.LATE,
        CancelReason.MOVED_LATE,
    )
    assert (record.starts_at, record.cancelled_by, record.cancelled_at) == (SOON, mentee, now)
    assert moved.changes.get(kind=ChangeKind.MOVED).detail == "late"
    assert record.changes.get().kind == ChangeKind.CANCELLED


def test_the_calendar_feed_shows_a_late_move_as_one_moved_event(
    client, mentorship, mentee, open_all_week, now
):

    session = soon_session(mentorship)
    services.session_reschedule(session=session, starts_at=WEDNESDAY_10, by=mentee, now=now)
    feed = f.CalendarFeedFactory.create(user=mentee)

    with time_machine.travel(now, tick=False):
        response = client.get(reverse("calendar_feed", args=[feed.token]))

    events = Calendar.from_ical(response.content).walk("VEVENT")
    # The old time is the notice policy's record, not a second event in the calendar.
    assert [(str(e["UID"]), e["DTSTART"].dt, str(e["STATUS"])) for e in events] == [
        (f"{session.uid}@mentora", WEDNESDAY_10, "CONFIRMED")
    ]


def test_a_move_with_enough_notice_is_a_plain_move(mentorship, mentee, open_all_week, now):
    session = f.SessionFactory(mentorship=mentorship, starts_at=TUESDAY_10)

    services.session_reschedule(session=session, starts_at=WEDNESDAY_10, by=mentee, now=now)

    assert not Session.objects.filter(status=SessionStatus.CANCELLED).exists()
    assert session.changes.get(kind=ChangeKind.MOVED).detail == ""


def test_a_program_can_let_late_moves_go_uncounted(program, mentorship, mentee, open_all_week, now):
    program.late_move_counts_as_late_cancel = False
    program.save()
    session = soon_session(mentorship)

    services.session_reschedule(session=session, starts_at=WEDNESDAY_10, by=mentee, now=now)

    assert Session.objects.get().starts_at == WEDNESDAY_10


def test_a_refused_late_move_records_nothing(mentorship, mentee, open_all_week, now):
    session = soon_session(mentorship)

    with pytest.raises(SchedulingError):
        services.session_reschedule(
            session=session, starts_at=WEDNESDAY_10 + timedelta(minutes=7), by=mentee, now=now
        )

    assert list(Session.objects.values_list("starts_at", "status")) == [(SOON, "scheduled")]


def test_a_late_move_counts_where_late_cancellations_count(
    program, success_manager, mentorship, mentee, mentor, open_all_week, now
):
    session = soon_session(mentorship)
    services.session_reschedule(session=session, starts_at=WEDNESDAY_10, by=mentee, now=now)
    later = NOW + timedelta(days=1)

    # Insights: the mentor's late cancellations in the period.
    (row,) = [
        r for r in mentor_rows(program, NOW - timedelta(days=1), later, later) if r.mentor == mentor
    ]
    assert row.late_cancellations == 1
    # Risk: a missed session (late cancellation) of the mentee.
    RiskPolicy.objects.update_or_create(program=program, defaults={"missed_threshold": 1})
    rows = caseload(Scope(program, success_manager), later).rows
    (mia,) = [r for r in rows if r.membership.user == mentee]
    assert Signal.MISSED in {reason.signal for reason in mia.reasons}
    # Makeup rules: the record of the old time is not a miss to make up.
    record = Session.objects.get(moved_to=session)
    eligibility = policies.makeup_eligibility(record, now=later)
    assert not eligibility.allowed
    assert "moved" in eligibility.message


def test_the_move_confirmation_says_a_late_move_counts(
    client, program, mentorship, mentee, open_all_week
):
    session = soon_session(mentorship)
    client.force_login(mentee)
    picked = {"starts_at": WEDNESDAY_10.isoformat()}

    step = client.post(url("session_reschedule", program, session.pk), picked)

    assert step.status_code == 200
    assert "counts as a late cancellation" in step.text
    assert Session.objects.count() == 1

    done = client.post(url("session_reschedule", program, session.pk), {**picked, "confirm": "1"})

    assert done.status_code == 302
    assert Session.objects.filter(moved_to=session, cancellation_kind="late").count() == 1


def test_the_move_confirmation_says_nothing_of_late_with_notice(
    client, program, mentorship, mentee, open_all_week
):
    session = f.SessionFactory(mentorship=mentorship, starts_at=TUESDAY_10)
    client.force_login(mentee)

    step = client.post(
        url("session_reschedule", program, session.pk), {"starts_at": WEDNESDAY_10.isoformat()}
    )

    assert step.status_code == 200
    assert "late cancellation" not in step.text


def test_person_cancel_form_never_offers_the_late_move_reason():
    from mentora.scheduling.booking.forms import CancelForm

    assert CancelReason.MOVED_LATE not in dict(CancelForm().fields["reason"].choices)


# --- A mentee's sessions never overlap -------------------------------------------------


def test_a_mentee_with_two_mentors_is_not_booked_twice_at_once(
    mentorship, second_mentor, mentee, open_all_week, now
):
    services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)

    with pytest.raises(SchedulingError) as exc:
        services.session_book(
            mentorship=second_mentor,
            starts_at=TUESDAY_10 + timedelta(minutes=30),
            by=mentee,
            now=now,
        )

    assert exc.value.code == "mentee_busy"
    assert exc.value.message == "You already have a session at that time."
    assert exc.value.alternatives and TUESDAY_10 not in exc.value.alternatives
    assert Session.objects.count() == 1


def test_the_mentor_hears_the_mentee_is_busy(mentorship, second_mentor, mentee, open_all_week, now):
    services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)

    with pytest.raises(SchedulingError) as exc:
        services.session_book(
            mentorship=second_mentor, starts_at=TUESDAY_10, by=second_mentor.mentor, now=now
        )

    assert exc.value.message == "Mia Mentee already has a session at that time."


def test_a_move_onto_the_mentees_other_session_is_refused(
    mentorship, second_mentor, mentee, open_all_week, now
):
    f.SessionFactory(mentorship=mentorship, starts_at=TUESDAY_10)
    other = f.SessionFactory(mentorship=second_mentor, starts_at=WEDNESDAY_10)

    with pytest.raises(SchedulingError) as exc:
        services.session_reschedule(session=other, starts_at=TUESDAY_10, by=mentee, now=now)

    assert exc.value.code == "mentee_busy"
    other.refresh_from_db()
    assert other.starts_at == WEDNESDAY_10


def test_the_picker_leaves_out_times_the_mentee_is_booked(
    mentorship, second_mentor, mentee, open_all_week, now
):
    f.SessionFactory(mentorship=mentorship, starts_at=TUESDAY_10)

    starts = queries.bookable_slots(second_mentor, window=WEEK, now=now).starts

    assert TUESDAY_10 not in starts
    assert TUESDAY_10 + timedelta(minutes=30) not in starts
    assert TUESDAY_10 + timedelta(hours=1) in starts  # 10:00-10:45 plus 10 minutes' buffer


# --- Slots that break a rule are not offered -------------------------------------------


def test_a_week_at_the_weekly_limit_offers_no_times(
    client, program, mentorship, mentee, open_all_week, now
):
    for day in (TUESDAY_10, WEDNESDAY_10):
        f.SessionFactory(mentorship=mentorship, starts_at=day, kind=SessionKind.EXTRA)

    this_week = queries.program_week(program, NOW)
    bookable = queries.bookable_slots(mentorship, window=this_week, now=now)

    assert bookable.starts == []
    assert len(bookable.full_weeks) == 1
    client.force_login(mentee)
    page = client.get(url("session_book", program, mentorship.pk))
    assert "it already has the 2 sessions a week the program allows" in page.text
    assert 'class="slot"' not in page.text


def test_the_makeup_picker_skips_a_week_at_the_limit(
    client, program, mentorship, mentee, mentor, open_all_week, now
):
    missed = f.SessionFactory(
        mentorship=mentorship,
        starts_at=NOW - timedelta(days=1),
        status=SessionStatus.MENTOR_NO_SHOW,
    )
    for day in (TUESDAY_10, WEDNESDAY_10):
        f.SessionFactory(mentorship=mentorship, starts_at=day, kind=SessionKind.EXTRA)

    _eligibility, starts = policies.makeup_options(missed, now=now)

    # The whole window this week is full; what remains is next week, never this one.
    week_end = queries.program_week(program, NOW)[1]
    assert all(s >= week_end for s in starts)
    client.force_login(mentee)
    page = client.get(url("session_makeup", program, missed.pk))
    assert page.status_code == 200
    for s in starts[:1]:
        step = client.post(
            url("session_makeup", program, missed.pk),
            {"action": "book", "starts_at": s.isoformat()},
        )
        assert step.status_code == 200
        assert "Confirm the makeup" in step.text


# --- The confirmation step ---------------------------------------------------------------


def test_the_confirmation_shows_both_times_length_and_link(
    client, program, mentorship, mentee, mentor, open_all_week
):
    mentor.mentor_profile.meeting_link = "https://meet.example.com/mo"
    mentor.mentor_profile.save()
    client.force_login(mentee)

    step = client.get(
        url("session_book", program, mentorship.pk), {"starts_at": TUESDAY_10.isoformat()}
    )

    assert step.status_code == 200
    assert "For Mo Mentor" in step.text
    assert "45 minutes" in step.text
    assert "https://meet.example.com/mo" in step.text
    assert 'name="confirm" value="1"' in step.text
    assert not Session.objects.exists()


def test_a_refused_pick_never_reaches_the_confirmation(
    client, program, mentorship, mentee, open_all_week
):
    client.force_login(mentee)

    step = client.post(
        url("session_book", program, mentorship.pk),
        {"starts_at": (TUESDAY_10 + timedelta(minutes=7)).isoformat()},
    )

    assert step.status_code == 409
    assert "Confirm booking" not in step.text


def test_the_makeup_confirms_before_booking(client, program, mentorship, mentee, open_all_week):
    missed = f.SessionFactory(
        mentorship=mentorship, starts_at=NOW - timedelta(days=1), status="mentor_no_show"
    )
    client.force_login(mentee)
    picked = {"action": "book", "starts_at": TUESDAY_10.isoformat()}

    step = client.post(url("session_makeup", program, missed.pk), picked)

    assert step.status_code == 200
    assert "Confirm the makeup" in step.text
    assert not Session.objects.filter(kind=SessionKind.MAKEUP).exists()

    done = client.post(url("session_makeup", program, missed.pk), {**picked, "confirm": "1"})

    assert done.status_code == 302
    assert Session.objects.filter(kind=SessionKind.MAKEUP, makeup_for=missed).count() == 1
