"""Late work (#12): attendance recorded after the 7-day window, and the notes,
report and reflections that recording opens for a full window from then on."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentora.home.needs import needs_you_now
from mentora.mentoring import access
from mentora.mentoring.errors import MentoringError
from mentora.mentoring.workspace import services
from mentora.programs.models import Role
from mentora.scheduling.booking.services import session_mark_attendance
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

REPORT = {
    "goal_met": "yes",
    "why_not": "",
    "plan_now": "",
    "still_makes_sense": "yes",
    "topics_covered": "",
}


def _ended(mentorship, days_ago, **kwargs):
    starts = NOW - timedelta(days=days_ago, minutes=45)
    return f.SessionFactory(
        mentorship=mentorship, starts_at=starts, ends_at=starts + timedelta(minutes=45), **kwargs
    )


def _mentor_needs(program, mentor, now=None):
    return needs_you_now(
        program, mentor, frozenset({Role.MENTOR}), now or timezone.now(), is_admin=False
    )


@pytest.fixture
def rhythm(mentorship):
    """A regular time, so 'choose a regular time' stays out of the needs."""
    f.CadenceFactory(mentorship=mentorship)


# --- an eight-day-old session without attendance ----------------------------------------


@pytest.mark.usefixtures("rhythm")
def test_an_eight_day_old_session_is_asked_for_and_its_link_opens_the_form(
    client, program, mentor, mentorship
):
    old = _ended(mentorship, days_ago=8)

    [need] = _mentor_needs(program, mentor)

    assert need.title == "Record attendance for your session with Mia Mentee"
    assert need.late is True
    assert need.url == reverse("session_detail", args=[program.slug, old.pk]) + "#attendance"
    client.force_login(mentor)
    page = client.get(need.url)
    assert page.status_code == 200  # the form's page, not the POST-only endpoint (405)
    html = page.text
    assert reverse("session_attendance", args=[program.slug, old.pk]) in html
    assert "This is late, and still worth doing" in html


def test_attendance_is_accepted_however_old_the_session(client, program, mentor, mentorship):
    ancient = _ended(mentorship, days_ago=60)
    client.force_login(mentor)

    response = client.post(
        reverse("session_attendance", args=[program.slug, ancient.pk]), {"outcome": "held"}
    )

    assert response.status_code == 302
    ancient.refresh_from_db()
    assert ancient.status == SessionStatus.HELD
    assert ancient.attendance_marked_at == NOW
    html = client.get(reverse("session_detail", args=[program.slug, ancient.pk])).text
    assert "Attendance recorded" in html and "badge-warn" in html


def test_attendance_recorded_in_time_is_not_labelled_late(client, program, mentor, mentorship):
    recent = _ended(mentorship, days_ago=1)
    session_mark_attendance(session=recent, by=mentor, outcome=SessionStatus.HELD, now=NOW)
    client.force_login(mentor)

    html = client.get(reverse("session_detail", args=[program.slug, recent.pk])).text

    assert "Attendance recorded" in html and "badge-warn" not in html


# --- the windows count from the later of the end and the recording ------------------------


def _mark_late(session, mentor):
    session_mark_attendance(session=session, by=mentor, outcome=SessionStatus.HELD, now=NOW)
    session.refresh_from_db()
    return session


def test_notes_are_open_for_seven_days_from_a_late_recording_then_closed(mentor, mentorship):
    old = _mark_late(_ended(mentorship, days_ago=8), mentor)
    assert access.notes_close_at(old) == NOW + timedelta(days=7)

    services.note_add(session=old, by=mentor, body="Walked through the PR", shared=True, now=NOW)
    just_in_time = NOW + timedelta(days=7)
    services.note_add(session=old, by=mentor, body="One more", shared=False, now=just_in_time)
    with pytest.raises(MentoringError, match="closed"):
        services.note_add(
            session=old, by=mentor, body="Too late", shared=True, now=just_in_time + timedelta(1)
        )


def test_report_and_mentee_reflection_get_the_same_window_from_a_late_recording(
    program, mentor, mentee, mentorship
):
    old = _mark_late(_ended(mentorship, days_ago=10), mentor)
    window = timedelta(days=program.reflection_window_days)
    closes = NOW + window
    assert access.reflection_closes_at(old) == closes

    for person in (mentor, mentee):
        services.reflection_submit(session=old, by=person, now=closes, **REPORT)
    with pytest.raises(MentoringError):
        services.reflection_submit(
            session=old, by=mentor, now=closes + timedelta(minutes=1), **REPORT
        )
    services.feedback_submit(
        session=old,
        by=mentee,
        useful="",
        less_productive="",
        rating=4,
        visibility="mentor",
        now=closes - timedelta(hours=1),
    )


def test_without_a_late_recording_an_eight_day_old_session_stays_closed(mentor, mentorship):
    old = _ended(mentorship, days_ago=8)  # not recorded: the window counts from the end

    with pytest.raises(MentoringError, match="closed"):
        services.note_add(session=old, by=mentor, body="x", shared=True, now=NOW)


@pytest.mark.usefixtures("rhythm")
def test_after_a_late_recording_notes_and_report_are_asked_for_with_new_deadlines(
    program, mentor, mentorship
):
    old = _mark_late(_ended(mentorship, days_ago=9), mentor)

    needs = {n.title: n for n in _mentor_needs(program, mentor)}

    notes = needs["Write notes on the session with Mia Mentee"]
    report = needs["Write your report on the session with Mia Mentee"]
    assert notes.due == NOW + timedelta(days=7)
    assert report.due == NOW + timedelta(days=program.reflection_window_days)
    assert notes.url == reverse("session_workspace", args=[program.slug, old.pk])

    with time_machine.travel(NOW + timedelta(days=7, hours=1), tick=False):
        titles = [n.title for n in _mentor_needs(program, mentor)]
    assert "Write notes on the session with Mia Mentee" not in titles


def test_the_workspace_says_until_when_late_notes_are_open(client, program, mentor, mentorship):
    old = _mark_late(_ended(mentorship, days_ago=8), mentor)
    client.force_login(mentor)

    html = client.get(reverse("session_workspace", args=[program.slug, old.pk])).text

    assert "Add a note" in html and "Open until" in html
    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        html = client.get(reverse("session_workspace", args=[program.slug, old.pk])).text
    assert "Add a note" not in html
    assert "Notes for this session are closed" in html


# --- on time: unchanged ----------------------------------------------------------------


def test_on_time_windows_are_unchanged(program, mentor, mentee, mentorship):
    recent = _ended(mentorship, days_ago=0)
    session_mark_attendance(
        session=recent, by=mentor, outcome=SessionStatus.HELD, now=recent.ends_at
    )
    recent.refresh_from_db()

    assert access.windows_from(recent) == recent.ends_at
    assert access.notes_close_at(recent) == recent.ends_at + timedelta(days=7)
    assert access.reflection_closes_at(recent) == recent.ends_at + timedelta(
        days=program.reflection_window_days
    )
    unmarked = _ended(mentorship, days_ago=2)
    assert access.notes_close_at(unmarked) == unmarked.ends_at + timedelta(days=7)


# --- many unrecorded sessions: capped, the rest counted --------------------------------


@pytest.mark.usefixtures("rhythm")
def test_many_unrecorded_sessions_are_capped_and_the_rest_counted(program, mentor, mentorship):
    for days in range(8, 15):
        _ended(mentorship, days_ago=days)

    needs = _mentor_needs(program, mentor)

    attendance = [n for n in needs if n.title.startswith("Record attendance")]
    assert len(attendance) == 5
    [rest] = [n for n in needs if "more sessions need" in n.title]
    assert rest.title == "2 more sessions need their attendance recorded"
    assert rest.url == reverse("schedule", args=[program.slug])
    assert rest.late is True


@pytest.mark.usefixtures("rhythm")
def test_the_mentors_needs_cost_the_same_queries_however_many_sessions_wait(
    program, mentor, mentorship
):
    def queries_with(days):
        for day in days:
            _ended(mentorship, days_ago=day)
        with CaptureQueriesContext(connection) as captured:
            _mentor_needs(program, mentor)
        return len(captured.captured_queries)

    assert queries_with(range(8, 14)) == queries_with(range(14, 40))
