"""Tokens: shown once, stored hashed; expired, revoked or unknown is 401; a read token
can't write (403); a one-program token sees no other; session login works with CSRF
for writes; the rate limit answers 429 with Retry-After."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from mentora.api import tokens
from mentora.api.models import PersonalAccessToken, TokenScope

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_hash_with_a_visible_prefix(mentee):
    created = tokens.token_create(owner=mentee, name="LMS", scope="read", days=30)
    row = PersonalAccessToken.objects.get()
    assert created.secret.startswith(f"mnt_{row.prefix}_")
    assert row.secret_hash == tokens.hash_secret(created.secret)
    assert created.secret not in str(PersonalAccessToken.objects.values().get())


def test_me_with_a_token_gives_the_owner_and_their_time_zone(client, mentor, bearer):
    answer = client.get("/api/v1/me", **bearer(mentor))
    assert answer.status_code == 200
    assert answer.json() == {
        "id": mentor.pk,
        "name": "Mo Mentor",
        "email": "mo@example.org",
        "time_zone": "America/New_York",
    }


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer mnt_nope_nope", "Basic abc", "Bearer " + "x" * 500, "Token mnt_a"],
)
def test_no_or_a_wrong_token_is_401_in_the_error_shape(client, mentee, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    answer = client.get("/api/v1/me", **extra)
    assert answer.status_code == 401
    assert set(answer.json()) >= {"code", "message", "field"}


def test_an_expired_token_is_401(client, mentee, bearer):
    header = bearer(mentee, days=7)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        answer = client.get("/api/v1/me", **header)
    assert (answer.status_code, answer.json()["code"]) == (401, "token_expired")


def test_a_revoked_token_is_401(client, mentee, bearer):
    header = bearer(mentee)
    token = PersonalAccessToken.objects.get()
    assert tokens.token_revoke(owner=mentee, token_id=token.pk)
    answer = client.get("/api/v1/me", **header)
    assert (answer.status_code, answer.json()["code"]) == (401, "token_revoked")


def test_a_deactivated_owner_s_token_is_401(client, mentee, bearer):
    header = bearer(mentee)
    mentee.is_active = False
    mentee.save()
    assert client.get("/api/v1/me", **header).status_code == 401


def test_a_read_token_can_not_write(client, program, mentorship, mentee, bearer):
    answer = client.post(
        f"/api/v1/programs/{program.slug}/sessions",
        {"mentorship_id": mentorship.pk, "starts_at": "2030-01-01T10:00:00Z"},
        content_type="application/json",
        **bearer(mentee, scope=TokenScope.READ),
    )
    assert (answer.status_code, answer.json()["code"]) == (403, "read_only_token")


def test_last_use_is_written_at_most_every_few_minutes(client, mentee, bearer):
    header = bearer(mentee)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/me", **header)
        first = PersonalAccessToken.objects.get().last_used_at
        assert first is not None
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        client.get("/api/v1/me", **header)
        assert PersonalAccessToken.objects.get().last_used_at == first
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        client.get("/api/v1/me", **header)
        later = PersonalAccessToken.objects.get().last_used_at
        assert later is not None
        assert later > first


def test_a_one_program_token_sees_only_that_program(client, program, mentee, outsider, bearer):
    from mentora.programs.models import Role
    from mentora.tests import factories as f

    other = outsider.memberships.get().program
    f.MembershipFactory(user=mentee, program=other, role=Role.MENTEE)
    header = bearer(mentee, program=program)
    slugs = [p["slug"] for p in client.get("/api/v1/programs", **header).json()]
    assert slugs == ["bootcamp"]
    assert client.get(f"/api/v1/programs/{other.slug}", **header).status_code == 404
    everywhere = bearer(mentee)
    assert client.get(f"/api/v1/programs/{other.slug}", **everywhere).status_code == 200


def test_a_token_for_a_program_the_owner_is_not_in_is_refused(mentee, outsider):
    from mentora.api.errors import ApiError

    with pytest.raises(ApiError):
        tokens.token_create(
            owner=mentee,
            name="x",
            scope="read",
            days=30,
            program=outsider.memberships.get().program,
        )


def test_the_signed_in_browser_reads_and_writes_with_csrf_only(program, mentorship, mentee):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(mentee)
    assert browser.get("/api/v1/me").status_code == 200
    url = f"/api/v1/programs/{program.slug}/sessions/1/cancel"
    refused = browser.post(url, {"reason": "illness"}, content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    browser.get("/accounts/tokens/")  # sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    passed = browser.post(
        url, {"reason": "illness"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert passed.status_code == 404  # past CSRF: no such session


def test_the_rate_limit_answers_429_with_retry_after(client, mentee, bearer, settings):
    from django.core.cache import cache

    cache.clear()
    settings.MENTORA_API_RATE_PER_MINUTE = 3
    header = bearer(mentee)
    codes = [client.get("/api/v1/me", **header).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/me", **header)
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 61
    # Another token of the same person has a count of its own.
    assert client.get("/api/v1/me", **bearer(mentee)).status_code == 200
