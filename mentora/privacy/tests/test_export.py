"""The export: one's own data only, everything of it, nobody's private notes."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

import pytest
from django.urls import reverse

from mentora.privacy.tests.conftest import EMAIL, FILE_BYTES, NAME
from mentora.tests import factories as f

URL = reverse("privacy_export")


def _zip(client, user) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _all_bytes(archive: zipfile.ZipFile) -> bytes:
    return b"".join(archive.read(name) for name in archive.namelist())


def _json(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def test_the_mentee_gets_her_agenda_her_file_and_no_private_note_of_her_mentor(client, world):
    archive = _zip(client, world.zelda)
    everything = _all_bytes(archive)

    agendas = _json(archive, "agendas.json")
    assert agendas[0]["goal"] == "ZELDA-TEXT agenda goal: understand ownership"
    assert agendas[0]["links"][0]["url"] == "https://example.org/zelda"
    files = _json(archive, "files.json")
    assert files[0]["original_name"] == "Zelda portfolio.pdf"
    assert archive.read(files[0]["in_this_zip"]) == FILE_BYTES
    # The mentor's private note and private report appear nowhere, in no form.
    assert b"MO-PRIVATE" not in everything
    assert "anxious" not in everything.decode("utf-8", "replace")


def test_notes_are_hers_and_the_ones_shared_with_her(client, world):
    notes = _json(_zip(client, world.zelda), "notes.json")

    assert {n["body"] for n in notes["notes_i_wrote"]} == {
        "ZELDA-TEXT my shared note",
        "ZELDA-TEXT my private note",
    }
    assert [n["body"] for n in notes["notes_shared_with_me"]] == ["Mo's shared note, kept"]
    assert notes["notes_shared_with_me"][0]["author"]["name"] == "Mo Mentor"


def test_every_source_is_in_the_zip_with_ids_labels_and_utc_times(client, world):
    archive = _zip(client, world.zelda)
    names = set(archive.namelist())
    for expected in (
        "README.txt",
        "account.json",
        "profiles.json",
        "background.json",
        "memberships.json",
        "mentorships.json",
        "sessions.json",
        "availability.json",
        "agendas.json",
        "files.json",
        "questions.json",
        "goals.json",
        "notes.json",
        "action_items.json",
        "reflections.json",
        "feedback.json",
        "pulses.json",
        "concerns.json",
        "mentor_requests.json",
        "notifications.json",
        "preferences.json",
        "signed_in_sessions.json",
        "calendars.json",
        "sign_in.json",
    ):
        assert expected in names, expected

    account = _json(archive, "account.json")
    assert (account["id"], account["email"], account["name"]) == (world.zelda.pk, EMAIL, NAME)
    assert account["date_joined"].endswith("Z")
    sessions = _json(archive, "sessions.json")
    assert {s["id"] for s in sessions} == {world.past.pk, world.future.pk}
    held = next(s for s in sessions if s["id"] == world.past.pk)
    assert held["status"] == "held" and held["status_label"] == "Held"
    assert held["starts_at"].endswith("Z")
    assert datetime.fromisoformat(held["starts_at"]) == world.past.starts_at
    assert _json(archive, "reflections.json")[0]["plan_now"] == "ZELDA-TEXT plan"
    assert _json(archive, "feedback.json")[0]["rating"] == 5
    assert _json(archive, "pulses.json")[0]["comment"] == "ZELDA-TEXT pulse comment"
    assert _json(archive, "concerns.json")[0]["details"] == "ZELDA-TEXT concern details"
    assert _json(archive, "mentor_requests.json")["sent"][0]["message"].startswith("ZELDA-TEXT")
    assert _json(archive, "notifications.json")[0]["title"] == "Hello Zelda"
    assert _json(archive, "preferences.json")[0]["choice"] == "inbox"
    assert _json(archive, "profiles.json")["mentee"]["learning"] == "ZELDA-TEXT learning Rust"
    assert _json(archive, "questions.json")[0]["text"].startswith("ZELDA-TEXT")
    assert _json(archive, "goals.json")["goals"][0]["text"] == "ZELDA-TEXT ship a crate"
    assert _json(archive, "action_items.json")[0]["created_by_me"] is True
    assert _json(archive, "memberships.json")[0]["role_label"] == "Mentee"
    calendars = _json(archive, "calendars.json")
    assert [c["url_host"] for c in calendars] == ["quintessa.example.org"]
    assert "sealed_url" not in calendars[0]
    sign_in = _json(archive, "sign_in.json")
    assert [a["type"] for a in sign_in["second_factors"]] == ["totp"]
    assert "data" not in sign_in["second_factors"][0]  # the secret stays out
    assert sign_in["single_sign_on"][0]["uid"] == "zelda-campus-id"


def test_the_mentor_gets_his_private_note_and_not_hers(client, world):
    archive = _zip(client, world.mentor)
    everything = _all_bytes(archive).decode("utf-8", "replace")

    assert "MO-PRIVATE she seems anxious" in everything
    assert "ZELDA-TEXT my private note" not in everything
    assert "ZELDA-TEXT my shared note" in everything  # shared on his session
    # Her files and her agendas are hers, not his.
    assert FILE_BYTES.decode() not in everything
    assert _json(archive, "agendas.json") == []
    assert _json(archive, "account.json")["email"] == "mo@example.org"
    # Her feedback and her reflection are hers.
    assert "ZELDA-TEXT plan" not in everything
    assert "ZELDA-TEXT the pairing" not in everything


@pytest.mark.parametrize("person", ["success_manager", "admin_user", "outsider", "mentee"])
def test_every_role_gets_its_own_export_and_nothing_of_zelda(client, world, request, person):
    user = request.getfixturevalue(person)
    archive = _zip(client, user)
    everything = _all_bytes(archive).decode("utf-8", "replace")

    assert _json(archive, "account.json")["id"] == user.pk
    assert "ZELDA-TEXT" not in everything
    assert "MO-PRIVATE" not in everything
    assert EMAIL not in everything


def test_an_anonymous_visitor_is_sent_to_log_in_and_a_post_is_refused(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(world.zelda)
    assert client.post(URL).status_code == 405


def test_a_missing_file_is_said_in_the_zip_not_a_500(client, world):
    world.file.file.storage.delete(world.file.file.name)
    archive = _zip(client, world.zelda)
    assert any(n.endswith(".missing.txt") for n in archive.namelist())


def test_the_profile_page_links_to_the_export(client, world):
    client.force_login(world.zelda)
    assert URL in client.get(reverse("profile_edit")).content.decode()


def test_where_she_is_signed_in_is_in_her_export_and_not_in_his(client, world):
    f.signed_in_session(world.zelda, user_agent="Zelda-Phone/1.0", ip="198.51.100.7")

    hers = _json(_zip(client, world.zelda), "signed_in_sessions.json")
    his = _all_bytes(_zip(client, world.mentor)).decode("utf-8", "replace")

    phone = next(s for s in hers if s["user_agent"] == "Zelda-Phone/1.0")
    assert phone["ip"] == "198.51.100.7"
    assert phone["last_seen_at"].endswith("Z")
    assert len(hers) == 2  # the phone and the browser that asked for the export
    assert "Zelda-Phone" not in his and "198.51.100.7" not in his


def test_her_api_tokens_are_listed_without_their_secrets(client, world):
    from mentora.api import tokens

    made = tokens.token_create(owner=world.zelda, name="Zelda's sync", scope="read", days=30)

    archive = _zip(client, world.zelda)

    [listed] = _json(archive, "api_tokens.json")
    assert (listed["name"], listed["scope"], listed["starts_with"]) == (
        "Zelda's sync",
        "read",
        f"mnt_{made.token.prefix}",
    )
    everything = _all_bytes(archive)
    assert made.secret.encode() not in everything
    assert made.token.secret_hash.encode() not in everything


def test_her_applications_are_in_the_zip_with_her_answers(client, world):
    from mentora.applications.tests.factories import (
        ApplicationFactory,
        QuestionFactory,
        RoundFactory,
        answer,
    )

    round_ = RoundFactory(program=world.zelda.memberships.first().program)
    question = QuestionFactory(round=round_, label="Why do you want a mentor?", sensitive=True)
    application = ApplicationFactory(round=round_, email=world.zelda.email)
    answer(application, question, "To change careers")

    [listed] = _json(_zip(client, world.zelda), "applications.json")

    assert listed["id"] == application.pk
    assert listed["answers"] == [
        {"question": "Why do you want a mentor?", "answer": "To change careers"}
    ]
