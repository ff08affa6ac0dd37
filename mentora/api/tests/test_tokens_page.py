"""/accounts/tokens/: create (the secret shown once), list, revoke; only one's own."""

import pytest
from django.test import Client

from mentora.api import tokens
from mentora.api.models import PersonalAccessToken

pytestmark = pytest.mark.django_db
PAGE = "/accounts/tokens/"


def test_creating_shows_the_secret_once_and_it_works(client, program, mentee):
    client.force_login(mentee)
    made = client.post(
        PAGE, {"name": "LMS sync", "scope": "read", "program": program.pk, "days": "30"}
    )
    assert (made.status_code, made["Location"]) == (302, PAGE)
    shown = client.get(PAGE)
    secret = shown.context["created"]["secret"]
    assert secret in shown.content.decode()
    token = PersonalAccessToken.objects.get()
    assert (token.name, token.scope, token.program) == ("LMS sync", "read", program)
    again = client.get(PAGE)
    assert secret not in again.content.decode()
    assert "LMS sync" in again.content.decode()
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.json()["id"] == mentee.pk


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scope": "read", "days": "30"},
        {"name": "x\x01", "scope": "read", "days": "30"},
        {"name": "x", "scope": "admin", "days": "30"},
        {"name": "x", "scope": "read", "days": "12"},
        {"name": "x", "scope": "read", "days": "30", "program": "99999999999999999999"},
    ],
)
def test_bad_input_is_a_form_error_and_makes_nothing(client, mentee, data):
    client.force_login(mentee)
    assert client.post(PAGE, data).status_code == 400
    assert not PersonalAccessToken.objects.exists()


def test_a_program_of_someone_else_can_not_be_chosen(client, mentee, outsider):
    client.force_login(mentee)
    elsewhere = outsider.memberships.get().program
    data = {"name": "x", "scope": "read", "days": "30", "program": elsewhere.pk}
    assert client.post(PAGE, data).status_code == 400
    assert not PersonalAccessToken.objects.exists()


def test_revoking_one_s_own_token_ends_it_and_another_s_is_404(client, mentee, mentor):
    mine = tokens.token_create(owner=mentee, name="mine", scope="read", days=30)
    theirs = tokens.token_create(owner=mentor, name="theirs", scope="read", days=30)
    client.force_login(mentee)
    assert client.post(f"{PAGE}{theirs.token.pk}/revoke/").status_code == 404
    assert client.post(f"{PAGE}{mine.token.pk}/revoke/").status_code == 302
    assert client.post(f"{PAGE}{mine.token.pk}/revoke/").status_code == 404
    answer = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {mine.secret}")
    assert answer.status_code == 401
    assert PersonalAccessToken.objects.get(pk=theirs.token.pk).revoked_at is None
    assert "mine" not in client.get(PAGE).content.decode()


def test_the_page_wants_a_sign_in(client):
    assert client.get(PAGE).status_code == 302


def test_the_docs_page_uses_no_other_origin(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower() and "//" not in html.replace("http://", "").split("<body")[0]
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "img-src 'self' data:" in policy
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Mentora API"


def test_a_form_body_that_can_not_be_read_is_400_not_500(client, program, mentee):
    for path in ("/api/v1/programs/bootcamp/sessions", "/accounts/tokens/"):
        answer = client.post(path, b"junk", content_type="multipart/form-data")
        assert answer.status_code == 400, path
