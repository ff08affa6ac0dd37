"""Every pairing starts with a rhythm: a pair from a published cohort match and a
re-matched pair each get a proposed regular time, one of them confirms it, and
the first regular session is booked; the re-matched mentee keeps their goals."""

from __future__ import annotations

from playwright.sync_api import expect

from mentora.matching.models import ProposedCadence
from mentora.matching.tests.staff_people import mentor_with, unmatched_mentee
from mentora.programs.models import Mentorship
from mentora.scheduling.models import Cadence, Session, SessionKind
from mentora.tests import factories as f


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def confirm_from_the_schedule(page):
    """From the schedule: the mentorship without a regular time, its proposal, Confirm."""
    page.goto("/p/bootcamp/schedule/")
    page.get_by_role("link", name="Agree a regular time").click()
    proposal = page.get_by_role("region", name="Proposed regular time")
    expect(proposal).to_contain_text("Proposed regular time: Tue")
    proposal.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text("Regular time confirmed.")
    expect(page.get_by_role("status")).to_contain_text("Your first session is on")


def test_a_bulk_published_pair_confirms_its_regular_time_and_has_a_first_session(
    page, login, screenshot, program, cohort, success_manager, admin_user
):
    ana = unmatched_mentee(
        program,
        "Ana Able",
        cohort=cohort,
        success_manager=success_manager,
        learning="Backend development with Python",
    )
    xavi = mentor_with(program, "Xavi Backend", capacity=1)  # Tuesdays 09:00–12:00 New York

    login(admin_user)
    page.get_by_role("link", name="Match a cohort").click()
    page.get_by_label("Cohort", exact=True).select_option(label=cohort.name)
    page.get_by_role("button", name="Show this cohort's mentees").click()
    page.get_by_label("Minimum fit (0–100)").fill("10")
    page.get_by_role("button", name="Preview the match").click()
    page.get_by_role("button", name="Publish 1 mentorship").click()
    expect(page.get_by_role("status")).to_contain_text("Published: 1 mentorship started.")
    log_out(page)

    mentorship = Mentorship.objects.live().get(mentee=ana, mentor=xavi)
    assert ProposedCadence.objects.filter(mentorship=mentorship).exists()
    assert not Session.objects.filter(mentorship=mentorship).exists()

    # The mentor sees the proposal in their zone and confirms it.
    login(xavi)
    page.goto("/p/bootcamp/schedule/")
    page.get_by_role("link", name="Agree a regular time").click()
    expect(page.get_by_role("region", name="Proposed regular time")).to_contain_text(
        "Tue 09:00"  # Xavi's own hours, in New York
    )
    screenshot("rhythm-proposal-mentor")
    confirm_from_the_schedule(page)
    screenshot("rhythm-confirmed-mentor")

    cadence = Cadence.objects.get(mentorship=mentorship)
    assert (cadence.weekday, cadence.time_of_day.hour) == (1, 9)
    first = Session.objects.filter(mentorship=mentorship, kind=SessionKind.REGULAR).first()
    assert first is not None
    expect(page.locator("main")).to_contain_text("Ana Able")


def test_a_rematched_pair_confirms_its_regular_time_and_keeps_the_mentees_goals(
    page, login, screenshot, program, mentee, mentor, success_manager
):
    nia = mentor_with(program, "Nia New", capacity=2)  # Tuesdays 09:00–12:00 New York
    old = Mentorship.objects.get(mentee=mentee, mentor=mentor)
    f.MentorshipGoalFactory(mentorship=old, text="Ship my first REST API")

    login(success_manager)
    page.goto(f"/p/bootcamp/mentorships/{old.pk}/rematch/")
    form = page.get_by_role("form", name="Re-match")
    form.get_by_label("Nia New").check()
    form.get_by_label("Why the current mentorship ends").select_option("not_a_fit")
    form.get_by_role("button", name="End and re-match").click()
    expect(page.get_by_role("status")).to_contain_text("is now matched with Nia New")
    log_out(page)

    new = Mentorship.objects.live().get(mentee=mentee)
    assert new.mentor == nia

    # The mentee's first booking isn't an "extra" one: there is no regular time yet.
    login(mentee)
    page.goto("/p/bootcamp/schedule/")
    expect(page.get_by_role("link", name="Book a session", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Book an extra session")).to_have_count(0)
    page.get_by_role("link", name="Agree a regular time").click()
    # Tuesday 09:00 in New York is the afternoon in Berlin.
    expect(page.get_by_role("region", name="Proposed regular time")).to_contain_text(
        "(your zone, Europe/Berlin)"
    )
    screenshot("rhythm-proposal-mentee")
    confirm_from_the_schedule(page)

    assert Cadence.objects.filter(mentorship=new).exists()
    assert Session.objects.filter(mentorship=new, kind=SessionKind.REGULAR).exists()
    expect(page.get_by_role("link", name="Book an extra session")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nia New")

    # Their goal came with them into the new mentorship.
    page.goto(f"/p/bootcamp/mentorships/{new.pk}/goals/")
    expect(page.locator("main")).to_contain_text("Ship my first REST API")
    screenshot("rhythm-goals-carried")
