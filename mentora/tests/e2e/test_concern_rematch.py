"""When it isn't working: a mentee raises a concern, their success manager
re-matches them, and the mentee sees the new mentor and keeps the old
mentorship in their history."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from mentora.matching.models import Concern
from mentora.programs.models import Mentorship, Role
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f

WORRY = "We never manage to meet at a time that works, and I leave without next steps."


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def test_mentee_raises_a_concern_and_is_rematched(
    page, login, screenshot, program, mentee, mentor, success_manager
):
    nia = f.UserFactory(name="Nia New")
    f.MembershipFactory(user=nia, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=nia, capacity=2)
    old = Mentorship.objects.get(mentee=mentee, mentor=mentor)
    held = f.SessionFactory(
        mentorship=old, starts_at=timezone.now() - timedelta(days=7), status=SessionStatus.HELD
    )
    upcoming = f.SessionFactory(mentorship=old, starts_at=timezone.now() + timedelta(days=2))

    # The mentee raises a concern from their home page.
    login(mentee)
    page.get_by_role("link", name="Raise a concern").click()
    expect(page.locator("main")).to_contain_text("Mo Mentor does not see it")
    page.get_by_label("Our schedules don't work together").check()
    page.get_by_label("Tell your success manager more").fill(WORRY)
    page.get_by_role("button", name="Send to my success manager").click()
    expect(page.get_by_role("status")).to_contain_text("Your concern went to your success manager")
    log_out(page)

    # The success manager sees it first and re-matches from it.
    login(success_manager)
    attention = page.locator("[data-role=attention]")
    expect(attention).to_contain_text(WORRY)
    attention.get_by_role("link", name="Mia Mentee").first.click()
    expect(page.locator("#concern")).to_contain_text(WORRY)
    expect(page.locator("#mentorship-record")).to_contain_text("Held")
    screenshot("concern-for-staff")
    page.get_by_role("link", name="Re-match with another mentor").click()
    form = page.get_by_role("form", name="Re-match")
    expect(form.get_by_role("radio", name="Mo Mentor")).to_have_count(0)  # not suggested
    form.get_by_label("Nia New").check()
    form.get_by_label("Why the current mentorship ends").select_option("not_a_fit")
    form.get_by_label("Note (kept with the ended mentorship)").fill("Schedules never fit.")
    screenshot("rematch")
    form.get_by_role("button", name="End and re-match").click()
    expect(page.get_by_role("status")).to_contain_text("is now matched with Nia New")
    history = page.locator("#mentorship-history")
    expect(history.locator("[data-status=active]")).to_contain_text("Nia New")
    expect(history.locator("[data-status=ended]")).to_contain_text("Mo Mentor")
    log_out(page)

    # The mentee sees the new mentor, and the old mentorship is in their history.
    login(mentee)
    expect(page.locator("[data-role=mentee]")).to_contain_text("Nia New")
    past = page.locator("#past-mentorships")
    expect(past).to_contain_text("Mo Mentor")
    expect(past).to_contain_text("Not a fit")
    screenshot("mentee-after-rematch")
    past.get_by_role("link", name="Your full mentorship history").click()
    expect(page.locator("#mentorship-history")).to_contain_text("1 session held")
    expect(page.locator("#mentorship-history")).to_contain_text("Concern: Our schedules")

    concern = Concern.objects.get()
    upcoming.refresh_from_db()
    held.refresh_from_db()
    assert (concern.outcome, concern.new_mentorship.mentor) == ("rematched", nia)
    assert upcoming.status == SessionStatus.CANCELLED
    assert held.status == SessionStatus.HELD
