"""A session's life, walked through with a moving clock: booked (invite sent),
moved (old reminders send nothing, new ones fire at the new times), cancelled
(CANCEL invite, no reminders), held (reflection request, nudge after 3 days,
none once done)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mentora.notifications.models import Notification
from mentora.scheduling.booking import services
from mentora.scheduling.models import CancelReason, SessionStatus
from mentora.tests import factories as f
from mentora.worker.periodic import run_periodic

from .conftest import ny, to

pytestmark = pytest.mark.django_db

WEDNESDAY = ny(2027, 1, 6, 10)  # 15:00 UTC, 16:00 in Berlin
THURSDAY = ny(2027, 1, 7, 10)


@pytest.fixture
def book(mentorship, mentee, open_all_week, django_capture_on_commit_callbacks):
    def _book(starts_at=WEDNESDAY):
        with django_capture_on_commit_callbacks(execute=True):
            return services.session_book(mentorship=mentorship, starts_at=starts_at, by=mentee)

    return _book


def invite_method(email) -> str:
    (name, content, mimetype) = email.attachments[0]
    assert name == "invite.ics"
    assert mimetype.startswith("text/calendar")
    return "CANCEL" if "METHOD:CANCEL" in str(content) else "REQUEST"


def test_booking_sends_the_other_party_an_invite(clock, book, worker, outbox, mentor, mentee):
    book()
    worker()

    [email] = outbox
    assert email.to == [mentor.email]
    assert invite_method(email) == "REQUEST"
    # The mentor's zone, with its name, in the subject and the body.
    assert "Wednesday 6 January at 10:00 EST" in email.subject
    html = email.alternatives[0][0]
    assert "America/New_York" in html
    assert "/accounts/notifications/" in email.body and "/accounts/notifications/" in html
    assert "/p/bootcamp/sessions/" in email.body
    assert Notification.objects.get(recipient=mentor).title == email.subject.removeprefix(
        "[Mentora] "
    )
    assert not to(mentee)


def test_reminders_fire_24_hours_and_1_hour_before(clock, book, worker, outbox, mentor, mentee):
    book()
    worker()
    outbox.clear()

    clock.move_to(WEDNESDAY - timedelta(hours=24, minutes=1))
    assert worker() == 0
    clock.move_to(WEDNESDAY - timedelta(hours=24))
    worker()
    assert sorted(m.to[0] for m in outbox) == sorted([mentor.email, mentee.email])
    [to_mentee] = to(mentee)
    # The goal is empty: the mentee is told so, with a link straight to the agenda.
    assert "Write your goal" in to_mentee.subject
    assert "no goal yet" in to_mentee.body
    assert "/agenda/" in to_mentee.body
    assert "hasn't written a goal" in to(mentor)[0].body

    outbox.clear()
    clock.move_to(WEDNESDAY - timedelta(hours=1))
    worker()
    assert len(outbox) == 2
    assert all("Reminder" in m.subject for m in outbox)


def test_the_first_reminder_shows_a_written_goal(clock, book, worker, outbox, mentee):
    session = book()
    f.AgendaFactory(session=session, goal="Get feedback on my portfolio site")
    worker()
    clock.move_to(WEDNESDAY - timedelta(hours=24))
    outbox.clear()
    worker()

    [to_mentee] = to(mentee)
    assert "Reminder" in to_mentee.subject
    assert "Goal: Get feedback on my portfolio site" in to_mentee.body


def test_a_moved_session_gets_new_reminders_and_the_old_ones_send_nothing(
    clock, book, worker, outbox, mentor, mentee, django_capture_on_commit_callbacks
):
    session = book()
    worker()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_reschedule(session=session, starts_at=THURSDAY, by=mentee)
    outbox.clear()
    worker()
    [moved] = outbox
    assert moved.to == [mentor.email]
    assert "moved" in moved.subject
    assert invite_method(moved) == "REQUEST"
    assert "Wednesday 6 January at 10:00" in moved.body
    assert "Thursday 7 January at 10:00" in moved.body

    outbox.clear()
    for old in (WEDNESDAY - timedelta(hours=24), WEDNESDAY - timedelta(hours=1)):
        clock.move_to(old)
        assert worker() == 1  # the old reminder task runs...
    assert outbox == []  # ...and sends nothing

    clock.move_to(THURSDAY - timedelta(hours=24))
    worker()
    assert len(outbox) == 2
    clock.move_to(THURSDAY - timedelta(hours=1))
    worker()
    assert len(outbox) == 4


def test_a_cancelled_session_sends_a_cancel_and_no_reminders(
    clock, book, worker, outbox, mentor, mentee, success_manager, django_capture_on_commit_callbacks
):
    session = book()
    worker()
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=session, by=mentee, reason=CancelReason.ILLNESS)
    worker()
    [cancel] = outbox
    assert cancel.to == [mentor.email]
    assert invite_method(cancel) == "CANCEL"
    assert not to(success_manager)  # on time: staff aren't bothered

    outbox.clear()
    for moment in (WEDNESDAY - timedelta(hours=24), WEDNESDAY - timedelta(hours=1)):
        clock.move_to(moment)
        worker()
    assert outbox == []


def test_a_late_cancellation_also_reaches_the_success_manager(
    clock, book, worker, outbox, mentor, mentee, success_manager, django_capture_on_commit_callbacks
):
    session = book()
    clock.move_to(WEDNESDAY - timedelta(hours=3))
    worker()
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=session, by=mentee, reason=CancelReason.ILLNESS)
    worker()
    assert invite_method(to(mentor)[0]) == "CANCEL"
    [alert] = to(success_manager)
    assert "Late cancellation" in alert.subject
    assert not alert.attachments


def test_after_a_held_session_reflection_requests_then_one_nudge(
    clock, book, worker, outbox, mentor, mentee, django_capture_on_commit_callbacks
):
    session = book()
    run_periodic()
    worker()
    clock.move_to(session.ends_at + timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        services.session_mark_attendance(session=session, by=mentor, outcome=SessionStatus.HELD)
    outbox.clear()
    run_periodic()
    worker()
    assert sorted(m.to[0] for m in outbox) == sorted([mentor.email, mentee.email])
    assert "feedback" in to(mentee)[0].body
    assert "feedback" not in to(mentor)[0].body
    assert "/reflect/" in to(mentee)[0].body

    # The mentee reflects and gives feedback; the mentor doesn't.
    f.ReflectionFactory(session=session, author=mentee)
    f.FeedbackFactory(session=session)
    outbox.clear()
    clock.move_to(session.ends_at + timedelta(days=2))
    run_periodic()
    worker()
    assert outbox == []
    clock.move_to(session.ends_at + timedelta(days=3, minutes=1))
    run_periodic()
    worker()
    [nudge] = outbox
    assert nudge.to == [mentor.email]
    assert "Still to do" in nudge.subject

    # Nothing more, ever.
    outbox.clear()
    clock.move_to(session.ends_at + timedelta(days=10))
    run_periodic()
    worker()
    assert outbox == []


def test_no_nudge_once_both_are_done(clock, book, worker, outbox, mentor, mentee):
    session = book()
    run_periodic()
    clock.move_to(session.ends_at + timedelta(minutes=5))
    run_periodic()
    worker()
    f.ReflectionFactory(session=session, author=mentee)
    f.ReflectionFactory(session=session, author=mentor)
    f.FeedbackFactory(session=session)
    outbox.clear()
    clock.move_to(session.ends_at + timedelta(days=4))
    run_periodic()
    worker()
    assert not [m for m in outbox if "Still to do" in m.subject]


def test_unmarked_attendance_reaches_the_mentor_after_24_hours(
    clock, book, worker, outbox, mentor, mentee
):
    session = book()
    run_periodic()
    clock.move_to(session.ends_at + timedelta(hours=23))
    run_periodic()
    worker()
    assert not [m for m in to(mentor) if "held?" in m.subject]
    clock.move_to(session.ends_at + timedelta(hours=24, minutes=1))
    run_periodic()
    worker()
    [notice] = [m for m in to(mentor) if "held?" in m.subject]
    assert not [m for m in to(mentee) if "held?" in m.subject]
    assert "/sessions/" in notice.body
