"""A mentor connects their own calendar in a real browser: from the
availability page to Your calendars, an iCalendar address on a real local
server, read at once; then refreshed and disconnected."""

import pytest
from playwright.sync_api import expect

from mentora.scheduling.models import BusyInterval, CalendarConnection
from mentora.scheduling.tests.calendar_server import CalendarServer, fixture

SECRET_PATH = "/calendar/ical/mo%40example.org/private-5e1f/basic.ics"


@pytest.fixture
def calendar_server(settings):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = True
    with CalendarServer() as server:
        server.serve(SECRET_PATH, fixture("google_export.ics"), etag='"v1"')
        yield server


def test_mentor_connects_refreshes_and_disconnects_a_calendar(
    page, login, screenshot, mentor, calendar_server
):
    login(mentor)
    page.goto("/p/bootcamp/availability/")
    section = page.locator("#your-calendars")
    expect(section).to_contain_text("No calendar connected yet.")
    section.get_by_role("link", name="Connect or manage your calendars").click()
    expect(page.get_by_role("heading", name="Your calendars", exact=True)).to_be_visible()

    page.get_by_label("Private iCalendar address (read only)").check()
    page.get_by_label("Name (for you)").fill("Work")
    page.get_by_role("textbox", name="Calendar or server address").fill(
        calendar_server.url(SECRET_PATH)
    )
    page.get_by_role("button", name="Connect", exact=True).click()

    expect(page.get_by_text("Calendar connected and read")).to_be_visible()
    listing = page.get_by_test_id("calendar-connection")
    expect(listing).to_contain_text("Work")
    expect(listing).to_contain_text("127.0.0.1")
    expect(listing).to_contain_text("Last read")
    assert "private-5e1f" not in page.content()
    assert BusyInterval.objects.filter(connection__owner=mentor).exists()
    screenshot("calendars")

    page.get_by_role("button", name="Refresh now").click()
    expect(page.get_by_text("Calendar read again.")).to_be_visible()

    page.get_by_role("button", name="Disconnect Work").click()
    expect(page.get_by_text("Calendar disconnected")).to_be_visible()
    expect(page.get_by_text("No calendar connected yet.")).to_be_visible()
    assert not CalendarConnection.objects.filter(owner=mentor).exists()


def test_a_private_address_is_refused_in_the_form(page, login, mentor, settings):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = False
    login(mentor)
    page.goto("/accounts/calendars/")
    page.get_by_role("textbox", name="Calendar or server address").fill(
        "https://192.168.0.10/calendar.ics"
    )
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="private or local address")).to_be_visible()
    assert not CalendarConnection.objects.exists()
