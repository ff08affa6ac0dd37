"""The in-app inbox in a real browser: a new message shows with its unread
count in the header, and marking it read clears the count."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from mentora.notifications.models import Notification, NotificationPreference
from mentora.notifications.tasks import deliver_event
from mentora.tests import factories as f


def test_inbox_shows_a_new_message_and_marking_it_read_clears_the_count(
    page, login, screenshot, mentorship, mentee, mentor
):
    session = f.SessionFactory(mentorship=mentorship, starts_at=timezone.now() + timedelta(days=2))
    # The mentor booked it: the mentee hears of it (inbox and email), as the worker would do.
    deliver_event.call("session_booked", session.pk, {"sequence": 0, "by_id": mentor.pk})
    login(mentee)

    inbox_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox")
    expect(inbox_link).to_contain_text("1 unread")
    inbox_link.click()
    expect(page.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()
    item = page.locator(".inbox-item").first
    expect(item).to_contain_text("Session booked with Mo Mentor")
    expect(item).to_contain_text("New")
    screenshot("inbox-unread")

    item.get_by_role("button", name="Mark read").click()
    page.wait_for_load_state()

    expect(page.locator("#unread-count")).to_have_count(0)
    expect(page.locator(".inbox-item").first).not_to_contain_text("New")
    expect(page.get_by_role("button", name="Mark read")).to_have_count(0)
    assert Notification.objects.get(recipient=mentee).read_at is not None
    screenshot("inbox-read")


def test_preferences_turn_a_kind_off_and_keep_cancellations_on(page, login, screenshot, mentee):
    login(mentee)
    page.goto("/inbox/")
    page.get_by_role("link", name="Choose what reaches you and how").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.get_by_label("Cancellations of my sessions")).to_be_disabled()

    page.get_by_label("Reflection and feedback requests").select_option("digest")
    page.get_by_label("Mentor requests").select_option("off")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(page.get_by_label("Mentor requests")).to_have_value("off")
    screenshot("notification-preferences")
    saved = dict(NotificationPreference.objects.filter(user=mentee).values_list("kind", "choice"))
    assert saved["after_session"] == "digest" and saved["mentor_requests"] == "off"
