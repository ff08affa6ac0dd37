"""The caller's calendar feed address over the API: read, reset (the old one dies),
and never to a token narrower than the feed (one program, or an integration)."""

import pytest
from django.test import Client

from mentora.api import tokens
from mentora.api.models import TokenScope
from mentora.scheduling.models import CalendarFeed
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db
FEED = "/api/v1/me/calendar-feed"


def path_of(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_the_address_is_the_settings_pages_and_a_reset_replaces_it(
    client, program, mentorship, mentee, bearer
):
    f.SessionFactory(mentorship=mentorship)
    header = bearer(mentee)

    first = client.get(FEED, **header).json()
    reset = client.post(f"{FEED}/reset", **header).json()

    token = CalendarFeed.objects.get(user=mentee).token
    assert reset["url"].endswith(f"{token}.ics") or token in reset["url"]
    assert first["url"] != reset["url"]
    assert reset["webcal_url"].startswith("webcal://")
    assert (
        Client().get(reset["url"].split("://", 1)[1].split("/", 1)[1].join(["/", ""])).status_code
        == 200
    )
    old_path = "/" + first["url"].split("://", 1)[1].split("/", 1)[1]
    assert Client().get(old_path).status_code == 404


def test_a_one_program_token_or_an_integration_may_not_read_it(
    client, program, mentee, admin_user, bearer
):
    integration = tokens.service_token_create(
        program=program, by=admin_user, name="LMS", scope="write", days=30
    )
    for header in (
        bearer(mentee, program=program),
        {"HTTP_AUTHORIZATION": f"Bearer {integration.secret}"},
    ):
        assert client.get(FEED, **header).status_code == 403
        assert client.post(f"{FEED}/reset", **header).status_code == 403
    assert not CalendarFeed.objects.filter(user=admin_user).exists()


def test_a_read_token_reads_but_does_not_reset(client, mentee, bearer):
    header = bearer(mentee, scope=TokenScope.READ)

    assert client.get(FEED, **header).status_code == 200
    assert client.post(f"{FEED}/reset", **header).status_code == 403


def test_without_credentials_it_is_401(client):
    assert client.get(FEED).status_code == 401
