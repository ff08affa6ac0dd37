"""The rounds page: program admins create rounds (dates read and shown in the
program's time zone), open and close them by hand, and add, remove and reorder
their questions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.applications.models import ApplicationRound, Question, QuestionKind
from mentora.applications.tests.factories import (
    ApplicationFactory,
    QuestionFactory,
    RoundFactory,
    answer,
)

pytestmark = pytest.mark.django_db

ROUNDS = reverse("application_rounds", args=["bootcamp"])


def round_url(round_):
    return reverse("application_round", args=["bootcamp", round_.pk])


def test_an_admin_creates_a_round_in_the_program_s_time_zone(client, admin_user, program):
    client.force_login(admin_user)  # Ada reads in Europe/Berlin too; a mentor elsewhere
    admin_user.time_zone = "America/New_York"
    admin_user.save()

    response = client.post(
        ROUNDS,
        {
            "role": "mentor",
            "opens_at": "2027-03-01T09:00",
            "closes_at": "2027-07-01T18:00",
            "intro": "Mentor career changers.",
        },
    )

    created = ApplicationRound.objects.get()
    assert response.status_code == 302 and response["Location"] == round_url(created)
    # Berlin: CET (UTC+1) in March, CEST (UTC+2) in July.
    assert created.opens_at == datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    assert created.closes_at == datetime(2027, 7, 1, 16, 0, tzinfo=UTC)
    assert (created.role, created.intro, created.created_by) == (
        "mentor",
        "Mentor career changers.",
        admin_user,
    )
    listing = client.get(ROUNDS).content.decode()
    assert "1 Mar 2027, 09:00 CET" in listing and "1 Jul 2027, 18:00 CEST" in listing
    page = client.get(round_url(created)).content.decode()
    assert 'value="2027-03-01T09:00"' in page  # the form shows the program's wall clock


def test_a_round_must_close_after_it_opens(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        ROUNDS, {"role": "mentee", "opens_at": "2027-03-01T09:00", "closes_at": "2027-02-01T09:00"}
    )

    assert response.status_code == 400
    assert "The round must close after it opens." in response.content.decode()
    assert not ApplicationRound.objects.exists()


def test_close_and_open_by_hand(client, admin_user, program):
    round_ = RoundFactory(program=program)
    client.force_login(admin_user)

    client.post(round_url(round_), {"action": "close"})
    round_.refresh_from_db()
    assert round_.closed_by_hand_at is not None and not round_.is_open(timezone.now())
    client.post(round_url(round_), {"action": "open"})
    round_.refresh_from_db()
    assert round_.closed_by_hand_at is None and round_.is_open(timezone.now())


def test_opening_a_future_round_by_hand_opens_it_now(client, admin_user, program):
    round_ = RoundFactory(program=program, opens_at=timezone.now() + timedelta(days=5))
    client.force_login(admin_user)

    client.post(round_url(round_), {"action": "open"})

    round_.refresh_from_db()
    assert round_.is_open(timezone.now())


def test_add_reorder_and_remove_questions(client, admin_user, program):
    round_ = RoundFactory(program=program)
    client.force_login(admin_user)

    for label in ("First?", "Second?"):
        client.post(
            round_url(round_),
            {"add_question": "1", "kind": "short_text", "label": label, "required": "on"},
        )
    client.post(
        round_url(round_),
        {
            "add_question": "1",
            "kind": "one_choice",
            "label": "Track?",
            "choices": "Backend\nFrontend\n\nBackend",
            "sensitive": "on",
        },
    )
    track = Question.objects.get(label="Track?")
    assert track.choices == ["Backend", "Frontend"] and track.sensitive and not track.required

    client.post(round_url(round_), {"action": "up", "question": track.pk})
    assert list(Question.objects.order_by("order").values_list("label", flat=True)) == [
        "First?",
        "Track?",
        "Second?",
    ]
    client.post(round_url(round_), {"action": "remove", "question": track.pk})
    assert list(Question.objects.values_list("label", flat=True)) == ["First?", "Second?"]


def test_a_choice_question_needs_choices(client, admin_user, program):
    round_ = RoundFactory(program=program)
    client.force_login(admin_user)

    response = client.post(
        round_url(round_), {"add_question": "1", "kind": "many_choices", "label": "Tools?"}
    )

    assert response.status_code == 400
    assert "Give at least two choices" in response.content.decode()
    assert not Question.objects.exists()


def test_an_answered_question_stays(client, admin_user, program):
    round_ = RoundFactory(program=program)
    question = QuestionFactory(round=round_, kind=QuestionKind.SHORT_TEXT)
    answer(ApplicationFactory(round=round_), question, "Yes")
    client.force_login(admin_user)

    client.post(round_url(round_), {"action": "remove", "question": question.pk})

    assert Question.objects.filter(pk=question.pk).exists()


def test_another_round_s_question_is_not_found(client, admin_user, program):
    round_ = RoundFactory(program=program)
    elsewhere = QuestionFactory(round=RoundFactory(program=program))
    client.force_login(admin_user)

    client.post(round_url(round_), {"action": "remove", "question": elsewhere.pk})

    assert Question.objects.filter(pk=elsewhere.pk).exists()


@pytest.mark.parametrize("who", ["success_manager", "mentor", "mentee", "outsider"])
def test_only_admins_manage_rounds(client, request, program, who):
    round_ = RoundFactory(program=program)
    client.force_login(request.getfixturevalue(who))

    assert client.get(ROUNDS).status_code == 404
    assert (
        client.post(ROUNDS, {"role": "mentee", "opens_at": "2027-03-01T09:00"}).status_code == 404
    )
    assert client.post(round_url(round_), {"action": "close"}).status_code == 404
    round_.refresh_from_db()
    assert round_.closed_by_hand_at is None and ApplicationRound.objects.count() == 1


def test_the_settings_page_links_to_the_rounds(client, admin_user):
    client.force_login(admin_user)

    page = client.get(reverse("program_settings", args=["bootcamp"])).content.decode()

    assert ROUNDS in page
