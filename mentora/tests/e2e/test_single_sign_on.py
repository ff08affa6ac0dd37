"""An invited person signs in with their organisation's provider, in a real browser:
Mentora's "Sign in with …" button, the provider's own login form (django-oauth-toolkit
in a second process, mentora/tests/oidc_provider), and back to Mentora's first steps."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from mentora.accounts.models import User
from mentora.programs import services
from mentora.programs.models import Role
from mentora.tests.oidc_provider import running_provider

INES = {
    "username": "ines",
    "password": "provider-pw-ines-7",
    "email": "ines@acme.example",
    "email_verified": True,
    "name": "Ines",
}


def test_invited_person_signs_in_through_the_provider(
    live_server, page, settings, tmp_path, admin_user, program
):
    callback = f"{live_server.url}/accounts/oidc/acme/login/callback/"
    with running_provider(tmp_dir=tmp_path, redirect_uris=[callback], users=[INES]) as provider:
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "APPS": [
                    {
                        "provider_id": "acme",
                        "name": "Acme ID",
                        "client_id": provider.client_id,
                        "secret": provider.client_secret,
                        "settings": {"server_url": provider.issuer, "oauth_pkce_enabled": True},
                    }
                ]
            }
        }
        services.person_invite(
            program=program,
            email=INES["email"],
            name="Ines Invited",
            role=Role.MENTEE,
            invited_by=admin_user,
        )

        page.goto("/accounts/login/")
        page.get_by_role("button", name="Sign in with Acme ID").click()

        # The provider's own login page, on its own address.
        expect(page).to_have_url(re.compile(rf"^{re.escape(provider.base_url)}/accounts/login/"))
        page.get_by_label("Username").fill("ines")
        page.get_by_label("Password").fill(INES["password"])
        page.get_by_role("button", name="Sign in").click()

        # Back in Mentora, signed in: a new person completes their profile first.
        expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/welcome/"))
        expect(page.get_by_role("heading", name=re.compile(r"^Welcome, Ines"))).to_be_visible()
        assert User.objects.get(email=INES["email"]).activated_at is not None
