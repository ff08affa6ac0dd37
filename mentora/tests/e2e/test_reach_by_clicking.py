"""In a browser, each role reaches every program page it may open by following
links only: log in through the login page, start at the program home, and walk
the a[href] found on the pages, breadth first, never typing a URL.

"May open" comes from the URL patterns themselves (the source test_nav.py
uses): every program page that answers the role 200 with HTML for some object
of a world with something on every page (a session upcoming, one awaiting
attendance, one held, a pulse, a concern, a request, a goal, a bulk run...).

The same walk runs axe-core on the first page of each URL name it reaches, so
one crawl shows both that nothing is out of reach and that every main page has
no serious or critical accessibility violation.
"""

from __future__ import annotations

from collections import deque
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, URLPattern, resolve, reverse
from django.utils import timezone

from mentora import urls as root_urls
from mentora.applications.tests.factories import (
    ApplicationFactory,
    QuestionFactory,
    RoundFactory,
    answer,
)
from mentora.matching.models import BulkMatchRun, BulkObjective
from mentora.matching.tests.factories import ConcernFactory, MentorRequestFactory, PulseFactory
from mentora.programs.models import Role
from mentora.scheduling.booking.services import session_cancel
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f
from mentora.tests.e2e.conftest import SCREENSHOTS
from mentora.tests.e2e.test_accessibility import _axe_source, _violations

ROLES = ["mentee", "mentor", "success_manager", "admin_user"]
CAP = 200  # pages per role
PER_NAME = 3  # distinct paths visited per URL name (sessions, people...)
# Files, not pages: a click downloads them.
DOWNLOADS = {
    "session_ics",
    "people_import_template",
    "insights_csv",
    "agenda_file",
    "calendar_feed",
    "privacy_export",
}
# A mentee's or a mentor's own pages answer any member of the program (empty
# for the others), so they aren't the others' pages to be linked for them.
_MENTEE_PAGES = {
    "questions": "a mentee's questions",
    "action_items": "a mentee's action items (a mentor sees them in the workspace)",
    "mentor_directory": "for a mentee looking for a mentor",
    "mentor_request": "for a mentee looking for a mentor",
}
_PARTY_PAGES = {
    "my_feedback": "a mentor's feedback",
    "mentorship_goals": "the pair's own goals page",
    "regular_time": "the pair's prompt to agree a weekly time",
}
# Pages a role may open that are linked only in another state of the world,
# each with where a person finds it then (tested where that state is built).
LINKED_ELSEWHERE: dict[str, dict[str, str]] = {
    "mentor": {
        **_MENTEE_PAGES,
        "regular_time": "from the home's prompt and its notification while no time is agreed",
    },
    "success_manager": {**_MENTEE_PAGES, **_PARTY_PAGES},
    "admin_user": {
        **_MENTEE_PAGES,
        **_PARTY_PAGES,
    },
    "mentee": {
        "mentor_directory": "offered while unmatched (the unmatched test below)",
        "mentor_request": "from the directory, while unmatched (below)",
        "requests_list": "from the home while a request is open (below)",
        "mentee_history": "from the home once a mentorship has ended (test_concern_rematch)",
        "mentee_detail": "staff's page about a mentee; the mentee's own is the profile page",
        "regular_time": "from the home's prompt and its notification while no time is agreed",
    },
}
# /api/ answers JSON, and its reference page is Swagger UI's own markup (its
# colour contrast and nested controls are the package's, not ours to fix in a
# template); the API's tests cover both. The tokens page is under /accounts/.
SKIPPED_PREFIXES = (
    "/admin/",
    "/accounts/logout/",
    "/static/",
    "/media/",
    "/csp-report/",
    "/api/",
)


