"""In a browser: each role reaches its header sections by clicking, on a wide
screen and behind the phone menu; screenshots of each home at 1280 and 390."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mentora.home.tests.test_nav import SECTIONS
from mentora.tests import factories as f
from mentora.tests.e2e.conftest import SCREENSHOTS


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def _open(user, width):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(f.TEST_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        return page

    yield _open
    for context in contexts:
        context.close()


def _some_work(mentee):
    """An 8-day-old session awaiting attendance, so the homes have something to show."""
    mentorship = mentee.mentorships_as_mentee.get()
    starts = timezone.now() - timedelta(days=8)
    f.SessionFactory(
        mentorship=mentorship, starts_at=starts, ends_at=starts + timedelta(minutes=45)
    )


@pytest.mark.parametrize("person", list(SECTIONS))
@pytest.mark.parametrize("width", [1280, 390])
def test_each_role_clicks_through_its_sections(request, open_page, program, mentee, person, width):
    _some_work(mentee)
    user = request.getfixturevalue(person)
    page = open_page(user, width)
    page.wait_for_selector("#needs-you-now")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"home-{person}-{width}.png"), full_page=True)

    for name in SECTIONS[person]:
        if width < 760:
            page.locator("details.nav-narrow > summary").click()
            link = page.locator(f'details.nav-narrow a[data-nav-name="{name}"]')
        else:
            link = page.locator(f'nav.nav-wide a[data-nav-name="{name}"]')
        link.click()
        page.wait_for_load_state()
        assert page.locator(f'a[data-nav-name="{name}"][aria-current="page"]').count() >= 1, name
        assert "Page not found" not in page.content()


@pytest.mark.parametrize("width", [1280, 390])
def test_an_unmatched_mentee_starts_at_find_a_mentor(open_page, program, width):
    from mentora.programs.models import Role

    una = f.UserFactory(name="Una Unmatched")
    f.MembershipFactory(user=una, program=program, role=Role.MENTEE)
    page = open_page(una, width)
    page.screenshot(path=str(SCREENSHOTS / f"home-unmatched-mentee-{width}.png"), full_page=True)

    assert page.locator("#find-a-mentor").is_visible()
    assert page.locator("#next-session").count() == 0
    assert "Your success manager will match you" not in page.content()
    page.locator("#find-a-mentor").get_by_role("link", name="Find a mentor").click()
    page.wait_for_url("**/mentors/")
