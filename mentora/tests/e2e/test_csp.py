"""Every main page under the Content-Security-Policy, enforced, in a real browser.

Each role logs in and opens its pages; the test fails on any violation Chromium
reports, seen two ways: `securitypolicyviolation` events (a script added before
the page's own collects them) and console messages that name the Content
Security Policy. An inline style, script or on* handler put back into a template
fails here, as does a chart that brings its own <style>.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from mentora.insights.tests.factories import populate
from mentora.matching.tests.factories import ConcernFactory, MentorRequestFactory, PulseFactory
from mentora.notifications.tasks import deliver_event
from mentora.programs.models import Role
from mentora.scheduling.models import Session, SessionStatus
from mentora.tests import factories as f

# Runs in every document before its own scripts; CSP violations are dispatched
# at the element (or document) and bubble, so one listener sees them all.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
}, true);
"""
# Violation events are queued as tasks: read them once those have run.
READ_VIOLATIONS = "() => new Promise((done) => setTimeout(() => done(window.__cspViolations), 50))"
DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


@pytest.fixture(autouse=True)
def _enforced(settings):
    """The policy enforced, even where MENTORA_CSP_REPORT_ONLY=1 trials it."""
    settings.CONTENT_SECURITY_POLICY = settings.MENTORA_CSP
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = None


@pytest.fixture
def world(program, mentorship, mentee, mentor, other_mentee, success_manager, admin_user, cohort):
    """Something on every page: history for the charts, a session ahead with an agenda,
    a held one, a concern, a pulse, a request, a message in the inbox."""
    now = timezone.now()
    for weekday in range(7):
        f.WeeklyHoursFactory(mentor=mentor, weekday=weekday, start_time=time(8), end_time=time(20))
    populate([mentorship], now=now, weeks=6)
    held = Session.objects.filter(mentorship=mentorship, status=SessionStatus.HELD).latest(
        "starts_at"
    )
    ahead = f.SessionFactory(
        mentorship=mentorship,
        starts_at=(now + timedelta(days=3)).replace(minute=0, second=0, microsecond=0),
    )
    f.AgendaFactory(session=ahead, goal="Practise the system design question")
    f.NoteFactory(session=held)
    f.MentorshipGoalFactory(mentorship=mentorship)
    f.QuestionFactory(program=program, mentee=mentee)
    concern = ConcernFactory(mentorship=mentorship)
    pulse = PulseFactory(mentorship=mentorship)
    nia = f.UserFactory(email="nia@example.org", name="Nia New")
    f.MembershipFactory(
        user=nia, program=program, role=Role.MENTEE, cohort=cohort, success_manager=success_manager
    )
    f.MenteeProfileFactory(user=nia)
    request = MentorRequestFactory(program=program, mentee=nia, mentor=mentor)
    deliver_event.call("session_booked", ahead.pk, {"sequence": 0, "by_id": mentor.pk})
    site_admin = f.UserFactory(
        email="root@example.org", name="Rita Root", is_staff=True, is_superuser=True
    )
    # Django admin asks every staff member for a second factor (programs/second_factor.py).
    site_admin_secret = generate_totp_secret()
    TOTP.activate(site_admin, site_admin_secret)
    return {
        "held": held,
        "ahead": ahead,
        "concern": concern,
        "pulse": pulse,
        "nia": nia,
        "request": request,
        "site_admin": site_admin,
        "site_admin_secret": site_admin_secret,
    }


