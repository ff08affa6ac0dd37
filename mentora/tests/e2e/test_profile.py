"""People edit their profile in a real browser; bad input is refused with a clear message."""

import re

from playwright.sync_api import expect

from mentora.accounts.models import MenteeProfile, MentorProfile


def open_profile(page, login, user):
    login(user)
    page.get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()


def save(page):
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state()


def test_profile_edit_mentee_saves_changes(page, login, screenshot, mentee):
    open_profile(page, login, mentee)

    page.locator("#id_account-name").fill("Mia Renamed")
    page.locator("#id_account-time_zone").fill("America/Sao_Paulo")
    page.locator("#id_mentee-learning").fill("Data engineering with Python")
    page.locator("#id_mentee-stack").fill("Python, pandas, SQL")
    page.get_by_label("Data", exact=True).check()
    page.locator("#id_background-first_in_family").check()
    save(page)

    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.locator("#id_mentee-stack")).to_have_value("Python, SQL, pandas")
    screenshot("profile-edit")
    mentee.refresh_from_db()
    profile = MenteeProfile.objects.get(user=mentee)
    assert (mentee.name, mentee.time_zone) == ("Mia Renamed", "America/Sao_Paulo")
    assert profile.learning == "Data engineering with Python"
    assert sorted(profile.stack_names()) == ["Python", "SQL", "pandas"]
    assert profile.interests == ["backend", "data"]
    assert mentee.background_answers.get().field == "first_in_family"


def test_profile_edit_unknown_time_zone_is_refused(page, login, mentee):
    open_profile(page, login, mentee)

    page.locator("#id_mentee-learning").fill("Something that must not be saved")
    page.locator("#id_account-time_zone").fill("Mars/Olympus")
    save(page)

    expect(page.locator("#about-you")).to_contain_text("“Mars/Olympus” is not a time zone we know")
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    mentee.refresh_from_db()
    assert mentee.time_zone == "Europe/Berlin"
    assert (
        MenteeProfile.objects.get(user=mentee).learning == "Full-stack web development with Python"
    )


def test_profile_edit_overlong_text_is_refused(page, login, mentee):
    open_profile(page, login, mentee)

    page.locator("#id_account-name").fill("Not Saved")
    page.locator("#id_mentee-prior_background").fill("a" * 1001)
    save(page)

    expect(page.locator("#as-mentee")).to_contain_text("at most 1000 characters (you wrote 1001)")
    mentee.refresh_from_db()
    assert mentee.name == "Mia Mentee"
    assert MenteeProfile.objects.get(user=mentee).prior_background == ""


def test_profile_edit_malformed_url_is_refused_for_a_mentor(page, login, screenshot, mentor):
    open_profile(page, login, mentor)

    page.locator("#id_mentor-headline").fill("Not saved either")
    page.locator("#id_mentor-github_url").fill("http//github com/mo")
    save(page)

    expect(page.locator("#as-mentor")).to_contain_text("Enter a full web address starting with")
    screenshot("profile-edit-errors")
    profile = MentorProfile.objects.get(user=mentor)
    assert profile.github_url == ""
    assert profile.headline == "Backend engineer who likes teaching"


def test_mentor_page_opened_from_the_mentee_dashboard_shows_the_stack(
    page, login, screenshot, mentee, mentor
):
    login(mentee)

    page.get_by_role("link", name="Mo Mentor", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/p/bootcamp/mentors/{mentor.pk}/$"))
    stack = page.get_by_role("region", name="Technical stack")
    expect(stack.get_by_text("Python", exact=True)).to_be_visible()
    expect(stack.get_by_text("Django", exact=True)).to_be_visible()
    expect(page.get_by_text("Has room")).to_be_visible()
    screenshot("mentor-page")


def test_mentee_page_opened_by_their_mentor_shows_what_they_learn(
    page, login, screenshot, mentee, mentor
):
    login(mentor)

    page.get_by_role("link", name="Mia Mentee", exact=True).click()

    expect(page.get_by_role("heading", name="Mia Mentee")).to_be_visible()
    expect(page.get_by_text("Full-stack web development with Python")).to_be_visible()
    expect(page.get_by_role("region", name="People")).to_contain_text("Sam Success")
    screenshot("mentee-page")
