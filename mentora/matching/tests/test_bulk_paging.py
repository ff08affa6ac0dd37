"""A cohort too large to tick one by one: the "Match a cohort" form lists it a page
at a time and matches everyone its cohort and search select; a preview is paged,
searchable and filtered, while its counts and conflicts cover the whole run.

The limits are lowered here so a handful of people stand for thousands.
"""

from __future__ import annotations

import pytest

from mentora.matching.models import BulkMatchRun
from mentora.matching.staff import forms as staff_forms
from mentora.matching.staff import queries as staff_queries
from mentora.matching.tests.staff_people import (
    People,
    mentor_with,
    new_url,
    preview,
    run_url,
    unmatched_mentee,
)
from mentora.programs.models import Role
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(program, cohort, success_manager, now):
    return People(program, cohort, success_manager, now)


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def small_limits(monkeypatch):
    """Beyond one person a side is listed; a list page holds one; a preview page one row."""
    monkeypatch.setattr(staff_forms, "PICK_LIMIT", 1)
    monkeypatch.setattr(staff_queries, "LIST_PER_PAGE", 1)
    monkeypatch.setattr(staff_queries, "PREVIEW_PER_PAGE", 1)
    monkeypatch.setattr(staff_queries, "LOADS_PER_PAGE", 1)


def _settings(**extra):
    return {"objective": "total_fit", "min_score": 0, **extra}


# --- the form ---------------------------------------------------------------------------


def test_a_large_cohort_is_listed_a_page_at_a_time_without_checkboxes(
    as_admin, program, cohort, people, small_limits
):
    response = as_admin.get(new_url(program), {"cohort": cohort.pk})

    form = response.context["form"]
    html = response.content.decode()
    assert response.status_code == 200
    assert form.mentees_listed and form.mentors_listed
    assert "mentees" not in form.fields and "mentors" not in form.fields
    assert 'type="checkbox"' not in html
    assert "All 2 active mentees without a mentor shown here are matched." in html
    assert [m.user for m in response.context["mentee_page"]] == [people.ana]
    second = as_admin.get(new_url(program), {"cohort": cohort.pk, "page": 2})
    assert [m.user for m in second.context["mentee_page"]] == [people.ben]


def test_a_listed_cohort_matches_everyone_it_shows(as_admin, program, cohort, people, small_limits):
    response = as_admin.post(new_url(program), {"cohort": cohort.pk, **_settings()})

    assert response.status_code == 302
    run = BulkMatchRun.objects.get()
    assert set(run.rows.values_list("mentee_id", flat=True)) == {people.ana.pk, people.ben.pk}
    # The pool is every mentor with a place left.
    assert set(run.parameters["mentors"]) == {people.xavi.pk, people.yuki.pk}


def test_a_search_narrows_the_mentees_and_the_match_takes_only_them(
    as_admin, program, cohort, people, small_limits
):
    unmatched_mentee(program, "Benedikt Other", cohort=cohort)

    page = as_admin.get(new_url(program), {"cohort": cohort.pk, "q": "ben"})
    # Ben and Benedikt: more than the (lowered) limit, so listed.
    assert page.context["form"].mentee_total == 2
    response = as_admin.post(new_url(program), {"cohort": cohort.pk, "q": "ben", **_settings()})

    assert response.status_code == 302
    run = BulkMatchRun.objects.get()
    assert people.ana.pk not in set(run.rows.values_list("mentee_id", flat=True))
    assert run.rows.count() == 2


def test_a_small_search_result_is_offered_as_checkboxes(as_admin, program, cohort, people):
    response = as_admin.get(new_url(program), {"cohort": cohort.pk, "q": "ANA"})

    offered = {value for value, _ in response.context["form"].fields["mentees"].choices}
    assert offered == {people.ana.pk}


def test_a_mentor_search_narrows_the_pool(as_admin, program, cohort, people):
    response = as_admin.get(new_url(program), {"cohort": cohort.pk, "mq": "yuki"})

    offered = {value for value, _ in response.context["form"].fields["mentors"].choices}
    assert offered == {people.yuki.pk}


def test_a_listed_side_with_nobody_left_is_refused_with_a_message(
    as_admin, program, cohort, people, small_limits
):
    response = as_admin.post(
        new_url(program), {"cohort": cohort.pk, "q": "nobody-is-called-this", **_settings()}
    )

    # One mentee or fewer is a (here empty) list of checkboxes: "choose at least one".
    assert response.status_code == 400
    assert "Choose at least one mentee." in response.content.decode()
    assert BulkMatchRun.objects.count() == 0


