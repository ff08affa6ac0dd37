"""The whole loop of a session, as the two people click through it.

The mentee writes the mentorship's goals, then a session goal from a template
that points to one of them, brings two questions from the running list and
shares a link; the mentor reads the agenda; both take notes (a private one stays
private); the mentor marks the session held; the mentee reflects, gives
feedback and accepts a suggested practice item, which then shows on their
dashboard and on the next agenda.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from mentora.mentoring.models import ActionItem, Agenda, Feedback, Reflection
from mentora.tests import factories as f

GOAL = "Land a junior backend role by the end of March"


@pytest.fixture
def loop(mentee, mentor, program):
    mentorship = mentee.mentorships_as_mentee.get()
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    session = f.SessionFactory(mentorship=mentorship, starts_at=start)
    following = f.SessionFactory(mentorship=mentorship, starts_at=start + timedelta(days=7))
    for text in ("How should I structure my Django apps?", "Is my CV too long?"):
        f.QuestionFactory(program=program, mentee=mentee, text=text)
    return mentorship, session, following


def as_person(browser, live_server, login_as, user, contexts):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    contexts.append(context)
    context.set_default_timeout(10_000)
    page = context.new_page()
    login_as(page, user)
    return page


@pytest.fixture
def contexts():
    opened: list = []
    yield opened
    for context in opened:
        context.close()


@pytest.fixture
def login_as():
    from mentora.tests.factories import TEST_PASSWORD

    def _login(page, user):
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()

    return _login


def test_the_whole_session_loop(browser, live_server, login_as, contexts, mentee, mentor, loop):
    mentorship, session, following = loop
    me = as_person(browser, live_server, login_as, mentee, contexts)

    # Before: the mentorship's goals, then the session's agenda.
    me.goto(f"/p/bootcamp/mentorships/{mentorship.pk}/goals/")
    add_goal = me.get_by_role("form", name="Add a goal")
    add_goal.get_by_label("Goal").fill(GOAL)
    add_goal.get_by_role("button", name="Add goal").click()
    expect(me.get_by_text(GOAL).first).to_be_visible()

    me.goto(f"/p/bootcamp/sessions/{session.pk}/agenda/")
    me.get_by_role("button", name="What roles make sense for me?").click()
    me.get_by_label("Which of our mentorship goals does it serve?").select_option(label=GOAL)
    me.get_by_role("button", name="Save the agenda").first.click()
    for _ in range(2):
        me.get_by_role("button", name="Bring to this session").first.click()
    me.locator("input[name=url]").fill("https://github.com/mia/portfolio")
    me.get_by_role("button", name="Add link").click()
    me.screenshot(path="test-artifacts/screenshots/agenda.png", full_page=True)
    agenda = Agenda.objects.get(session=session)
    assert agenda.goal and agenda.mentorship_goal.text == GOAL
    assert agenda.agenda_questions.count() == 2 and agenda.links.count() == 1

    # The mentor reads it before the call.
    mo = as_person(browser, live_server, login_as, mentor, contexts)
    mo.goto(f"/p/bootcamp/sessions/{session.pk}/agenda/")
    expect(mo.get_by_text("How should I structure my Django apps?")).to_be_visible()
    expect(mo.get_by_text("https://github.com/mia/portfolio")).to_be_visible()

    with time_machine.travel(session.starts_at + timedelta(minutes=50), tick=True):
        # During and after: notes on both sides, one of them private.
        mo.goto(f"/p/bootcamp/sessions/{session.pk}/workspace/")
        mo.locator("#id_body").fill("Backend roles fit: you like **APIs**.")
        mo.get_by_role("button", name="Save note").click()
        mo.locator("#id_body").fill("Private: check in on confidence next time")
        mo.locator("#id_shared").uncheck()
        mo.get_by_role("button", name="Save note").click()
        mo.screenshot(path="test-artifacts/screenshots/workspace.png", full_page=True)

        me.goto(f"/p/bootcamp/sessions/{session.pk}/workspace/")
        expect(me.get_by_text("you like")).to_be_visible()
        expect(me.get_by_text("check in on confidence")).to_have_count(0)

        mo.goto(f"/p/bootcamp/sessions/{session.pk}/")
        mo.get_by_label("The session was held").check()
        mo.get_by_role("button", name="Record attendance").click()
        expect(mo.get_by_text("Thanks, recorded.")).to_be_visible()

        # After: reflection, feedback, and a small practice item.
        me.goto(f"/p/bootcamp/sessions/{session.pk}/reflect/")
        me.locator("input[name=goal_met][value=yes]").check()
        me.get_by_label("What is the plan now?").fill("Apply to three backend roles a week")
        me.locator("input[name=still_makes_sense][value=yes]").check()
        me.get_by_role("button", name="Save").first.click()
        me.goto(f"/p/bootcamp/sessions/{session.pk}/reflect/")
        me.get_by_label("What was particularly useful?").fill("The roles walk-through")
        me.locator("input[name=rating][value='5']").check()
        me.get_by_role("button", name="Send feedback").click()
        me.get_by_role("button", name="Add this").first.click()
        me.screenshot(path="test-artifacts/screenshots/reflect.png", full_page=True)

        assert Reflection.objects.filter(session=session, author=mentee).exists()
        assert Feedback.objects.get(session=session).rating == 5
        item = ActionItem.objects.get(session=session)

        me.goto("/p/bootcamp/")
        expect(me.get_by_text(item.title).first).to_be_visible()
        me.screenshot(path="test-artifacts/screenshots/dashboard-after-session.png", full_page=True)
        me.goto(f"/p/bootcamp/sessions/{following.pk}/agenda/")
        expect(me.get_by_text(item.title).first).to_be_visible()
        expect(me.get_by_text("you like")).to_be_visible()
