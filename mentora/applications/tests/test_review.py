"""The review queue and an application's page: the program's staff only, drafts
never, sensitive answers marked and seen by reviewers alone, every move
recorded with who and when."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentora.applications.models import ApplicationStatus, QuestionKind, StatusChange
from mentora.applications.tests.factories import (
    ApplicationFactory,
    QuestionFactory,
    RoundFactory,
    answer,
)
from mentora.programs.models import Role

pytestmark = pytest.mark.django_db

S = ApplicationStatus
SECRET = "Sensitive-answer-7f3a: I left my last job for my health."


@pytest.fixture
def world(program):
    mentees = RoundFactory(program=program, role=Role.MENTEE)
    mentors = RoundFactory(program=program, role=Role.MENTOR)
    plain = QuestionFactory(round=mentees, label="Why apply?", kind=QuestionKind.LONG_TEXT)
    private = QuestionFactory(round=mentees, label="Anything else?", sensitive=True)
    ava = ApplicationFactory(round=mentees, name="Ava Applicant")
    answer(ava, plain, "To switch careers.")
    answer(ava, private, SECRET)
    ben = ApplicationFactory(round=mentors, name="Ben Mentorcandidate", status=S.IN_REVIEW)
    drafty = ApplicationFactory(
        round=mentees,
        name="Dora Draft",
        status=S.DRAFT,
        email_confirmed_at=None,
        submitted_at=None,
    )
    return {"mentees": mentees, "mentors": mentors, "ava": ava, "ben": ben, "draft": drafty}


def queue(client, **params):
    return client.get(reverse("application_queue", args=["bootcamp"]), params)


def detail(application):
    return reverse("application_detail", args=["bootcamp", application.pk])


@pytest.mark.parametrize("who", ["admin_user", "success_manager"])
def test_reviewers_see_the_queue_without_drafts(client, request, world, who):
    client.force_login(request.getfixturevalue(who))

    page = queue(client)

    text = page.content.decode()
    assert page.status_code == 200
    assert "Ava Applicant" in text and "Ben Mentorcandidate" in text
    assert "Dora Draft" not in text
    assert client.get(detail(world["draft"])).status_code == 404


def test_the_queue_filters_by_round_role_and_status(client, admin_user, world):
    client.force_login(admin_user)

    by_role = queue(client, role="mentor").content.decode()
    by_round = queue(client, round=world["mentees"].pk).content.decode()
    by_status = queue(client, status="in_review").content.decode()
    junk = queue(client, round="²", status="nope", page="x")

    assert "Ben Mentorcandidate" in by_role and "Ava Applicant" not in by_role
    assert "Ava Applicant" in by_round and "Ben Mentorcandidate" not in by_round
    assert "Ben Mentorcandidate" in by_status and "Ava Applicant" not in by_status
    assert junk.status_code == 200


def test_the_detail_page_shows_answers_with_the_sensitive_one_marked(
    client, success_manager, world
):
    client.force_login(success_manager)

    text = client.get(detail(world["ava"])).content.decode()

    assert "To switch careers." in text
    assert SECRET.replace("'", "&#x27;") in text
    assert "Sensitive: reviewers only" in text


@pytest.mark.parametrize("who", ["mentor", "mentee", "outsider"])
def test_the_queue_detail_and_moves_are_refused_to_everyone_else(client, request, world, who):
    client.force_login(request.getfixturevalue(who))
    ava = world["ava"]

    assert queue(client).status_code == 404
    assert client.get(detail(ava)).status_code == 404
    moved = client.post(detail(ava), {"from_status": "submitted", "to_status": "in_review"})
    assert moved.status_code == 404
    ava.refresh_from_db()
    assert ava.status == S.SUBMITTED and not StatusChange.objects.exists()
    assert client.get(reverse("application_rounds", args=["bootcamp"])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    assert queue(client).status_code == 302
    assert client.get(detail(world["ava"])).status_code == 302


def test_a_sensitive_answer_is_on_no_page_a_mentor_opens(client, mentor, world):
    client.force_login(mentor)
    pages = [
        reverse("program_home", args=["bootcamp"]),
        reverse("mentor_directory", args=["bootcamp"]),
        reverse("home"),
        reverse("application_queue", args=["bootcamp"]),
        detail(world["ava"]),
    ]

    for page in pages:
        response = client.get(page)
        assert SECRET not in response.content.decode(), page
        assert "Ava Applicant" not in response.content.decode(), page


def test_every_move_is_recorded_with_who_when_and_the_note(
    client, admin_user, success_manager, world
):
    ava = world["ava"]
    client.force_login(success_manager)
    client.post(
        detail(ava),
        {"from_status": "submitted", "to_status": "in_review", "note": "Looks promising"},
    )
    client.force_login(admin_user)
    client.post(detail(ava), {"from_status": "in_review", "to_status": "interview"})
    client.post(
        detail(ava), {"from_status": "interview", "to_status": "in_review", "note": "Again"}
    )
    # A decision isn't a plain move (it has its own form: test_decisions.py).
    refused = client.post(detail(ava), {"from_status": "in_review", "to_status": "admitted"})

    assert refused.status_code == 400
    ava.refresh_from_db()
    assert ava.status == S.IN_REVIEW
    history = [
        (c.from_status, c.to_status, c.by.name, c.note) for c in StatusChange.objects.order_by("pk")
    ]
    assert history == [
        ("submitted", "in_review", "Sam Success", "Looks promising"),
        ("in_review", "interview", "Ada Admin", ""),
        ("interview", "in_review", "Ada Admin", "Again"),
    ]
    page = client.get(detail(ava)).content.decode()
    assert "Looks promising" in page and "Sam Success" in page


def test_a_move_the_state_doesn_t_allow_or_a_stale_page_is_refused(client, admin_user, world):
    ava, ben = world["ava"], world["ben"]
    client.force_login(admin_user)

    skipped = client.post(detail(ava), {"from_status": "submitted", "to_status": "withdrawn"})
    stale = client.post(detail(ben), {"from_status": "submitted", "to_status": "interview"})
    too_long = client.post(
        detail(ava), {"from_status": "submitted", "to_status": "in_review", "note": "n" * 2001}
    )

    assert skipped.status_code == 400
    assert stale.status_code == 400
    assert "move that way" in skipped.content.decode()
    assert "changed meanwhile" in stale.content.decode()
    assert too_long.status_code == 400
    ava.refresh_from_db()
    ben.refresh_from_db()
    assert (ava.status, ben.status) == (S.SUBMITTED, S.IN_REVIEW)
    assert not StatusChange.objects.exists()
