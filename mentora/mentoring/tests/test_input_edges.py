"""Mentoring inputs at the edges (issue 19): a NUL or a non-token character in
an agenda file's token (download and removal), ids in other digits, dates far
from today, control characters in text. Each is a 4xx or a form error, never a
500, and nothing changes."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentora.mentoring.agenda import services
from mentora.mentoring.models import (
    ActionItem,
    Agenda,
    AgendaFile,
    AgendaQuestion,
    MentorshipGoal,
)
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def session(mentorship):
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=2))


@pytest.fixture
def stored_file(session, mentee, media):
    upload = SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")
    return services.agenda_file_add(session=session, by=mentee, upload=upload, now=NOW)


def agenda_url(program, session):
    return reverse("agenda", args=[program.slug, session.pk])


def file_url(program, session, token):
    return f"/p/{program.slug}/sessions/{session.pk}/agenda/files/{token}/"


def test_the_file_url_is_the_one_django_reverses(program, session, stored_file):
    assert file_url(program, session, stored_file.token) == reverse(
        "agenda_file", args=[program.slug, session.pk, stored_file.token]
    )


def test_downloading_with_a_nul_in_the_token_is_a_400(
    client, program, session, stored_file, mentee
):
    client.force_login(mentee)

    assert client.get(file_url(program, session, f"{stored_file.token}%00")).status_code == 400
    assert client.get(file_url(program, session, "a%00b")).status_code == 400


@pytest.mark.parametrize("token", ["a.b", "ä", "a%20b", "a" * 65, "%C2%B2"])
def test_downloading_with_a_character_no_token_has_is_a_404(
    client, program, session, stored_file, mentee, token
):
    client.force_login(mentee)

    assert client.get(file_url(program, session, token)).status_code == 404


def test_removing_with_a_nul_in_the_token_is_a_400_and_the_file_stays(
    client, program, session, stored_file, mentee
):
    client.force_login(mentee)

    response = client.post(
        agenda_url(program, session), {"action": "file_remove", "token": f"{stored_file.token}\x00"}
    )

    assert response.status_code == 400
    assert AgendaFile.objects.filter(pk=stored_file.pk).exists()


@pytest.mark.parametrize("token", ["a.b", "ä", "a" * 5000, ""])
def test_removing_with_a_token_that_cannot_be_one_says_so_and_the_file_stays(
    client, program, session, stored_file, mentee, token
):
    client.force_login(mentee)

    # The page's button carries the token in its value; an older form sent it apart.
    for data in ({"action": f"file_remove:{token}"}, {"action": "file_remove", "token": token}):
        response = client.post(agenda_url(program, session), data)

        assert response.status_code == 400  # the page again, with the refusal on it
        assert "That file isn&#x27;t on this agenda." in response.content.decode()
        assert AgendaFile.objects.filter(pk=stored_file.pk).exists()


@pytest.mark.parametrize("raw", ["²", "٣", "9" * 5000, "9" * 25, "-1"])
def test_removing_a_link_or_bringing_a_question_by_a_junk_id_changes_nothing(
    client, program, session, mentee, raw
):
    client.force_login(mentee)
    question = f.QuestionFactory(program=program, mentee=mentee)

    for action in ("link_remove", "bring"):
        response = client.post(agenda_url(program, session), {"action": action, "id": raw})
        assert response.status_code < 500
        response = client.post(agenda_url(program, session), {"action": f"{action}:{raw}"})
        assert response.status_code < 500
    assert not AgendaQuestion.objects.filter(question=question).exists()


@pytest.mark.parametrize("raw", ["²", "٣", "9" * 5000, "x"])
def test_the_question_list_with_a_junk_mentee_is_not_a_500(
    client, program, mentee, success_manager, raw
):
    client.force_login(success_manager)

    response = client.get(reverse("questions", args=[program.slug]), {"mentee": raw})

    assert response.status_code in (200, 404)


@pytest.mark.parametrize("raw", ["²", "9" * 5000])
def test_a_question_action_with_a_junk_id_is_refused(client, program, mentee, raw):
    client.force_login(mentee)

    response = client.post(
        reverse("questions", args=[program.slug]), {"action": "solved", "id": raw}, follow=True
    )

    assert response.status_code < 500
    assert "That question isn&#x27;t on your list." in response.content.decode()


@pytest.mark.parametrize("text", ["Walk\x1bthrough", "Walk\x85through", "Walk\x7fthrough"])
def test_an_agenda_goal_with_a_control_character_is_refused_with_a_message(
    client, program, session, mentee, text
):
    client.force_login(mentee)

    response = client.post(
        agenda_url(program, session), {"action": "save", "goal": text, "working_on": "x"}
    )

    assert response.status_code == 400
    assert "invisible control character" in response.content.decode()
    assert not Agenda.objects.filter(goal__contains="Walk").exists()


def test_an_agenda_goal_without_one_is_saved(client, program, session, mentee):
    client.force_login(mentee)

    client.post(
        agenda_url(program, session),
        {"action": "save", "goal": "Walk through my CV", "working_on": "x"},
    )

    assert Agenda.objects.filter(goal="Walk through my CV").exists()


@pytest.mark.parametrize(
    ("due_on", "saved"), [("9999-12-31", 0), ("0001-01-01", 0), ("2027-01-20", 1)]
)
def test_an_action_item_due_far_from_today_is_refused(
    client, program, session, mentor, due_on, saved
):
    client.force_login(mentor)
    workspace = reverse("session_workspace", args=[program.slug, session.pk])

    response = client.post(
        workspace,
        {
            "action": "item_add",
            "title": "Practise",
            "owner": "mentee",
            "due_on": due_on,
            "kind": "practice",
        },
    )

    assert response.status_code < 500
    assert ActionItem.objects.count() == saved


@pytest.mark.parametrize(
    ("target", "saved"), [("9999-12-31", 0), ("0001-01-01", 0), ("2027-06-30", 1)]
)
def test_a_goal_with_a_target_date_far_from_today_is_refused(
    client, program, mentorship, mentee, target, saved
):
    client.force_login(mentee)
    goals = reverse("mentorship_goals", args=[program.slug, mentorship.pk])

    response = client.post(
        goals, {"action": "add", "add-text": "Ship a portfolio", "add-target_date": target}
    )

    assert response.status_code < 500
    assert MentorshipGoal.objects.count() == saved