def _world(program, mentorship, mentee, mentor, admin_user) -> dict[str, list[int | str]]:
    """Something on every page; for each URL kwarg, the objects to try."""
    now = timezone.now()
    upcoming = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=2))
    awaiting = f.SessionFactory(
        mentorship=mentorship,
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2) + timedelta(minutes=45),
    )
    held = f.SessionFactory(
        mentorship=mentorship,
        starts_at=now - timedelta(days=5),
        ends_at=now - timedelta(days=5) + timedelta(minutes=45),
        status=SessionStatus.HELD,
    )
    # Cancelled by the mentor, so the mentee is offered a makeup.
    cancelled = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=3))
    session_cancel(session=cancelled, by=mentor, reason="illness", now=now)
    f.MentorshipGoalFactory(mentorship=mentorship)
    f.QuestionFactory(program=program, mentee=mentee)
    f.ActionItemFactory(mentorship=mentorship)
    f.CadenceFactory(mentorship=mentorship)
    f.WeeklyHoursFactory(mentor=mentor)
    # Other mentors, one of them full, so the re-match and suggestion lists have rows.
    for name, capacity in (("Nia New", 2), ("Fay Full", 0)):
        other = f.UserFactory(name=name)
        f.MembershipFactory(user=other, program=program, role=Role.MENTOR)
        f.MentorProfileFactory(user=other, capacity=capacity)
    seeker = f.UserFactory(email="sid@example.org", name="Sid Seeker")
    seeker_membership = f.MembershipFactory(user=seeker, program=program, role=Role.MENTEE)
    f.MenteeProfileFactory(user=seeker)
    request_ = MentorRequestFactory(program=program, mentee=seeker, mentor=mentor)
    pulse = PulseFactory(mentorship=mentorship)
    concern = ConcernFactory(mentorship=mentorship)
    run = BulkMatchRun.objects.create(
        program=program, created_by=admin_user, created_at=now, objective=BulkObjective.TOTAL_FIT
    )
    cohort = f.CohortFactory(program=program, name="Autumn 2027")
    # An open round with a question and a submitted application, for the review pages.
    application_round = RoundFactory(program=program)
    question = QuestionFactory(round=application_round, label="Why do you want a mentor?")
    application = ApplicationFactory(round=application_round)
    answer(application, question, "To get my first developer job.")
    return {
        "session_id": [upcoming.pk, awaiting.pk, held.pk, cancelled.pk],
        "mentorship_id": [mentorship.pk],
        "user_id": [mentee.pk, mentor.pk, seeker.pk],
        "request_id": [request_.pk],
        "pulse_id": [pulse.pk],
        "concern_id": [concern.pk],
        "run_id": [run.pk],
        "cohort_id": [cohort.pk, mentee.memberships.get(program=program).cohort_id],
        "membership_id": [
            mentee.memberships.get(program=program).pk,
            seeker_membership.pk,
        ],
        "round_id": [application_round.pk],
        "application_id": [application.pk],
    }


def _pages_of(pattern: URLPattern, slug: str, ids: dict[str, list[int | str]]) -> list[str]:
    names = list(pattern.pattern.converters)
    if not names:
        return [reverse(pattern.name, kwargs={"slug": slug})]
    if any(name not in ids for name in names):
        return []
    # One kwarg at a time varies; the others take their first object.
    pages = []
    for varying in names:
        for value in ids[varying]:
            kwargs = {name: ids[name][0] for name in names} | {varying: value}
            pages.append(reverse(pattern.name, kwargs={"slug": slug, **kwargs}))
    return pages


def may_open(user, program, ids) -> set[str]:
    """The program pages (URL names) that answer this person 200 with HTML."""
    client = Client()
    client.force_login(user)
    names = set()
    for pattern in root_urls.program_patterns:
        assert isinstance(pattern, URLPattern)
        if not pattern.name or pattern.name in DOWNLOADS:
            continue
        for path in _pages_of(pattern, program.slug, ids):
            response = client.get(path)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                names.add(pattern.name)
                break
    return names