def _pages(role: str, w: dict[str, Any], ids: dict[str, int]) -> list[str]:
    p = "/p/bootcamp"
    ahead, held, m = w["ahead"].pk, w["held"].pk, ids["mentorship"]
    common = [
        "/",
        f"{p}/",
        "/inbox/",
        "/accounts/profile/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",  # the QR code is inline SVG
        "/accounts/notifications/",
        "/accounts/email/",
        "/accounts/password/change/",
    ]
    pages = {
        "mentee": [
            f"{p}/schedule/",
            f"{p}/mentorships/{m}/book/",
            f"{p}/sessions/{ahead}/",
            f"{p}/sessions/{ahead}/agenda/",
            f"{p}/sessions/{ahead}/setup-check/",
            f"{p}/sessions/{ahead}/cancel/",
            f"{p}/sessions/{ahead}/reschedule/",
            f"{p}/sessions/{held}/workspace/",
            f"{p}/sessions/{held}/reflect/",
            f"{p}/mentorships/{m}/goals/",
            f"{p}/mentorships/{m}/concern/",
            f"{p}/pulses/{w['pulse'].pk}/",
            f"{p}/questions/",
            f"{p}/action-items/",
            f"{p}/mentors/",
            f"{p}/mentors/{ids['mentor']}/",
            f"{p}/requests/",
            "/accounts/calendar/",
        ],
        "mentor": [
            f"{p}/schedule/",
            f"{p}/availability/",
            f"{p}/mentorships/{m}/cadence/",
            f"{p}/sessions/{ahead}/",
            f"{p}/sessions/{held}/workspace/",
            f"{p}/readiness/",
            f"{p}/feedback/",
            f"{p}/mentees/{ids['mentee']}/",
            f"{p}/requests/",
            f"{p}/requests/{w['request'].pk}/",
        ],
        "success_manager": [
            f"{p}/caseload/",
            f"{p}/caseload/{ids['mentee']}/",
            f"{p}/staff/mentors/",
            f"{p}/concerns/",
            f"{p}/concerns/{w['concern'].pk}/",
            f"{p}/concerns/{w['concern'].pk}/resolve/",
            f"{p}/mentees/{ids['mentee']}/history/",
            f"{p}/mentees/{w['nia'].pk}/suggestions/",
            f"{p}/sessions/{ahead}/",
        ],
        "admin_user": [
            f"{p}/people/",
            f"{p}/invite/",
            f"{p}/audit/",
            f"{p}/insights/",
            f"{p}/caseload/risk-rules/",
            f"{p}/matching/bulk/",
        ],
        "site_admin": [
            "/admin/",
            "/admin/accounts/user/",
            f"/admin/accounts/user/{ids['mentee']}/change/",
            "/admin/programs/program/",
            "/admin/programs/program/import-people/",
            f"/admin/programs/program/{ids['program']}/change/",
        ],
    }
    if role == "site_admin":
        return pages[role]
    return common + pages[role]


class Watch:
    """What the browser said about the policy on the page in hand."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "content security policy" in message.text.lower():
            self.console.append(message.text)

    def visit(self, url: str) -> list[str]:
        self.console.clear()
        response = self.page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        header = response.headers.get("content-security-policy", "")
        missing = [d for d in DIRECTIVES if d not in header]
        assert not missing, f"{url}: header {header!r} lacks {missing}"
        assert "unsafe-inline" not in header and "unsafe-eval" not in header
        events = self.page.evaluate(READ_VIOLATIONS)
        return [f"{url}: {v}" for v in events + self.console]


@pytest.fixture
def watch(page) -> Watch:
    return Watch(page)


def _visit_all(watch: Watch, urls: list[str]) -> list[str]:
    violations: list[str] = []
    for url in urls:
        violations += watch.visit(url)
    return violations


ROLES = ["mentee", "mentor", "success_manager", "admin_user", "site_admin"]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_runs_under_the_policy_without_a_violation(
    request, world, watch, login, role, program, mentorship, mentee, mentor
):
    user = world["site_admin"] if role == "site_admin" else request.getfixturevalue(role)
    ids = {"mentorship": mentorship.pk, "mentee": mentee.pk, "mentor": mentor.pk}
    ids["program"] = program.pk
    urls = _pages(role, world, ids)

    page = login(user)
    if role == "site_admin":
        page.get_by_label("Code").fill(pyotp.TOTP(world["site_admin_secret"]).now())
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    violations = _visit_all(watch, urls)

    assert violations == [], "\n".join(violations)


def test_the_pages_before_login_run_under_the_policy(watch, db):
    urls = ["/accounts/login/", "/accounts/password/reset/", "/admin/login/"]

    assert _visit_all(watch, urls) == []


def test_a_violation_is_caught(watch, page, db):
    """The watch itself works: an inline style the policy blocks is reported."""
    watch.visit("/accounts/login/")

    page.evaluate(
        "() => { const s = document.createElement('style');"
        " s.textContent = 'body { color: red }'; document.head.append(s); }"
    )

    assert any("style-src" in v for v in page.evaluate(READ_VIOLATIONS))
