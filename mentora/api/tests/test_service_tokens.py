"""Program service tokens (integrations): made by a program admin on the program's
settings, shown once, seen and revoked by every admin of the program, for that one
program only, never more than the admin who made it, and dead once they leave."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentora.api import tokens
from mentora.api.errors import ApiError
from mentora.api.models import PersonalAccessToken, TokenKind
from mentora.programs.models import Membership, MembershipStatus, Role
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db


def page(program):
    return reverse("integration_tokens", args=[program.slug])


def revoke_url(program, token):
    return reverse("integration_token_revoke", args=[program.slug, token.pk])


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def second_admin(program):
    user = f.UserFactory(email="abe@example.org", name="Abe Admin")
    f.MembershipFactory(user=user, program=program, role=Role.ADMIN)
    return user


@pytest.fixture
def integration(program, admin_user):
    return tokens.service_token_create(
        program=program, by=admin_user, name="LMS nightly", scope="write", days=30
    )


def test_an_admin_makes_one_sees_it_once_and_it_reads_the_program(
    client, program, admin_user, mentorship
):
    client.force_login(admin_user)
    made = client.post(page(program), {"name": "LMS nightly", "scope": "read", "days": "90"})
    assert (made.status_code, made["Location"]) == (302, page(program))

    shown = client.get(page(program))
    secret = shown.context["created"]["secret"]
    assert secret in shown.text
    assert secret not in client.get(page(program)).text
    token = PersonalAccessToken.objects.get()
    assert (token.kind, token.program, token.owner, token.name) == (
        TokenKind.SERVICE,
        program,
        admin_user,
        "LMS nightly",
    )
    answer = Client().get(f"/api/v1/programs/{program.slug}/mentorships", **bearer(secret))
    assert answer.status_code == 200
    assert [m["id"] for m in answer.json()["items"]] == [mentorship.pk]


def test_it_is_not_a_personal_token_of_its_maker(client, program, admin_user, integration):
    client.force_login(admin_user)

    assert "LMS nightly" not in client.get("/accounts/tokens/").text
    assert tokens.token_revoke(owner=admin_user, token_id=integration.token.pk) is False
    assert tokens.live_tokens(admin_user, timezone.now()) == []


def test_every_admin_of_the_program_sees_and_revokes_it(client, program, second_admin, integration):
    client.force_login(second_admin)
    assert "LMS nightly" in client.get(page(program)).text

    revoked = client.post(revoke_url(program, integration.token))

    assert revoked.status_code == 302
    answer = Client().get("/api/v1/me", **bearer(integration.secret))
    assert (answer.status_code, answer.json()["code"]) == (401, "token_revoked")


def test_it_reaches_no_other_program(program, integration, outsider):
    other = outsider.memberships.get().program

    answer = Client().get(f"/api/v1/programs/{other.slug}", **bearer(integration.secret))
    listed = Client().get("/api/v1/programs", **bearer(integration.secret))

    assert answer.status_code == 404
    assert [p["slug"] for p in listed.json()] == [program.slug]


def test_it_stops_working_when_its_maker_is_no_longer_an_admin(
    program, admin_user, integration, second_admin
):
    Membership.objects.filter(user=admin_user, program=program, role=Role.ADMIN).update(
        is_active=False, status=MembershipStatus.LEFT, ended_at=timezone.now()
    )

    answer = Client().get(f"/api/v1/programs/{program.slug}", **bearer(integration.secret))

    assert (answer.status_code, answer.json()["code"]) == (401, "token_maker_left")


def test_a_read_integration_cannot_write(program, admin_user, mentorship):
    read = tokens.service_token_create(
        program=program, by=admin_user, name="Data team", scope="read", days=30
    )

    answer = Client().post(
        f"/api/v1/programs/{program.slug}/sessions",
        data={"mentorship_id": mentorship.pk, "starts_at": "2030-01-01T10:00:00Z"},
        content_type="application/json",
        **bearer(read.secret),
    )

    assert (answer.status_code, answer.json()["code"]) == (403, "read_only_token")


@pytest.mark.parametrize("who", ["mentee", "mentor", "success_manager", "outsider"])
def test_only_the_programs_admins_open_the_page(client, request, program, integration, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(page(program)).status_code in (403, 404)
    assert client.post(
        page(program), {"name": "x", "scope": "write", "days": "30"}
    ).status_code in (
        403,
        404,
    )
    assert client.post(revoke_url(program, integration.token)).status_code in (403, 404)
    assert PersonalAccessToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_another_programs_token_id_is_a_404(client, program, admin_user, outsider):
    other = outsider.memberships.get().program
    f.MembershipFactory(user=outsider, program=other, role=Role.ADMIN)
    theirs = tokens.service_token_create(
        program=other, by=outsider, name="Their CRM", scope="read", days=30
    )
    client.force_login(admin_user)

    assert client.post(revoke_url(program, theirs.token)).status_code == 404
    assert PersonalAccessToken.objects.get(pk=theirs.token.pk).revoked_at is None


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scope": "read", "days": "30"},
        {"name": "x\x01", "scope": "read", "days": "30"},
        {"name": "x" * 101, "scope": "read", "days": "30"},
        {"name": "x", "scope": "admin", "days": "30"},
        {"name": "x", "scope": "read", "days": "12"},
        {"name": "x", "scope": "read", "days": "99999999999999999999"},
    ],
)
def test_bad_input_is_a_message_and_makes_nothing(client, program, admin_user, data):
    client.force_login(admin_user)

    answer = client.post(page(program), data)

    assert answer.status_code == 400
    assert PersonalAccessToken.objects.count() == 0


def test_only_an_admin_makes_one_through_the_service(program, success_manager):
    with pytest.raises(ApiError) as refused:
        tokens.service_token_create(
            program=program, by=success_manager, name="x", scope="read", days=30
        )

    assert refused.value.status == 403
    assert PersonalAccessToken.objects.count() == 0
