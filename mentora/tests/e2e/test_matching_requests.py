"""A mentee filters the directory, reads a mentor's page and asks them; the mentor
accepts with a weekly time; the mentee then sees their mentor."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from mentora.accounts.choices import KnowledgeArea
from mentora.matching.models import MentorRequest, RequestStatus
from mentora.matching.tests.people import MESSAGE, mentee_in, mentor_in
from mentora.programs.models import Mentorship
from mentora.scheduling.models import Session


def test_mentee_finds_asks_and_gets_a_mentor(page, login, screenshot, program):
    seeker = mentee_in(program, "Sid Seeker", stack=["Python"], interests=[KnowledgeArea.BACKEND])
    ana = mentor_in(
        program,
        "Ana Backend",
        time_zone="Europe/London",
        hours=((1, 17, 20),),
        stack=["Python", "Django"],
    )
    mentor_in(program, "Ben Frontend", stack=["React"], knowledge_areas=[KnowledgeArea.FRONTEND])

    # The mentee filters the directory.
    login(seeker)
    page.get_by_role("main").get_by_role("link", name="Find a mentor").first.click()
    expect(page.get_by_role("heading", name="Find a mentor")).to_be_visible()
    page.locator("summary", has_text="Technical stack").click()
    page.get_by_label("Django").check()
    page.get_by_role("button", name="Show mentors").click()
    expect(page.get_by_role("heading", name="1 mentor matches your filters")).to_be_visible()
    card = page.locator(".directory-card", has_text="Ana Backend")
    expect(card.locator(".why")).to_contain_text("Python")
    expect(page.get_by_text("Ben Frontend")).to_have_count(0)
    screenshot("mentor-directory")

    # Reads the mentor's page and asks.
    card.get_by_role("link", name="Read their page").click()
    expect(page.get_by_role("heading", name="Ana Backend")).to_be_visible()
    page.get_by_role("link", name="Request as my mentor").click()
    page.get_by_label("What do you want to achieve with this mentor?").fill(MESSAGE)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request went to Ana Backend")).to_be_visible()

    # The mentor accepts, proposing a weekly time from their availability.
    page.context.clear_cookies()
    login(ana)
    waiting = page.locator("[data-home=mentor-requests]")
    expect(waiting).to_contain_text("Requests waiting for you")
    waiting.get_by_role("link", name="Sid Seeker").click()
    expect(page.get_by_text("land my first developer job")).to_be_visible()
    slot = page.get_by_label("Regular time (your zone)")
    expect(slot.locator("option", has_text=re.compile(r"Tuesday 18:00 (GMT|BST)"))).to_have_text(
        re.compile(r"for them Tuesday 19:00 CES?T")
    )
    slot.select_option("1-18:00")
    screenshot("request-accept")
    page.get_by_role("button", name="Accept and propose this time").click()
    expect(page.get_by_text("You're now Sid Seeker's mentor")).to_be_visible()

    # The mentee sees their mentor.
    page.context.clear_cookies()
    login(seeker)
    expect(page.locator(".people a.person-name", has_text="Ana Backend")).to_be_visible()
    screenshot("mentee-has-a-mentor")
    assert MentorRequest.objects.get().status == RequestStatus.ACCEPTED
    mentorship = Mentorship.objects.live().get(mentee=seeker)
    assert mentorship.mentor == ana
    assert Session.objects.filter(mentorship=mentorship).exists()
