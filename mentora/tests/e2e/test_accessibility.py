"""axe-core (npm, pinned in package.json) on the pages each role lives in:
the home, every header section, and a session's pages, in a real Chromium.

Serious and critical violations fail the test, with axe's own words and the
elements it found. The context bypasses the Content-Security-Policy only so
that axe's script can be injected; test_csp.py checks the policy itself.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.home.tests.test_nav import SECTIONS
from mentora.tests import factories as f

REPO = Path(__file__).resolve().parents[3]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def _axe_source() -> str:
    if AXE.exists():
        return AXE.read_text(encoding="utf-8")
    message = "axe-core isn't installed (needs Node.js and npm): run `make install`"
    if os.environ.get("MENTORA_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def axe_page(browser, live_server):
    source = _axe_source()
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.axe_source = source  # type: ignore[attr-defined]
    yield page
    context.close()


def _log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _violations(page) -> list[str]:
    page.add_script_tag(content=page.axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url}: [{v['impact']}] {v['id']}: {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def _session_pages(program, mentee) -> list[str]:
    mentorship = mentee.mentorships_as_mentee.get()
    soon = timezone.now() + timedelta(days=2)
    past = timezone.now() - timedelta(days=2)
    upcoming = f.SessionFactory(mentorship=mentorship, starts_at=soon)
    held = f.SessionFactory(
        mentorship=mentorship, starts_at=past, ends_at=past + timedelta(minutes=45)
    )
    return [
        reverse("session_detail", args=[program.slug, upcoming.pk]),
        reverse("agenda", args=[program.slug, upcoming.pk]),
        reverse("session_workspace", args=[program.slug, held.pk]),
        reverse("session_detail", args=[program.slug, held.pk]),
        reverse("session_book", args=[program.slug, mentorship.pk]),
    ]


@pytest.mark.parametrize("person", list(SECTIONS))
def test_each_roles_pages_have_no_serious_accessibility_violations(
    request, axe_page, program, mentee, person
):
    extra = _session_pages(program, mentee) if person in ("mentee", "mentor") else []
    _log_in(axe_page, request.getfixturevalue(person))
    axe_page.goto(reverse("program_home", args=[program.slug]))
    # The header's own links, as the person would click them.
    sections = [
        axe_page.locator(f'nav.nav-wide a[data-nav-name="{name}"]').get_attribute("href")
        for name in SECTIONS[person]
    ]
    pages = [p for p in sections if p] + extra
    pages += [reverse("home"), reverse("inbox"), reverse("profile_edit")]
    pages += [reverse("account_sessions")]

    found: list[str] = []
    for path in pages:
        axe_page.goto(path)
        axe_page.wait_for_load_state()
        assert "Page not found" not in axe_page.content(), path
        found += _violations(axe_page)

    assert not found, "\n".join(found)
