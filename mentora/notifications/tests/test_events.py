"""Who hears of what: matching events, staff alerts, action items, requests
expiring, regular sessions' reminders; and the periodic scheduler's promises
(one run per window across workers; an outage makes messages late, not lost)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from mentora.matching.models import PulseAnswer
from mentora.matching.tests.factories import ConcernFactory, MentorRequestFactory, PulseFactory
from mentora.notifications import events, services
from mentora.notifications.models import Choice, Kind, ScheduledReminder
from mentora.programs.models import EndReason, MentorshipStatus
from mentora.scheduling.booking import services as scheduling
from mentora.scheduling.cadence import services as cadence_services
from mentora.scheduling.models import SessionKind, SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW
from mentora.worker.periodic import run_periodic

pytestmark = pytest.mark.django_db


@pytest.fixture
def emit(django_capture_on_commit_callbacks, worker):
    """Call an event hook as the matching app does, commit, run the worker."""

    def _emit(hook, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            hook(*args, **kwargs)
        worker()

    return _emit


def test_a_concern_reaches_the_success_manager_even_with_everything_off(
    clock, emit, outbox, mentorship, success_manager
):
    services.preferences_set(
        user=success_manager,
        choices={
            k.value: Choice.OFF for k in Kind if k not in (Kind.CONCERNS, Kind.SESSION_CANCELLED)
        },
    )
    concern = ConcernFactory(mentorship=mentorship)

    emit(events.concern_raised, concern)

    [email] = outbox
    assert email.to == [success_manager.email]
    assert "Concern from Mia Mentee" in email.subject
    assert "talking past each other" in email.body
    assert f"/concerns/{concern.pk}/" in email.body


def test_a_not_a_fit_answer_goes_to_the_success_manager(
    clock, emit, outbox, mentorship, success_manager
):
    pulse = PulseFactory(
        mentorship=mentorship,
        answer=PulseAnswer.NOT_A_FIT,
        answered_at=NOW,
        comment="We never click.",
    )
    emit(events.pulse_answered, pulse)
    [email] = outbox
    assert email.to == [success_manager.email]
    assert "Not a fit" in email.subject and "We never click." in email.body


def test_a_good_pulse_bothers_nobody(clock, emit, outbox, mentorship):
    pulse = PulseFactory(mentorship=mentorship, answer=PulseAnswer.GOOD, answered_at=NOW)
    emit(events.pulse_answered, pulse)
    assert outbox == []


def test_a_new_request_reaches_the_mentor_and_expiring_soon_reminds_them(
    clock, emit, worker, outbox, program, mentor, other_mentee
):
    request = MentorRequestFactory(
        program=program, mentee=other_mentee, mentor=mentor, expires_at=NOW + timedelta(days=5)
    )
    emit(events.request_created, request)
    [new] = outbox
    assert new.to == [mentor.email]
    assert "Otto Other asks you" in new.subject
    assert "(America/New_York)" in new.body
    assert f"/p/bootcamp/requests/{request.pk}/" in new.body

    run_periodic()
    clock.move_to(NOW + timedelta(days=3) - timedelta(minutes=20))
    run_periodic()
    worker()
    assert len(outbox) == 1
    clock.move_to(NOW + timedelta(days=3, minutes=1))
    run_periodic()
    worker()
    assert "expires soon" in outbox[-1].subject
    assert len(outbox) == 2


def test_a_declined_request_tells_the_mentee_why(
    clock, emit, outbox, program, mentor, other_mentee
):
    request = MentorRequestFactory(
        program=program,
        mentee=other_mentee,
        mentor=mentor,
        status="declined",
        decline_reason="no_capacity",
        decided_at=NOW,
    )
    emit(events.request_decided, request)
    [email] = outbox
    assert email.to == [other_mentee.email]
    assert "no room for another mentee" in email.body


def test_an_ended_mentorship_tells_both(clock, emit, outbox, mentorship, mentor, mentee):
    mentorship.status, mentorship.ended_at = MentorshipStatus.ENDED, NOW
    mentorship.end_reason = EndReason.COMPLETED
    mentorship.save()
    emit(events.mentorship_ended, mentorship, by=mentor)
    assert sorted(m.to[0] for m in outbox) == sorted([mentor.email, mentee.email])


def test_two_missed_sessions_in_a_row_alert_the_success_manager_once(
    clock, emit, outbox, mentorship, mentor, success_manager
):
    first, second = (
        f.SessionFactory(
            mentorship=mentorship,
            starts_at=NOW - timedelta(days=d),
            status=SessionStatus.MENTEE_NO_SHOW,
        )
        for d in (8, 1)
    )
    emit(events.attendance_marked, first, by=mentor)
    assert outbox == []
    emit(events.attendance_marked, second, by=mentor)
    emit(events.attendance_marked, second, by=mentor)
    [alert] = outbox
    assert alert.to == [success_manager.email]
    assert "Two missed sessions in a row" in alert.subject


def test_action_items_due_tomorrow_and_overdue_at_nine_local(
    clock, worker, outbox, mentorship, mentee
):
    """Mia is in Berlin (UTC+1): 09:00 there is 08:00 UTC."""
    f.ActionItemFactory(mentorship=mentorship, owner=mentee, due_on=datetime(2027, 1, 6).date())
    run_periodic()
    clock.move_to(datetime(2027, 1, 5, 8, 15, tzinfo=UTC))
    run_periodic()
    worker()
    [due] = outbox
    assert due.subject == "[Mentora] Due tomorrow: Write one test for the cancel rule"
    clock.move_to(datetime(2027, 1, 7, 8, 15, tzinfo=UTC))
    run_periodic()
    worker()
    assert outbox[-1].subject.startswith("[Mentora] Overdue:")
    assert len(outbox) == 2


def test_a_done_action_item_is_not_called_overdue(clock, worker, outbox, mentorship, mentee):
    item = f.ActionItemFactory(
        mentorship=mentorship, owner=mentee, due_on=datetime(2027, 1, 4).date()
    )
    run_periodic()
    item.done_at = NOW
    item.save()
    clock.move_to(datetime(2027, 1, 5, 8, 15, tzinfo=UTC))
    run_periodic()
    worker()
    assert outbox == []


def test_regular_sessions_get_reminders_from_the_look_ahead(clock, worker, outbox, mentorship):
    far_start = NOW + timedelta(days=9)
    far = f.SessionFactory(mentorship=mentorship, kind=SessionKind.REGULAR, starts_at=far_start)
    near_start = NOW + timedelta(hours=29)
    near = f.SessionFactory(mentorship=mentorship, kind=SessionKind.REGULAR, starts_at=near_start)
    run_periodic()
    # Only the session inside the look-ahead has its reminders queued.
    assert set(ScheduledReminder.objects.values_list("session_id", flat=True)) == {near.pk}
    clock.move_to(near_start - timedelta(hours=24))
    worker()
    assert len(outbox) == 2
    # The far session's turn comes once it is inside the look-ahead.
    clock.move_to(far_start - timedelta(hours=25))
    run_periodic()
    assert ScheduledReminder.objects.filter(session=far).count() == 2


def test_two_workers_ticking_at_once_run_each_job_once(clock):
    first = run_periodic()
    second = run_periodic()
    assert "after_sessions" in first
    assert second == []


def test_a_worker_down_for_an_hour_sends_late_but_once(
    clock,
    worker,
    outbox,
    mentorship,
    mentee,
    mentor,
    open_all_week,
    django_capture_on_commit_callbacks,
):
    starts_at = NOW + timedelta(hours=30)
    with django_capture_on_commit_callbacks(execute=True):
        session = scheduling.session_book(mentorship=mentorship, starts_at=starts_at, by=mentee)
    worker()
    run_periodic()
    outbox.clear()
    # The worker is down from 30 minutes before the first reminder until 30 after.
    clock.move_to(starts_at - timedelta(hours=23, minutes=30))
    run_periodic()
    worker()
    assert len(outbox) == 2
    assert all("Reminder" in m.subject or "goal" in m.subject for m in outbox)
    run_periodic()
    worker()
    assert len(outbox) == 2
    # And the session ending while the worker was down still gets its requests.
    clock.move_to(session.ends_at + timedelta(hours=1))
    worker()
    outbox.clear()
    run_periodic()
    worker()
    assert sorted(m.to[0] for m in outbox) == sorted([mentor.email, mentee.email])


def test_a_new_regular_time_is_one_notice_not_one_per_session(
    clock, worker, outbox, mentorship, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = cadence_services.cadence_set(
            mentorship=mentorship,
            by=mentor,
            frequency="weekly",
            weekday=1,
            time_of_day=time(18),
            length_minutes=45,
            starts_on=date(2027, 1, 4),
        )
    worker()

    assert len(result.created) > 3
    [notice] = outbox
    assert notice.to == [mentee.email]
    assert "New regular time" in notice.subject
    # Tuesday 18:00 in New York is Wednesday 00:00 in Berlin, where Mia is.
    assert "Wednesday 6 January at 00:00 CET" in notice.body


def test_the_matching_apps_periodic_jobs_are_run(clock):
    ran = run_periodic()
    assert {"requests_expire", "pulses_ask", "regular_sessions", "stalled_tasks"} <= set(ran)