def test_a_full_pool_that_is_listed_is_refused_with_a_message(
    as_admin, program, cohort, people, small_limits
):
    for mentor in (people.xavi, people.yuki):
        f.MentorshipFactory(program=program, mentor=mentor)

    response = as_admin.post(new_url(program), {"cohort": cohort.pk, **_settings()})

    assert response.status_code == 400
    assert "No mentor of this pool has a place left." in response.content.decode()
    assert BulkMatchRun.objects.count() == 0


@pytest.mark.parametrize(
    "query",
    [
        {"q": "x" * 5000},
        {"mq": "<script>alert(1)</script>"},
        {"page": "abc"},
        {"page": "-3"},
        {"mentors_page": "99999"},
        {"q": "Müller", "mq": "ÅSA"},
    ],
)
def test_junk_searches_and_pages_on_the_form_show_a_page(
    as_admin, program, cohort, people, small_limits, query
):
    response = as_admin.get(new_url(program), {"cohort": cohort.pk, **query})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


# --- the preview --------------------------------------------------------------------------


def test_a_preview_is_paged_while_its_counts_cover_the_whole_run(
    as_admin, program, cohort, people, small_limits
):
    run = preview(as_admin, cohort, people)

    first = as_admin.get(run_url("bulk_match_preview", run))
    second = as_admin.get(run_url("bulk_match_preview", run), {"page": 2})

    page = first.context["page"]
    assert (page.matched_count, page.unmatched_count, page.mentee_count) == (1, 1, 2)
    # Matched rows first, then the unmatched.
    assert [r.mentee for r in page.matched] == [people.ana] and page.unmatched == []
    assert [r.mentee for r in second.context["page"].unmatched] == [people.ben]
    assert "Publish 1 mentorship" in first.content.decode()
    assert len(page.loads) == 1 and page.loads.paginator.count == 2


def test_a_preview_can_show_only_the_unmatched_or_search_a_name(
    as_admin, program, cohort, people, small_limits
):
    run = preview(as_admin, cohort, people)
    url = run_url("bulk_match_preview", run)

    unmatched = as_admin.get(url, {"show": "unmatched"}).context["page"]
    by_mentor = as_admin.get(url, {"q": "xavi"}).context["page"]
    nobody = as_admin.get(url, {"q": "nobody-is-called-this"})

    assert [r.mentee for r in unmatched.unmatched] == [people.ben] and unmatched.matched == []
    assert [r.mentee for r in by_mentor.matched] == [people.ana]
    assert "No proposed pair matches this search." in nobody.content.decode()


def test_conflicts_are_counted_over_the_whole_run_and_shown_on_their_row(
    as_admin, program, cohort, people, small_limits
):
    run = preview(as_admin, cohort, people, objective="most_matched")
    # Both pairs break: their mentees were matched by hand after the preview.
    for row in run.rows.all():
        f.MentorshipFactory(program=program, mentee=row.mentee, mentor=mentor_with(program, "M"))

    response = as_admin.get(run_url("bulk_match_preview", run))

    assert response.context["page"].conflict_count == 2
    assert len(response.context["page"].conflicts) == 1  # the one row on this page
    html = response.content.decode()
    assert "2 pairs can't be started any more." in html
    assert "The mentee was matched with a mentor since this preview." in html


def test_the_pin_picker_offers_every_mentor_of_the_pool(as_admin, program, cohort, people):
    run = preview(as_admin, cohort, people)

    html = as_admin.get(run_url("bulk_match_preview", run)).content.decode()

    for mentor in (people.xavi, people.yuki):
        assert f'<option value="{mentor.pk}">{mentor.name}</option>' in html


def test_a_pin_on_a_row_of_another_page_is_still_accepted(
    as_admin, program, cohort, people, small_limits
):
    run = preview(as_admin, cohort, people)

    response = as_admin.post(
        run_url("bulk_match_revise", run),
        {"pin_mentee": people.ben.pk, "pin_mentor": people.xavi.pk},
    )

    assert response.status_code == 302
    new = BulkMatchRun.objects.latest("pk")
    assert new.rows.get(mentee=people.ben).mentor == people.xavi


@pytest.mark.parametrize(
    "query", [{"page": "x"}, {"show": "<b>"}, {"q": "\u00e9" * 300}, {"mentors_page": "0"}]
)
def test_junk_on_the_preview_shows_a_page(as_admin, cohort, people, small_limits, query):
    run = preview(as_admin, cohort, people)

    assert as_admin.get(run_url("bulk_match_preview", run), query).status_code == 200


def test_the_paged_pages_are_404_for_someone_outside_the_program(
    client, program, cohort, people, small_limits
):
    outsider = f.UserFactory()
    other = f.ProgramFactory()
    f.MembershipFactory(user=outsider, program=other, role=Role.ADMIN)
    client.force_login(outsider)

    assert client.get(new_url(program), {"cohort": cohort.pk, "page": 2}).status_code == 404
