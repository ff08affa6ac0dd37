"""The agenda is one form: what the mentee types is never lost.

Typed into the goal and "What I've been working on", then "Add link": the text
is still there and saved (the browser's own form submission, no script needed).
A template never replaces a typed goal without asking; on an empty goal the
small script fills it without a reload. Deleting a note asks first."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentora.mentoring.models import Agenda, Note
from mentora.tests import factories as f

GOAL = "Walk through my system design answer"
WORKING_ON = "The booking project's tests"


@pytest.fixture
def upcoming(mentorship):
    return f.SessionFactory(mentorship=mentorship, starts_at=timezone.now() + timedelta(days=2))


def test_typed_text_survives_adding_a_link(page, login, screenshot, mentee, upcoming):
    login(mentee)
    page.goto(f"/p/bootcamp/sessions/{upcoming.pk}/agenda/")

    page.get_by_label("My goal for this session").fill(GOAL)
    page.get_by_label("What I've been working on").fill(WORKING_ON)
    page.locator("#id_url").fill("https://github.com/mia/portfolio")
    page.get_by_role("button", name="Add link").click()

    expect(page.get_by_text("Link added.")).to_be_visible()
    expect(page.get_by_label("My goal for this session")).to_have_value(GOAL)
    expect(page.get_by_label("What I've been working on")).to_have_value(WORKING_ON)
    expect(page.get_by_role("link", name="https://github.com/mia/portfolio")).to_be_visible()
    screenshot("agenda-after-add-link")
    agenda = Agenda.objects.get(session=upcoming)
    assert (agenda.goal, agenda.working_on) == (GOAL, WORKING_ON)
    assert agenda.links.get().url == "https://github.com/mia/portfolio"


def test_a_bad_link_keeps_everything_typed(page, login, mentee, upcoming):
    login(mentee)
    page.goto(f"/p/bootcamp/sessions/{upcoming.pk}/agenda/")

    page.get_by_label("My goal for this session").fill(GOAL)
    page.locator("#id_url").fill("ftp://files.example.org/cv.pdf")
    page.get_by_role("button", name="Add link").click()

    expect(page.get_by_text("Use a web address starting with http:// or https://.")).to_be_visible()
    expect(page.get_by_label("My goal for this session")).to_have_value(GOAL)
    expect(page.locator("#id_url")).to_have_value("ftp://files.example.org/cv.pdf")
    assert not Agenda.objects.filter(session=upcoming).exists()


def test_a_template_asks_before_replacing_a_typed_goal(page, login, screenshot, mentee, upcoming):
    login(mentee)
    page.goto(f"/p/bootcamp/sessions/{upcoming.pk}/agenda/")

    page.get_by_label("My goal for this session").fill(GOAL)
    page.get_by_role("button", name="How can I get better at interviews?").click()

    expect(page.get_by_role("button", name="Replace my goal with this")).to_be_visible()
    expect(page.get_by_label("My goal for this session")).to_have_value(GOAL)
    screenshot("agenda-template-offer")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("agenda-template-offer-phone")
    page.get_by_role("button", name="Add it below my goal").click()

    expected = f"{GOAL}\nHow can I get better at interviews?"
    expect(page.get_by_label("My goal for this session")).to_have_value(expected)
    assert Agenda.objects.get(session=upcoming).goal == expected


def test_a_template_fills_an_empty_goal_without_a_reload(page, login, mentee, upcoming):
    login(mentee)
    page.goto(f"/p/bootcamp/sessions/{upcoming.pk}/agenda/")
    page.get_by_label("What I've been working on").fill(WORKING_ON)
    page.evaluate("window.notReloaded = true")

    page.get_by_role("button", name="Review my code").click()

    expect(page.get_by_label("My goal for this session")).to_have_value("Review my code")
    assert page.evaluate("window.notReloaded") is True  # the script filled it in place
    page.get_by_role("button", name="Save the agenda").first.click()
    expect(page.get_by_text("Agenda saved.")).to_be_visible()
    agenda = Agenda.objects.get(session=upcoming)
    assert (agenda.goal, agenda.goal_template, agenda.working_on) == (
        "Review my code",
        "code_review",
        WORKING_ON,
    )


def test_deleting_a_note_asks_first(page, login, screenshot, mentee, mentorship):
    held = f.SessionFactory(mentorship=mentorship, starts_at=timezone.now() - timedelta(hours=2))
    note = f.NoteFactory(session=held, author=mentee, body="Ask about **pagination**")
    login(mentee)
    page.goto(f"/p/bootcamp/sessions/{held.pk}/workspace/")

    page.get_by_role("button", name="Delete…").click()
    expect(page.get_by_role("heading", name="Delete this note?")).to_be_visible()
    screenshot("note-delete-confirm")
    assert Note.objects.filter(pk=note.pk).exists()
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_text("pagination", exact=True)).to_be_visible()

    page.get_by_role("button", name="Delete…").click()
    page.get_by_role("button", name="Delete the note").click()
    expect(page.get_by_text("Note deleted.")).to_be_visible()
    assert not Note.objects.filter(pk=note.pk).exists()
