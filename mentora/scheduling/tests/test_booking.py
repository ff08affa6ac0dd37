"""Booking, moving, cancelling and attendance: every rule and every bad input."""

from datetime import timedelta

import pytest

from mentora.programs.models import MentorshipStatus
from mentora.scheduling.booking import services
from mentora.scheduling.errors import SchedulingError
from mentora.scheduling.models import (
    CancellationKind,
    ChangeKind,
    Session,
    SessionKind,
    SessionStatus,
)
from mentora.scheduling.queries import unmarked_sessions
from mentora.tests import factories as f

from .conftest import ny

pytestmark = pytest.mark.django_db
TUESDAY_10 = ny(2027, 1, 5, 10)  # Tue 5 Jan 10:00 New York = 15:00 UTC


def snapshot():
    return list(Session.objects.order_by("pk").values())


def refused(code, **kwargs):
    before = snapshot()
    with pytest.raises(SchedulingError) as exc:
        services.session_book(**kwargs)
    assert exc.value.code == code, exc.value.message
    assert snapshot() == before
    return exc.value


def test_mentee_books_an_open_time(mentorship, mentee, open_all_week, now):
    session = services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)

    assert session.kind == SessionKind.EXTRA
    assert session.ends_at - session.starts_at == timedelta(minutes=45)
    assert session.blocked_until == session.ends_at + timedelta(minutes=10)
    assert [c.kind for c in session.changes.all()] == [ChangeKind.BOOKED]


def test_booking_in_the_past_is_refused(mentorship, mentee, open_all_week, now):
    refused(
        "in_past", mentorship=mentorship, starts_at=now - timedelta(hours=1), by=mentee, now=now
    )


def test_booking_inside_the_minimum_notice_is_refused(mentorship, mentee, open_all_week, now):
    error = refused(
        "too_soon", mentorship=mentorship, starts_at=ny(2027, 1, 4, 15), by=mentee, now=now
    )
    assert "12 hours ahead" in error.message


def test_booking_beyond_the_window_is_refused(mentorship, mentee, open_all_week, now):
    refused(
        "too_far",
        mentorship=mentorship,
        starts_at=TUESDAY_10 + timedelta(weeks=8),
        by=mentee,
        now=now,
    )


def test_booking_outside_availability_is_refused_for_a_mentee(
    mentorship, mentee, open_all_week, now
):
    error = refused(
        "outside_availability",
        mentorship=mentorship,
        starts_at=ny(2027, 1, 5, 22),
        by=mentee,
        now=now,
    )
    assert "Mo Mentor isn't available" in error.message


def test_mentor_may_schedule_outside_their_hours(mentorship, mentor, open_all_week, now):
    session = services.session_book(
        mentorship=mentorship, starts_at=ny(2027, 1, 5, 22), by=mentor, now=now
    )

    assert session.created_by == mentor


def test_off_grid_time_is_refused(mentorship, mentee, open_all_week, now):
    refused(
        "off_grid",
        mentorship=mentorship,
        starts_at=TUESDAY_10 + timedelta(minutes=7),
        by=mentee,
        now=now,
    )


def test_taken_time_is_refused_with_nearest_open_times(mentorship, mentee, open_all_week, now):
    services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)

    error = refused(
        "slot_taken",
        mentorship=mentorship,
        starts_at=TUESDAY_10 + timedelta(minutes=30),
        by=mentee,
        now=now,
    )

    assert error.message == "That time was just taken."
    # Booked 10:00-10:45 plus 10 minutes' buffer, so 11:00 is the first start after
    # it; 09:15 would run (with its own buffer) into 10:00. Nearest to 10:30:
    assert error.alternatives == [
        TUESDAY_10 + timedelta(hours=1),
        TUESDAY_10 + timedelta(hours=1, minutes=15),
        TUESDAY_10 + timedelta(hours=1, minutes=30),
    ]


def test_overlap_with_another_mentee_of_the_same_mentor_is_refused(
    mentorship, mentee, other_mentee, mentor, open_all_week, now
):
    other = other_mentee.mentorships_as_mentee.get()
    services.session_book(mentorship=other, starts_at=TUESDAY_10, by=other_mentee, now=now)

    refused("slot_taken", mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)


def test_weekly_limit_counts_the_mentees_sessions(mentorship, mentee, open_all_week, now):
    services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)
    services.session_book(
        mentorship=mentorship, starts_at=TUESDAY_10 + timedelta(days=1), by=mentee, now=now
    )

    error = refused(
        "weekly_limit",
        mentorship=mentorship,
        starts_at=TUESDAY_10 + timedelta(days=2),
        by=mentee,
        now=now,
    )

    assert "allows 2 per week" in error.message


def test_outsider_cannot_book(mentorship, outsider, open_all_week, now):
    refused("not_a_party", mentorship=mentorship, starts_at=TUESDAY_10, by=outsider, now=now)


def test_paused_mentorship_cannot_book(mentorship, mentee, open_all_week, now):
    mentorship.status = MentorshipStatus.PAUSED
    mentorship.save()

    refused("not_active", mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)


def test_reschedule_moves_and_keeps_history(mentorship, mentee, mentor, open_all_week, now):
    session = services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)
    uid = session.uid

    moved = services.session_reschedule(
        session=session, starts_at=TUESDAY_10 + timedelta(hours=2), by=mentor, now=now
    )

    assert moved.uid == uid
    assert moved.sequence == 1
    last = moved.changes.last()
    assert (last.kind, last.old_starts_at, last.new_starts_at) == (
        ChangeKind.MOVED,
        TUESDAY_10,
        TUESDAY_10 + timedelta(hours=2),
    )


