"""A mentor keeps their availability in a real browser and sees their open times."""

from datetime import time

from playwright.sync_api import expect

from mentora.scheduling.models import WeeklyHours


def open_availability(page, login, mentor):
    login(mentor)
    page.goto("/p/bootcamp/availability/")
    expect(page.get_by_role("heading", name="Your availability")).to_be_visible()


def add_weekly(page, day: str, start: str, end: str):
    form = page.get_by_role("form", name="Add weekly hours")
    form.get_by_label("Day").select_option(label=day)
    form.get_by_label("Start").fill(start)
    form.get_by_label("End").fill(end)
    form.get_by_role("button", name="Add hours").click()
    page.wait_for_load_state()
    return form


def test_availability_mentor_adds_hours_and_sees_open_times(page, login, screenshot, mentor):
    open_availability(page, login, mentor)
    expect(page.get_by_text("Times are in your zone, America/New_York")).to_be_visible()
    expect(page.locator("#preview")).to_contain_text("Add weekly hours to see your open times")

    add_weekly(page, "Tuesday", "18:00", "20:00")

    expect(page.get_by_text("Added Tuesday 18:00–20:00.")).to_be_visible()
    expect(page.locator("#weekly")).to_contain_text("18:00–20:00")
    expect(page.get_by_role("button", name="Remove Tuesday 18:00–20:00")).to_be_visible()
    # Fourteen days always hold a Tuesday evening beyond the 12-hour booking notice.
    preview = page.locator("#preview")
    expect(preview.get_by_role("heading", name="Tuesday")).not_to_have_count(0)
    expect(preview.get_by_role("listitem").filter(has_text="18:00")).not_to_have_count(0)
    assert WeeklyHours.objects.filter(
        mentor=mentor, weekday=1, start_time=time(18), end_time=time(20)
    ).exists()

    form = add_weekly(page, "Wednesday", "18:00", "17:00")

    expect(form).to_contain_text("The end (17:00) must be after the start (18:00).")
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    screenshot("availability")
    assert WeeklyHours.objects.filter(mentor=mentor).count() == 1
