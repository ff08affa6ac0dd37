"""Each role logs in through the real login page and lands on its own home."""

import re

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize(
    ("person", "heading"),
    [
        ("mentee", "Your mentor"),
        ("mentor", "Your mentees"),
        ("success_manager", "Your caseload"),
        ("admin_user", "The program's people"),
    ],
)
def test_each_role_lands_on_its_home(
    request, page, login, screenshot, mentee, other_mentee, person, heading
):
    user = request.getfixturevalue(person)

    login(user)

    expect(page).to_have_url(re.compile(r"/p/bootcamp/$"))
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    screenshot(f"home-{person}")


def test_wrong_password_shows_message_and_stays_logged_out(page, login, mentee):
    login(mentee, password="not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("not correct")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
