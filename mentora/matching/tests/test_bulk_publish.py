"""Publishing a bulk match: exactly the previewed mentorships, or nothing with a reason
per row when something changed (all or nothing); twice or after a discard is refused.
And bulk_preview's own refusals, for callers other than the page."""

from __future__ import annotations

import html

import pytest

from mentora.matching.errors import MatchingError
from mentora.matching.models import BulkMatchRow, BulkMatchRun, BulkRunStatus
from mentora.matching.staff import services as staff
from mentora.matching.tests.staff_people import (
    People,
    live_pairs,
    mentor_with,
    preview,
    proposed,
    run_url,
)
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(program, cohort, success_manager, now):
    return People(program, cohort, success_manager, now)


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


# --- publish ---------------------------------------------------------------------------


def test_publish_creates_exactly_the_previewed_mentorships(as_admin, program, cohort, people):
    run = preview(as_admin, cohort, people, objective="most_matched")
    before = live_pairs(program)

    response = as_admin.post(run_url("bulk_match_publish", run))

    assert response.status_code == 302
    assert live_pairs(program) - before == proposed(run)
    rows = BulkMatchRow.objects.filter(run=run, mentor__isnull=False).select_related("mentorship")
    assert all(
        (r.mentorship.mentee_id, r.mentorship.mentor_id) == (r.mentee_id, r.mentor_id) for r in rows
    )
    run.refresh_from_db()
    assert run.status == BulkRunStatus.PUBLISHED and run.published_at is not None
    page = as_admin.get(response["Location"])
    assert "Published: 2 mentorships started." in page.content.decode()


def test_publishing_twice_is_refused_cleanly(as_admin, program, cohort, people):
    run = preview(as_admin, cohort, people)
    as_admin.post(run_url("bulk_match_publish", run))
    after_first = live_pairs(program)

    response = as_admin.post(run_url("bulk_match_publish", run))

    assert response.status_code == 409
    assert "already published" in response.content.decode()
    assert live_pairs(program) == after_first


def test_a_discarded_preview_cannot_be_published(as_admin, program, cohort, people):
    run = preview(as_admin, cohort, people)
    before = live_pairs(program)
    as_admin.post(run_url("bulk_match_discard", run))

    response = as_admin.post(run_url("bulk_match_publish", run))

    assert response.status_code == 409
    assert "discarded" in response.content.decode()
    assert live_pairs(program) == before
    run.refresh_from_db()
    assert run.status == BulkRunStatus.DISCARDED


def test_publish_refuses_all_when_a_mentor_became_full(as_admin, program, cohort, people):
    run = preview(as_admin, cohort, people, objective="most_matched")
    f.MentorshipFactory(program=program, mentor=people.xavi, mentee=f.UserFactory())
    before = live_pairs(program)

    response = as_admin.post(run_url("bulk_match_publish", run), follow=True)

    assert response.redirect_chain == [(run_url("bulk_match_preview", run), 302)]
    assert live_pairs(program) == before  # all or nothing: Ana with Yuki isn't started either
    assert "1 pair can't be started any more, so nothing was created." in html.unescape(
        response.content.decode()
    )
    assert response.context["conflicts"] == {
        BulkMatchRow.objects.get(run=run, mentee=people.ben).pk: (
            "The mentor has 0 places left now, and this preview gives them 1."
        )
    }
    run.refresh_from_db()
    assert run.status == BulkRunStatus.PREVIEW
    assert run.job_error.startswith("1 pair can't be started any more")


def test_publish_refuses_all_when_a_mentee_was_matched_meanwhile(as_admin, program, cohort, people):
    run = preview(as_admin, cohort, people, objective="most_matched")
    elsewhere = mentor_with(program, "Quick Colleague")
    f.MentorshipFactory(program=program, mentor=elsewhere, mentee=people.ana)
    before = live_pairs(program)

    response = as_admin.post(run_url("bulk_match_publish", run), follow=True)

    assert "The mentee was matched with a mentor since this preview." in response.content.decode()
    assert live_pairs(program) == before


def test_a_new_preview_after_a_refused_publish_matches_with_what_is_true_now(
    as_admin, program, cohort, people
):
    run = preview(as_admin, cohort, people, objective="most_matched")
    f.MentorshipFactory(program=program, mentor=people.xavi, mentee=f.UserFactory())
    as_admin.post(run_url("bulk_match_publish", run))

    as_admin.post(run_url("bulk_match_revise", run), {})
    new = BulkMatchRun.objects.latest("pk")
    response = as_admin.post(run_url("bulk_match_publish", new))

    assert response.status_code == 302
    assert (people.ana.pk, people.yuki.pk) in live_pairs(program)


# --- the service, for callers other than the page --------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "code"),
    [
        ({"pins": [("outsider", "xavi")]}, "pins_outside"),
        ({"excluded": [("ana", "stranger")]}, "excluded_outside"),
        ({"pins": [("ana", "xavi"), ("ana", "yuki")]}, "pinned_twice"),
        ({"pins": [("ana", "xavi")], "excluded": [("ana", "xavi")]}, "pinned_and_excluded"),
        ({"pins": [("ben", "yuki")]}, "bad_pin"),
    ],
)
def test_bulk_preview_refuses_bad_pins_and_exclusions_and_saves_nothing(
    program, people, admin_user, mentee, pairs, code
):
    ids = {
        "ana": people.ana.pk,
        "xavi": people.xavi.pk,
        "yuki": people.yuki.pk,
        "ben": people.ben.pk,
        "outsider": mentee.pk,
        "stranger": 999_999,
    }
    named = {key: [(ids[a], ids[b]) for a, b in value] for key, value in pairs.items()}

    with pytest.raises(MatchingError) as refused:
        staff.bulk_preview(
            program=program,
            by=admin_user,
            mentee_ids=[people.ana.pk, people.ben.pk],
            mentor_ids=[people.xavi.pk, people.yuki.pk],
            objective="total_fit",
            min_score=0,
            **named,
        )

    assert refused.value.code == code
    assert BulkMatchRun.objects.count() == 0