def test_reschedule_into_a_taken_time_changes_nothing(mentorship, mentee, open_all_week, now):
    first = services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)
    second = services.session_book(
        mentorship=mentorship, starts_at=TUESDAY_10 + timedelta(hours=3), by=mentee, now=now
    )
    before = snapshot()

    with pytest.raises(SchedulingError) as exc:
        services.session_reschedule(
            session=second, starts_at=TUESDAY_10 + timedelta(minutes=15), by=mentee, now=now
        )

    assert exc.value.code == "slot_taken"
    assert snapshot() == before
    assert first.pk != second.pk


def test_reschedule_to_a_nearby_time_overlapping_itself_is_fine(
    mentorship, mentee, open_all_week, now
):
    session = services.session_book(mentorship=mentorship, starts_at=TUESDAY_10, by=mentee, now=now)

    moved = services.session_reschedule(
        session=session, starts_at=TUESDAY_10 + timedelta(minutes=15), by=mentee, now=now
    )

    assert moved.starts_at == TUESDAY_10 + timedelta(minutes=15)


@pytest.mark.parametrize(
    ("notice", "expected"),
    [
        (timedelta(hours=24), CancellationKind.ON_TIME),
        (timedelta(hours=23, minutes=59), CancellationKind.LATE),
        (timedelta(hours=24, minutes=1), CancellationKind.ON_TIME),
        (timedelta(hours=2), CancellationKind.LATE),
    ],
)
def test_cancellation_notice_boundary(mentorship, mentee, notice, expected, now):
    session = f.SessionFactory(mentorship=mentorship, starts_at=now + notice)

    cancelled = services.session_cancel(
        session=session, by=mentee, reason="illness", note="Flu", now=now
    )

    assert cancelled.cancellation_kind == expected
    assert (cancelled.cancelled_by, cancelled.cancelled_at, cancelled.cancel_reason) == (
        mentee,
        now,
        "illness",
    )


def test_notice_follows_the_programs_setting(mentorship, mentee, program, now):
    program.notice_hours = 48
    program.save()
    session = f.SessionFactory(
        mentorship=mentorship, program=program, starts_at=now + timedelta(hours=30)
    )

    cancelled = services.session_cancel(session=session, by=mentee, reason="illness", now=now)

    assert cancelled.cancellation_kind == CancellationKind.LATE


def test_cancelling_a_past_session_is_refused(mentorship, mentee, now):
    session = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(hours=1))
    before = snapshot()

    with pytest.raises(SchedulingError) as exc:
        services.session_cancel(session=session, by=mentee, reason="illness", now=now)

    assert exc.value.code == "not_cancellable"
    assert snapshot() == before


def test_cancelling_with_an_unknown_reason_is_refused(mentorship, mentee, now):
    session = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=2))

    with pytest.raises(SchedulingError) as exc:
        services.session_cancel(session=session, by=mentee, reason="bored", now=now)

    assert exc.value.code == "bad_reason"
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_outsider_cannot_cancel(mentorship, outsider, now):
    session = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=2))

    with pytest.raises(SchedulingError):
        services.session_cancel(session=session, by=outsider, reason="illness", now=now)


def test_keeping_the_session_with_a_new_agenda(mentorship, mentee, now):
    session = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=2))

    kept = services.session_keep_with_new_agenda(
        session=session, by=mentee, switch="pair_on_project", now=now
    )

    assert (kept.status, kept.agenda_switch) == (SessionStatus.SCHEDULED, "pair_on_project")


def test_mentor_records_attendance_after_the_end(mentorship, mentor, now):
    session = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(hours=1))

    marked = services.session_mark_attendance(session=session, by=mentor, outcome="held", now=now)

    assert (marked.status, marked.attendance_marked_by) == (SessionStatus.HELD, mentor)


def test_attendance_before_the_end_is_refused(mentorship, mentor, now):
    session = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(minutes=10))

    with pytest.raises(SchedulingError) as exc:
        services.session_mark_attendance(session=session, by=mentor, outcome="held", now=now)

    assert exc.value.code == "too_early"


def test_attendance_is_recorded_once(mentorship, mentor, mentee, now):
    session = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(hours=2))
    services.session_mark_attendance(session=session, by=mentor, outcome="mentee_no_show", now=now)

    with pytest.raises(SchedulingError) as exc:
        services.session_mark_attendance(
            session=session, by=mentee, outcome="mentor_no_show", now=now
        )

    assert exc.value.code == "already_marked"
    session.refresh_from_db()
    assert session.status == SessionStatus.MENTEE_NO_SHOW


def test_mentee_reports_a_mentor_no_show(mentorship, mentee, now):
    session = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(minutes=20))

    marked = services.session_mark_attendance(
        session=session, by=mentee, outcome="mentor_no_show", now=now
    )

    assert marked.status == SessionStatus.MENTOR_NO_SHOW


def test_mentee_cannot_mark_the_session_held(mentorship, mentee, now):
    session = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(hours=2))

    with pytest.raises(SchedulingError):
        services.session_mark_attendance(session=session, by=mentee, outcome="held", now=now)


def test_sessions_unmarked_48_hours_after_their_end_need_attention(mentorship, program, now):
    length = timedelta(minutes=45)
    flagged = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(hours=48) - length)
    # Another pairing, so two sessions a minute apart don't overlap for one mentor.
    other = f.MentorshipFactory(program=program)
    f.SessionFactory(mentorship=other, starts_at=now - timedelta(hours=47, minutes=59) - length)

    assert list(unmarked_sessions(program, now)) == [flagged]
