"""Staff matching in a browser: an admin matches a cohort through a preview they
publish; a success manager matches a mentee from suggestions in one click."""

from __future__ import annotations

from playwright.sync_api import expect

from mentora.accounts.choices import KnowledgeArea
from mentora.matching.tests.staff_people import mentor_with, unmatched_mentee
from mentora.programs.models import Mentorship


def test_admin_previews_a_cohort_match_and_publishes_it(
    page, login, screenshot, program, cohort, success_manager, admin_user
):
    ana = unmatched_mentee(
        program,
        "Ana Able",
        cohort=cohort,
        success_manager=success_manager,
        learning="Backend development with Python",
    )
    ben = unmatched_mentee(
        program,
        "Ben Busy",
        cohort=cohort,
        success_manager=success_manager,
        interests=[KnowledgeArea.UX],
        stack=["Figma"],
    )
    mentor_with(program, "Xavi Backend", capacity=1)
    mentor_with(program, "Yuki Ux", capacity=1, stack=["Figma"], knowledge_areas=[KnowledgeArea.UX])

    login(admin_user)
    page.get_by_role("link", name="Match a cohort").click()
    page.get_by_label("Cohort", exact=True).select_option(label=cohort.name)
    page.get_by_role("button", name="Show this cohort's mentees").click()
    expect(page.get_by_label("Ana Able")).to_be_checked()
    page.get_by_label("Most mentees matched, then fit").check()
    page.get_by_label("Minimum fit (0–100)").fill("10")
    page.get_by_role("button", name="Preview the match").click()

    pairs = page.locator("#pairs")
    expect(pairs.locator(f"tr[data-mentee='{ana.pk}']")).to_contain_text("Xavi Backend")
    expect(pairs.locator(f"tr[data-mentee='{ben.pk}']")).to_contain_text("Yuki Ux")
    expect(pairs).to_contain_text("Python in common")
    expect(page.locator("#loads")).to_contain_text("Yuki Ux")
    assert not Mentorship.objects.filter(mentee__in=[ana, ben]).exists()
    screenshot("bulk-match-preview")

    page.get_by_role("button", name="Publish 2 mentorships").click()
    expect(page.get_by_role("status")).to_contain_text("Published: 2 mentorships started.")
    expect(page.locator("#published")).to_be_visible()
    expect(pairs.locator(f"tr[data-mentee='{ana.pk}']")).to_contain_text("started")
    page.get_by_role("link", name="Ana Able").first.click()
    expect(page.locator("main")).to_contain_text("Xavi Backend")
    assert Mentorship.objects.live().filter(mentee=ana, mentor__name="Xavi Backend").exists()


def test_success_manager_matches_a_mentee_from_suggestions_in_one_click(
    page, login, screenshot, program, cohort, success_manager
):
    sid = unmatched_mentee(
        program,
        "Sid Seeker",
        cohort=cohort,
        success_manager=success_manager,
        learning="Backend development with Python",
    )
    mentor_with(program, "Bea Backend")
    mentor_with(program, "Uma Ux", stack=["Figma"], knowledge_areas=[KnowledgeArea.UX])

    login(success_manager)
    page.locator("[data-role=success_manager]").get_by_role(
        "link", name="Suggested mentors"
    ).click()
    first = page.locator("article.suggestion").first
    expect(first).to_contain_text("Bea Backend")
    expect(first).to_contain_text("Python in common (Sid Seeker is learning Python)")
    screenshot("staff-suggestions")
    first.get_by_role("button", name="Match with Bea Backend").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Sid Seeker is now matched with Bea Backend."
    )
    expect(page.locator("main")).to_contain_text("Bea Backend")
    assert Mentorship.objects.live().filter(mentee=sid, mentor__name="Bea Backend").exists()
