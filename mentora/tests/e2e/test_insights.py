"""The success manager's caseload and the admin's program insights, clicked through.

A program of eight mentees with three mentors and twelve weeks of history. One
mentee, Mia, has an open concern and two no-shows: she must come first with the
reasons in words; her success manager opens her timeline and re-matches her.
The admin filters the insights by cohort and downloads the CSV.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentora.insights.tests.factories import ConcernFactory, populate, session
from mentora.programs.models import Mentorship, MentorshipStatus, Role
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f

NAMES = ["Ana Alves", "Ben Brook", "Chen Li", "Dara Okafor", "Eli Stone", "Fay Moreau"]


@pytest.fixture
def busy_program(program, cohort, success_manager, mentor, mentee, other_mentee, admin_user):
    now = timezone.now()
    autumn = f.CohortFactory(program=program, name="Autumn 2026")
    nina = f.UserFactory(email="nina@example.org", name="Nina Novak")
    f.MembershipFactory(user=nina, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=nina, capacity=4)
    raj = f.UserFactory(email="raj@example.org", name="Raj Patel")
    f.MembershipFactory(user=raj, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=raj, capacity=4)
    mentors = [mentor, nina, raj]
    for i, name in enumerate(NAMES):
        user = f.UserFactory(name=name)
        f.MembershipFactory(
            user=user,
            program=program,
            cohort=cohort if i % 2 else autumn,
            success_manager=success_manager,
        )
        f.MenteeProfileFactory(user=user)
        f.MentorshipFactory(program=program, mentor=mentors[i % 3], mentee=user)
    live = list(
        Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE).exclude(
            mentee=mentee
        )
    )
    populate(live, now=now)
    mia = Mentorship.objects.get(mentee=mentee)
    populate([mia], now=now - timedelta(hours=5), weeks=6, seed=1)
    session(mia, now - timedelta(days=2, hours=1), SessionStatus.MENTEE_NO_SHOW)
    session(mia, now - timedelta(days=9, hours=1), SessionStatus.MENTEE_NO_SHOW)
    ConcernFactory(
        mentorship=mia,
        created_at=now - timedelta(hours=3),
        details="We keep missing each other and the sessions don't move my project forward.",
    )
    return {"mia": mia, "nina": nina, "autumn": autumn}


def test_success_manager_finds_the_at_risk_mentee_first_and_rematches(
    page, login, screenshot, program, success_manager, mentee, busy_program
):
    login(success_manager)
    page.goto(f"/p/{program.slug}/")
    expect(page.get_by_role("heading", name="Most at risk")).to_be_visible()
    page.get_by_role("link", name="Open your caseload").click()

    first = page.get_by_test_id("caseload").locator("tbody tr").first
    expect(first).to_contain_text("Mia Mentee")
    expect(first).to_contain_text("1 open concern")
    expect(first).to_contain_text("2 missed sessions (late cancellations and no-shows)")
    expect(first).to_contain_text("High")
    screenshot("insights-caseload")

    first.get_by_role("link", name="Mia Mentee").click()
    expect(page.get_by_role("heading", name="Mia Mentee", exact=True)).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("The sessions aren't helping me move forward")
    expect(page.locator(".timeline")).to_contain_text("Mentee didn't come")
    assert (
        page.get_by_role("link", name="Raise with Mo Mentor")
        .get_attribute("href")
        .startswith("mailto:mo@example.org")
    )
    screenshot("insights-timeline")

    page.get_by_role("link", name="Re-match").click()
    expect(page.get_by_role("heading", name="Re-match Mia Mentee")).to_be_visible()
    page.get_by_label("Nina Novak").check()
    page.get_by_role("button", name="End and re-match").click()
    expect(page.locator(".messages")).to_contain_text("now matched with Nina Novak")

    mia = busy_program["mia"]
    mia.refresh_from_db()
    assert mia.status == MentorshipStatus.ENDED
    assert (
        Mentorship.objects.get(mentee=mentee, status=MentorshipStatus.ACTIVE).mentor
        == (busy_program["nina"])
    )


def test_admin_filters_insights_by_cohort_and_downloads_the_csv(
    page, login, screenshot, program, admin_user, cohort, busy_program
):
    login(admin_user)
    page.goto(f"/p/{program.slug}/")
    page.get_by_role("link", name="Program insights").click()
    expect(page.get_by_role("heading", name=f"How {program.name} is doing")).to_be_visible()
    everyone = int(page.get_by_test_id("kpis").locator(".kpi-value").first.inner_text())
    path = screenshot("insights-program")
    for card in ("sessions", "quality", "feedback"):
        section = page.locator(".chart-card", has=page.locator(f"#chart-{card}"))
        section.screenshot(path=str(path.with_name(f"insights-chart-{card}.png")))

    page.get_by_label("Cohort").select_option(label="Autumn 2026")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".lead")).to_contain_text("cohort Autumn 2026")
    autumn = int(page.get_by_test_id("kpis").locator(".kpi-value").first.inner_text())
    assert 0 < autumn < everyone

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV (these filters)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"{program.slug}-insights-")
    lines = download.path().read_text(encoding="utf-8").strip().splitlines()
    total = lines[-1].split(",")
    assert total[0] == "Total" and int(total[2]) == autumn
    assert len(lines) == 1 + 12 + 1  # header, twelve weeks, total

    page.get_by_role("link", name="Mentors' numbers").click()
    mentors = page.get_by_test_id("mentors")
    expect(mentors).to_contain_text("Nina Novak")
    expect(mentors.locator("tbody tr")).to_have_count(3)
    screenshot("insights-mentors")
