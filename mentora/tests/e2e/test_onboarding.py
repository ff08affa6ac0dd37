"""Onboarding in a real browser: an invited mentee accepts the invitation, walks
the welcome steps and lands on the home with nothing left to finish; a mentor
skips and the home keeps asking."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from mentora.accounts.models import MenteeProfile, User
from mentora.programs import services
from mentora.programs.models import Role
from mentora.tests import factories as f


def test_an_invited_mentee_accepts_and_walks_the_steps(
    live_server, page, admin_user, cohort, screenshot
):
    program = cohort.program
    invited = services.person_invite(
        program=program,
        email="nia@example.org",
        name="Nia New",
        role=Role.MENTEE,
        cohort=cohort,
        invited_by=admin_user,
    )
    link = re.sub(r"^https?://[^/]+", live_server.url, services.invitation_link(invited))

    page.goto(link)
    page.get_by_label(re.compile(r"^New password\W*$")).fill("a-fresh-pass-phrase-42")
    page.get_by_label("New password confirmation").fill("a-fresh-pass-phrase-42")
    page.get_by_role("button", name="Set password and continue").click()

    # Accepting leads home, and the home sends a new person to the welcome steps first.
    expect(page).to_have_url(re.compile(r"/welcome/$"))
    expect(page.get_by_role("heading", name="Welcome, Nia")).to_be_visible()
    page.get_by_role("link", name="Start").click()

    expect(page.get_by_text("Step 1 of 4")).to_be_visible()
    page.locator("#id_account-time_zone").fill("America/Sao_Paulo")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_text("Step 2 of 4")).to_be_visible()
    page.locator("#id_mentee-learning").fill("Backend development with Python")
    page.locator("#id_mentee-target_roles").fill("Junior backend developer")
    page.locator("#id_mentee-stack").fill("Python, Django")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_text("Step 3 of 4")).to_be_visible()
    page.locator("#id_mentee-meets_from").fill("20:00")
    page.locator("#id_mentee-meets_until").fill("09:00")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("must come after its start")).to_be_visible()
    page.locator("#id_mentee-meets_until").fill("22:00")
    page.locator("#id_mentee-meets_from").fill("17:30")
    screenshot("onboarding-your-day")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_text("Step 4 of 4")).to_be_visible()
    page.locator("#id_mentee-wants_shared_background").check()
    page.get_by_role("button", name="Save and finish").click()

    expect(page).to_have_url(re.compile(r"/p/bootcamp/$"))
    expect(page.get_by_role("heading", name="Hello, Nia")).to_be_visible()
    expect(page.get_by_text("Your profile is ready.")).to_be_visible()
    expect(page.get_by_role("link", name="Finish your profile")).to_have_count(0)

    invited.refresh_from_db()
    assert invited.onboarded_at is not None and invited.time_zone == "America/Sao_Paulo"
    profile = MenteeProfile.objects.get(user=invited)
    assert (profile.meets_from.hour, profile.meets_from.minute) == (17, 30)
    assert profile.wants_shared_background


def test_a_mentor_skips_and_the_home_keeps_asking(page, login, program):
    mentor = f.UserFactory(email="max@example.org", name="Max Mentor", onboarded_at=None)
    f.MembershipFactory(user=mentor, program=program, role=Role.MENTOR)
    login(mentor)

    expect(page).to_have_url(re.compile(r"/welcome/$"))
    page.get_by_role("button", name="Skip for now").click()

    expect(page).to_have_url(re.compile(r"/p/bootcamp/$"))
    card = page.get_by_role("link", name="Finish your profile")
    expect(card).to_be_visible()
    # Other pages open now; the card stays until the profile is done.
    page.goto("/p/bootcamp/mentors/")
    expect(page).to_have_url(re.compile(r"/p/bootcamp/mentors/$"))
    page.goto("/p/bootcamp/")
    page.get_by_role("link", name="Finish your profile").click()
    # The name is there already: the first unfinished step is the strengths.
    expect(page.get_by_role("heading", name="What you are good at")).to_be_visible()
    expect(page.get_by_text("Step 2 of 4")).to_be_visible()
    assert User.objects.get(pk=mentor.pk).onboarding_skipped_at is not None
