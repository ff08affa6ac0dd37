"""A mentee writes the mentorship's goals, the mentor comments, and the
mentee's dashboard shows them."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from mentora.mentoring.models import Agenda
from mentora.tests import factories as f

FIRST = "Have three portfolio projects ready to show by June"
SECOND = "Pass two technical interviews with a clear explanation of my code"


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def arrange_a_running_mentorship(mentee):
    """A held session with notes, the next one half prepared, a question and an item."""
    mentorship = mentee.mentorships_as_mentee.get()
    now = timezone.now()
    last = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(days=6), status="held")
    f.NoteFactory(session=last, body="Practise SQL joins on the bookings table.")
    f.NoteFactory(session=last, body="PRIVATE: ask Sam how Mia is doing", shared=False)
    upcoming = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=1))
    Agenda.objects.create(session=upcoming, goal="Review my portfolio's README")
    f.QuestionFactory(program=mentorship.program, mentee=mentee)
    f.ActionItemFactory(mentorship=mentorship, due_on=now.date() - timedelta(days=1))


def test_mentee_writes_goals_mentor_comments_dashboard_shows_them(
    page, login, screenshot, mentee, mentor
):
    arrange_a_running_mentorship(mentee)
    login(mentee)
    page.get_by_role("link", name="Write your goals").click()
    add_form = page.get_by_role("form", name="Add a goal")
    add_form.get_by_label("Goal").fill(FIRST)
    add_form.get_by_role("button", name="Add goal").click()
    expect(page.get_by_role("status")).to_contain_text("Goal added.")
    page.get_by_text("Add a goal").click()  # the form folds away once there is a goal
    add_form.get_by_label("Goal").fill(SECOND)
    add_form.get_by_role("button", name="Add goal").click()
    expect(page.locator("#active-goals")).to_contain_text(SECOND)
    log_out(page)

    login(mentor)
    mentees = page.locator("[data-role=mentor]")
    expect(mentees).to_contain_text(FIRST)
    expect(mentees).to_contain_text(SECOND)
    mentees.get_by_role("link", name="Goals and working agreement").click()
    first_goal = page.locator("li[data-goal]", has_text=FIRST)
    first_goal.get_by_label("Your comment").fill("Start with the booking app: it shows the most.")
    first_goal.get_by_role("button", name="Save comment").click()
    expect(page.get_by_role("status")).to_contain_text("Comment saved.")
    expect(page.locator("li[data-goal]", has_text=FIRST)).to_contain_text("Start with the booking")
    log_out(page)

    login(mentee)
    goals = page.locator("#mentorship-goals")
    expect(goals).to_contain_text(FIRST)
    expect(goals).to_contain_text(SECOND)
    expect(page.locator("#next-session")).to_contain_text("Partly prepared")
    expect(page.get_by_role("link", name="Prepare your next session")).to_be_visible()
    expect(page.locator("#last-notes")).to_contain_text("Practise SQL joins")
    expect(page.locator("main")).not_to_contain_text("PRIVATE")
    expect(page.locator("#open-action-items")).to_contain_text("overdue")
    screenshot("dashboard-mentee")