def _url_name(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def _links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or not parts.path:
            continue
        if parts.path.startswith(SKIPPED_PREFIXES):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def crawl(page, start: str, origin: str, axe: bool) -> tuple[dict[str, str], list[str], list[str]]:
    """Breadth first from `start` over links found on the pages.

    Returns the first path reached for each URL name, the broken links
    (a link that doesn't answer 200) and axe's serious/critical findings."""
    reached: dict[str, str] = {}
    visits_per_name: dict[str, int] = {}
    seen_paths = {urlsplit(start).path}
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    broken: list[str] = []
    findings: list[str] = []
    visited = 0
    while queue and visited < CAP:
        href, found_on = queue.popleft()
        name = _url_name(urlsplit(href).path)
        response = page.goto(href)
        page.wait_for_load_state()
        visited += 1
        if response is None or response.status != 200:
            broken.append(f"{href} (linked from {found_on}): {response and response.status}")
            continue
        if name and name not in reached:
            reached[name] = href
            if axe:
                findings += _violations(page)
        for link in _links(page, origin):
            path = urlsplit(link).path
            link_name = _url_name(path)
            if path in seen_paths or link_name in DOWNLOADS:
                continue
            if visits_per_name.get(link_name or path, 0) >= PER_NAME:
                continue
            seen_paths.add(path)
            visits_per_name[link_name or path] = visits_per_name.get(link_name or path, 0) + 1
            queue.append((link, href))
    return reached, broken, findings


@pytest.fixture
def crawl_page(browser, live_server):
    source = _axe_source()
    # bypass_csp only so axe's script can be injected (test_csp.py checks the policy).
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.axe_source = source  # type: ignore[attr-defined]
    yield page
    context.close()


def _log_in_to_the_program(page, user, program):
    """The login page, then the program's home by its link (where login lands)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    home = reverse("program_home", args=[program.slug])
    if urlsplit(page.url).path != home:
        page.locator(f'a[href="{home}"]').first.click()
        page.wait_for_load_state()
    assert urlsplit(page.url).path == home
    return page


@pytest.mark.parametrize("person", ROLES)
def test_each_role_reaches_every_page_it_may_open_by_clicking(
    request, crawl_page, live_server, program, mentorship, mentee, mentor, admin_user, person
):
    ids = _world(program, mentorship, mentee, mentor, admin_user)
    user = request.getfixturevalue(person)
    expected = may_open(user, program, ids)
    assert "program_home" in expected

    page = _log_in_to_the_program(crawl_page, user, program)
    reached, broken, findings = crawl(page, page.url, live_server.url, axe=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(reached["program_home"])
    page.screenshot(path=str(SCREENSHOTS / f"crawl-{person}.png"), full_page=True)

    if person in ("success_manager", "admin_user"):
        # The re-match page (once reported with 33 colour-contrast nodes) is among them.
        assert "mentorship_rematch" in reached
    missing = sorted(expected - set(reached) - set(LINKED_ELSEWHERE.get(person, {})))
    assert not broken, "links that don't open:\n" + "\n".join(broken)
    assert not missing, f"{person} can't reach by clicking: {missing}"
    assert not findings, "\n".join(findings)


def test_an_unmatched_mentee_reaches_the_mentor_directory_and_a_mentor(
    crawl_page, live_server, program, mentor
):
    f.MentorProfileFactory(user=f.MembershipFactory(program=program, role=Role.MENTOR).user)
    una = f.UserFactory(name="Una Unmatched")
    f.MembershipFactory(user=una, program=program, role=Role.MENTEE)
    f.MenteeProfileFactory(user=una)
    MentorRequestFactory(program=program, mentee=una, mentor=mentor)
    page = _log_in_to_the_program(crawl_page, una, program)

    reached, broken, findings = crawl(page, page.url, live_server.url, axe=True)

    assert not broken, "\n".join(broken)
    assert {"mentor_directory", "mentor_detail", "mentor_request", "requests_list"} <= set(reached)
    assert not findings, "\n".join(findings)
