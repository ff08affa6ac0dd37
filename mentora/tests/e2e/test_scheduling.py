"""A mentee books (through the confirmation step), moves a session at short
notice, cancels on time and late, and keeps a session with a new plan."""

import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentora.scheduling.models import Session
from mentora.tests import factories as f


@pytest.fixture
def available_mentor(mentor):
    for weekday in range(7):
        f.WeeklyHoursFactory(mentor=mentor, weekday=weekday, start_time=time(8), end_time=time(20))
    return mentor


@pytest.fixture
def session_in(mentee):
    def make(hours):
        mentorship = mentee.mentorships_as_mentee.get()
        start = (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
        return f.SessionFactory(mentorship=mentorship, starts_at=start)

    return make


def test_mentee_books_a_slot_and_sees_it_in_their_zone(
    page, login, screenshot, mentee, available_mentor
):
    login(mentee)
    page.get_by_role("link", name="See your schedule", exact=True).click()
    page.get_by_role("link", name="Book a session", exact=True).click()  # no regular time yet
    expect(page.get_by_text(re.compile(r"Times are in your zone, CES?T"))).to_be_visible()
    screenshot("slot-picker")

    page.locator("button.slot").first.click()

    # The confirmation step: nothing is booked until the person confirms.
    expect(page.get_by_role("heading", name="Confirm your session with")).to_be_visible()
    expect(page.get_by_test_id("your-time")).to_be_visible()
    expect(page.get_by_text(f"For {available_mentor.name}")).to_be_visible()
    expect(page.get_by_text("45 minutes")).to_be_visible()
    expect(page.get_by_role("link", name="Pick another time")).to_be_visible()
    screenshot("booking-confirm")
    assert not Session.objects.exists()
    page.get_by_role("button", name="Confirm booking").click()

    expect(page.get_by_text("Session booked")).to_be_visible()
    session = Session.objects.get()
    local = session.starts_at.astimezone(ZoneInfo("Europe/Berlin"))
    page.get_by_role("link", name="← Back to your schedule").click()
    expect(page.get_by_text(f"{local:%A} {local.day} {local:%B}, {local:%H:%M}")).to_be_visible()
    screenshot("schedule")


def test_cancel_25_hours_ahead_is_on_time_and_offers_a_makeup(
    page, login, screenshot, mentee, session_in
):
    session = session_in(25)
    login(mentee)
    page.goto(f"/p/bootcamp/sessions/{session.pk}/")
    page.get_by_role("link", name="Cancel it").click()
    expect(page.get_by_text("on-time cancellation")).to_be_visible()

    page.get_by_label("I'm ill").check()
    page.get_by_role("button", name="Cancel the session").click()

    expect(page.get_by_text("Session cancelled on time")).to_be_visible()
    expect(page.get_by_role("link", name="Book a makeup")).to_be_visible()
    screenshot("session-cancelled")
    session.refresh_from_db()
    assert session.cancellation_kind == "on_time"


def test_cancel_2_hours_ahead_is_late(page, login, mentee, session_in):
    session = session_in(2)
    login(mentee)
    page.goto(f"/p/bootcamp/sessions/{session.pk}/cancel/")
    expect(page.get_by_text("late cancellation")).to_be_visible()

    page.get_by_label("Something else came up").check()
    page.get_by_role("button", name="Cancel the session").click()

    expect(page.get_by_text(re.compile("Session cancelled late"))).to_be_visible()
    expect(page.get_by_role("link", name="Ask for a makeup")).to_be_visible()
    session.refresh_from_db()
    assert session.cancellation_kind == "late"


def test_didnt_finish_my_work_offers_to_keep_the_session(
    page, login, screenshot, mentee, session_in
):
    session = session_in(48)
    login(mentee)
    page.goto(f"/p/bootcamp/sessions/{session.pk}/cancel/")

    page.get_by_label("I didn't finish my work").check()
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.get_by_role("heading", name="This session is still worth holding")).to_be_visible()
    screenshot("keep-session")
    page.get_by_label("Pair on my project together").check()
    page.get_by_role("button", name="Keep the session with this plan").click()

    expect(page.get_by_text("the session stays, with a new plan")).to_be_visible()
    session.refresh_from_db()
    assert (session.status, session.agenda_switch) == ("scheduled", "pair_on_project")


def test_moving_inside_the_notice_period_says_it_counts_as_late(
    page, login, mentee, available_mentor, session_in
):
    session = session_in(6)
    login(mentee)
    page.goto(f"/p/bootcamp/sessions/{session.pk}/reschedule/?week=1")
    page.locator("button.slot").first.click()

    expect(page.get_by_role("heading", name="Confirm the move")).to_be_visible()
    expect(page.get_by_text("counts as a late cancellation")).to_be_visible()
    page.get_by_role("button", name="Confirm the move").click()

    expect(page.get_by_text("the old time counts as a late cancellation")).to_be_visible()
    record = Session.objects.get(moved_to=session)
    assert (record.status, record.cancellation_kind) == ("cancelled", "late")


def test_the_mentor_holds_a_session_at_its_own_link_and_join_is_offered(
    page, login, screenshot, mentor, mentee, session_in
):
    session = session_in(0.05)  # starts in three minutes: "Join" is already there
    login(mentor)
    page.goto(f"/p/bootcamp/sessions/{session.pk}/")
    page.get_by_text("Hold this session at another link").click()

    page.get_by_label("This session's meeting link").fill("http://meet.example.org/plain")
    page.get_by_role("button", name="Save the link").click()
    expect(page.get_by_text("Enter a full https:// address")).to_be_visible()
    session.refresh_from_db()
    assert session.meeting_url == ""

    page.get_by_label("This session's meeting link").fill("https://meet.example.org/our-room")
    page.get_by_role("button", name="Save the link").click()

    expect(page.get_by_text("Saved: this session is held at its own link now.")).to_be_visible()
    expect(page.get_by_role("link", name="Join", exact=True)).to_have_attribute(
        "href", "https://meet.example.org/our-room"
    )
    screenshot("session-own-link")
    session.refresh_from_db()
    assert session.meeting_url == "https://meet.example.org/our-room"
