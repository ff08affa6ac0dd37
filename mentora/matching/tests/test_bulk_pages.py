"""Bulk matching pages: choosing, a preview that creates nothing, objectives, pins and
exclusions, who may, junk input, Django admin, and a query count that doesn't grow
with the rows. Publishing is in test_bulk_publish.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentora.matching.models import BulkMatchRow, BulkMatchRun, BulkRunStatus
from mentora.matching.staff.services import NO_ALLOWED_MENTOR
from mentora.matching.tests.staff_people import (
    People,
    form_data,
    mentor_with,
    new_url,
    preview,
    proposed,
    run_url,
    unmatched,
    unmatched_mentee,
)
from mentora.programs.models import Mentorship
from mentora.tests import factories as f
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(program, cohort, success_manager, now):
    return People(program, cohort, success_manager, now)


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


# --- choosing --------------------------------------------------------------------------


def test_new_page_offers_the_cohorts_mentees_without_a_mentor(
    as_admin, program, cohort, people, mentee
):
    elsewhere = f.CohortFactory(program=program, name="Autumn")
    later = unmatched_mentee(program, "Lou Later", cohort=elsewhere)

    response = as_admin.get(new_url(program), {"cohort": cohort.pk})

    offered = {value for value, _ in response.context["form"].fields["mentees"].choices}
    assert offered == {people.ana.pk, people.ben.pk}
    assert mentee.pk not in offered and later.pk not in offered
    assert response.context["form"].initial["mentees"] == [people.ana.pk, people.ben.pk]


def test_new_page_leaves_full_mentors_unchosen(as_admin, program, people, mentor):
    f.MentorshipFactory(program=program, mentor=people.xavi, mentee=f.UserFactory())

    response = as_admin.get(new_url(program))

    assert people.xavi.pk not in response.context["form"].initial["mentors"]
    assert people.yuki.pk in response.context["form"].initial["mentors"]


# --- preview ---------------------------------------------------------------------------


def test_preview_creates_no_mentorship(as_admin, program, cohort, people):
    before = set(Mentorship.objects.values_list("pk", flat=True))

    run = preview(as_admin, cohort, people)

    assert run.status == BulkRunStatus.PREVIEW
    assert set(Mentorship.objects.values_list("pk", flat=True)) == before
    assert BulkMatchRow.objects.filter(run=run, mentorship__isnull=False).count() == 0


def test_preview_shows_pairs_with_scores_and_reasons_unmatched_with_why_and_loads(
    as_admin, program, cohort, people
):
    run = preview(as_admin, cohort, people)

    response = as_admin.get(run_url("bulk_match_preview", run))

    html = response.content.decode()
    assert response.status_code == 200
    page = response.context["page"]
    assert [(r.mentee, r.mentor) for r in page.matched] == [(people.ana, people.xavi)]
    assert page.matched[0].score > 50
    assert "Python, Django in common" in html or "Django, Python in common" in html
    # Reasons shown to staff speak about the mentee, never to them.
    assert "which you asked for" not in html and "your day" not in html
    assert f"which {people.ana.name} asked for" in html
    assert [r.mentee for r in page.unmatched] == [people.ben]
    assert "No capacity left" in html
    loads = {load.mentor: (load.live_now, load.proposed, load.capacity) for load in page.loads}
    assert loads == {people.xavi: (0, 1, 1), people.yuki: (0, 0, 1)}


def test_highest_total_fit_prefers_the_best_pair(as_admin, cohort, people):
    run = preview(as_admin, cohort, people, objective="total_fit")

    assert proposed(run) == {(people.ana.pk, people.xavi.pk)}
    assert unmatched(run) == {
        people.ben.pk: "No capacity left: the mentors who fit have no places left"
    }


def test_most_matched_first_matches_everyone_it_can(as_admin, cohort, people):
    run = preview(as_admin, cohort, people, objective="most_matched")

    assert proposed(run) == {(people.ana.pk, people.yuki.pk), (people.ben.pk, people.xavi.pk)}
    assert unmatched(run) == {}
    assert run.total_score == pytest.approx(
        sum(BulkMatchRow.objects.filter(run=run).values_list("score", flat=True)), abs=0.01
    )


def test_minimum_fit_leaves_mentees_unmatched_with_why(as_admin, cohort, people):
    run = preview(as_admin, cohort, people, min_score=100)

    assert proposed(run) == set()
    why = unmatched(run)
    assert why[people.ana.pk].startswith("No mentor above the minimum fit of 100 (closest: Xavi")
    # Ben's only allowed mentor is Xavi: Yuki ended as not a fit with him.
    assert why[people.ben.pk].startswith("No mentor above the minimum fit of 100 (closest: Xavi")


def test_a_mentee_no_mentor_may_take_is_told_so_without_a_closest_mentor(
    as_admin, program, cohort, people
):
    data = form_data(cohort, [people.ben], [people.yuki])

    as_admin.post(new_url(program), data)

    run = BulkMatchRun.objects.latest("pk")
    assert unmatched(run) == {people.ben.pk: NO_ALLOWED_MENTOR}


def test_preview_never_proposes_a_past_not_a_fit_pair(as_admin, cohort, people):
    run = preview(as_admin, cohort, people, objective="most_matched")

    assert (people.ben.pk, people.yuki.pk) not in proposed(run)


# --- pins and exclusions ---------------------------------------------------------------------


def pin(mentee, mentor):
    return {"pin_mentee": mentee.pk, "pin_mentor": mentor.pk}


def test_a_pin_is_honoured(as_admin, cohort, people):
    run = preview(as_admin, cohort, people)

    response = as_admin.post(run_url("bulk_match_revise", run), pin(people.ben, people.xavi))

    assert response.status_code == 302
    new = BulkMatchRun.objects.latest("pk")
    assert proposed(new) == {(people.ben.pk, people.xavi.pk), (people.ana.pk, people.yuki.pk)}
    assert BulkMatchRow.objects.get(run=new, mentee=people.ben).pinned
    assert new.parameters["pins"] == [[people.ben.pk, people.xavi.pk]]
    run.refresh_from_db()
    assert run.status == BulkRunStatus.DISCARDED


def test_a_pin_stays_for_the_next_preview_until_removed(as_admin, cohort, people):
    run = preview(as_admin, cohort, people)
    as_admin.post(run_url("bulk_match_revise", run), pin(people.ben, people.xavi))
    pinned = BulkMatchRun.objects.latest("pk")

    as_admin.post(run_url("bulk_match_revise", pinned), {})
    kept = BulkMatchRun.objects.latest("pk")
    as_admin.post(run_url("bulk_match_revise", kept), {f"unpin_{people.ben.pk}": "on"})
    removed = BulkMatchRun.objects.latest("pk")

    assert kept.parameters["pins"] == [[people.ben.pk, people.xavi.pk]]
    assert (people.ben.pk, people.xavi.pk) in proposed(kept)
    assert removed.parameters["pins"] == []
    assert proposed(removed) == {(people.ana.pk, people.xavi.pk)}


def test_an_exclusion_is_honoured_and_kept_for_the_next_preview(as_admin, cohort, people):
    run = preview(as_admin, cohort, people)

    as_admin.post(run_url("bulk_match_revise", run), {f"exclude_{people.ana.pk}": "on"})
    second = BulkMatchRun.objects.latest("pk")
    as_admin.post(run_url("bulk_match_revise", second), {})
    third = BulkMatchRun.objects.latest("pk")

    for new in (second, third):
        assert (people.ana.pk, people.xavi.pk) not in proposed(new)
        assert new.parameters["excluded"] == [[people.ana.pk, people.xavi.pk]]
    assert proposed(third) == {(people.ana.pk, people.yuki.pk), (people.ben.pk, people.xavi.pk)}


def test_a_pin_that_breaks_a_hard_rule_is_refused_and_nothing_changes(as_admin, cohort, people):
    run = preview(as_admin, cohort, people)

    response = as_admin.post(run_url("bulk_match_revise", run), pin(people.ben, people.yuki))

    assert response.status_code == 409
    assert "ended as not a fit" in response.content.decode()
    run.refresh_from_db()
    assert run.status == BulkRunStatus.PREVIEW
    assert BulkMatchRun.objects.count() == 1


def test_two_pins_on_a_one_place_mentor_are_refused(as_admin, cohort, people):
    run = preview(as_admin, cohort, people)
    as_admin.post(run_url("bulk_match_revise", run), pin(people.ana, people.xavi))
    pinned = BulkMatchRun.objects.latest("pk")

    response = as_admin.post(run_url("bulk_match_revise", pinned), pin(people.ben, people.xavi))

    assert response.status_code == 409
    assert "2 mentees are pinned to them and they have 1 place left." in response.content.decode()
    assert BulkMatchRun.objects.latest("pk") == pinned
    pinned.refresh_from_db()
    assert pinned.status == BulkRunStatus.PREVIEW


@pytest.mark.parametrize("junk", ["abc", "-1", "99999999999", "<b>"])
def test_a_pin_outside_the_selection_is_refused_without_a_500(
    as_admin, program, cohort, people, mentee, junk
):
    run = preview(as_admin, cohort, people)
    stranger = mentor_with(program, "Not In Pool")

    for data in (
        {"pin_mentee": people.ana.pk, "pin_mentor": junk},
        {"pin_mentee": junk, "pin_mentor": people.xavi.pk},
        {"pin_mentee": people.ana.pk, "pin_mentor": stranger.pk},
        {"pin_mentee": mentee.pk, "pin_mentor": people.xavi.pk},
        {"pin_mentee": people.ana.pk},
    ):
        response = as_admin.post(run_url("bulk_match_revise", run), data)
        assert response.status_code == 400, data
    assert BulkMatchRun.objects.count() == 1


# --- who may -----------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["mentor", "mentee", "success_manager", "outsider"])
def test_bulk_pages_are_404_for_anyone_but_program_admins(
    client, request, program, cohort, people, admin_user, person
):
    client.force_login(admin_user)
    run = preview(client, cohort, people)
    client.force_login(request.getfixturevalue(person))

    assert client.get(new_url(program)).status_code == 404
    assert (
        client.post(new_url(program), form_data(cohort, people.mentees, people.mentors)).status_code
        == 404
    )
    for name in (
        "bulk_match_preview",
        "bulk_match_publish",
        "bulk_match_revise",
        "bulk_match_discard",
    ):
        assert client.post(run_url(name, run)).status_code == 404
    assert client.get(run_url("bulk_match_preview", run)).status_code == 404
    run.refresh_from_db()
    assert run.status == BulkRunStatus.PREVIEW
    assert BulkMatchRun.objects.count() == 1


def test_a_run_of_another_program_is_404(as_admin, program, admin_user):
    elsewhere = f.ProgramFactory()
    other_run = BulkMatchRun.objects.create(
        program=elsewhere,
        created_by=admin_user,
        created_at=elsewhere.created_at,
        objective="total_fit",
    )

    response = as_admin.get(reverse("bulk_match_preview", args=[program.slug, other_run.pk]))

    assert response.status_code == 404


def test_program_admins_home_links_to_bulk_matching(as_admin, program):
    response = as_admin.get(reverse("program_home", args=[program.slug]))

    assert new_url(program) in response.content.decode()


# --- junk input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"mentees": ["abc"]},
        {"mentees": [999999]},
        {"mentees": []},
        {"mentors": []},
        {"mentors": ["x'--"]},
        {"objective": "drop"},
        {"min_score": "101"},
        {"min_score": "-1"},
        {"cohort": "\u0000"},
    ],
)
def test_bad_bulk_input_is_refused_with_a_message_and_nothing_saved(
    as_admin, program, cohort, people, change
):
    data = {**form_data(cohort, people.mentees, people.mentors), **change}

    response = as_admin.post(new_url(program), data)

    assert response.status_code == 400
    assert (
        "Nothing was saved" in response.content.decode()
        or "form-errors" in response.content.decode()
    )
    assert BulkMatchRun.objects.count() == 0


def test_a_mentee_matched_after_the_form_was_shown_is_refused(
    as_admin, program, cohort, people, mentee
):
    data = form_data(cohort, [*people.mentees, mentee], people.mentors)

    response = as_admin.post(new_url(program), data)

    assert response.status_code == 400
    assert "isn&#x27;t an unmatched mentee here any more" in response.content.decode()
    assert BulkMatchRun.objects.count() == 0


def test_junk_cohort_in_the_query_string_shows_all_cohorts(as_admin, program, people):
    response = as_admin.get(new_url(program), {"cohort": "x'--"})

    assert response.status_code == 200
    assert response.context["cohort_id"] is None


def test_run_actions_answer_get_with_405(as_admin, cohort, people):
    run = preview(as_admin, cohort, people)

    for name in ("bulk_match_publish", "bulk_match_revise", "bulk_match_discard"):
        assert as_admin.get(run_url(name, run)).status_code == 405


# --- query count ------------------------------------------------------------------------------


def test_preview_query_count_does_not_grow_with_rows(as_admin, admin_user, program, cohort):
    run = BulkMatchRun.objects.create(
        program=program, created_by=admin_user, created_at=program.created_at, objective="total_fit"
    )

    def grow(n: int) -> None:
        for _ in range(n):
            mentee = unmatched_mentee(program, "Any Mentee", cohort=cohort)
            mentor = mentor_with(program, "Any Mentor")
            run.parameters = {
                **run.parameters,
                "mentors": [*run.parameters.get("mentors", []), mentor.pk],
            }
            run.save()
            BulkMatchRow.objects.create(run=run, mentee=mentee, mentor=mentor, score=50, reasons=[])
            BulkMatchRow.objects.create(
                run=run,
                mentee=unmatched_mentee(program, "Left Out", cohort=cohort),
                unmatched_reason="x",
            )

    few, many = count_queries_before_and_after(
        as_admin, run_url("bulk_match_preview", run), grow=grow
    )

    assert many == few


# --- Django admin ------------------------------------------------------------------------------


def test_django_admin_shows_a_run_with_its_rows(client, as_admin, cohort, people):
    run = preview(as_admin, cohort, people)
    superuser = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)

    listing = client.get(reverse("admin:matching_bulkmatchrun_changelist"))
    detail = client.get(reverse("admin:matching_bulkmatchrun_change", args=[run.pk]))

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert "Ana Able" in detail.content.decode()
    for model in ("mentorrequest", "pulse", "concern"):
        assert client.get(reverse(f"admin:matching_{model}_changelist")).status_code == 200


# --- every staff-matching page, every role, junk input -------------------------------------------

JUNK = {
    "cohort": "x'--",
    "mentees": ["<script>", "-1"],
    "mentors": "\u0001",  # a NUL would refuse the whole request (mentora/tests/test_inputs.py)
    "mentor": "1e9",
    "objective": "drop",
    "min_score": "9" * 30,
    "pin_mentee": "-5",
    "pin_mentor": "abc",
}


@pytest.mark.parametrize(
    "person",
    ["mentee", "mentor", "other_mentee", "success_manager", "admin_user", "outsider"],
)
def test_no_staff_matching_page_errors_on_junk_input(
    client, request, program, cohort, people, admin_user, mentee, person
):
    client.force_login(admin_user)
    run = preview(client, cohort, people)
    pages = [
        reverse(name, args=[program.slug, people.ana.pk])
        for name in ("mentee_suggestions", "mentee_match")
    ]
    pages += [new_url(program)]
    pages += [
        run_url(name, run)
        for name in (
            "bulk_match_preview",
            "bulk_match_revise",
            "bulk_match_publish",
            "bulk_match_discard",
        )
    ]
    client.force_login(request.getfixturevalue(person))

    for page in pages:
        assert client.get(page, JUNK).status_code < 500, page
        assert client.post(page, JUNK).status_code < 500, page
    # Only an admin may publish (a junk body doesn't matter to publishing); nobody else starts any.
    started = Mentorship.objects.live().filter(mentee__in=people.mentees).exists()
    assert started is (person == "admin_user")
