"""MENTORA_OIDC_PROVIDERS: the single sign-on providers an operator configures,
read into allauth's apps; a wrong value stops the start with a message naming it."""

from __future__ import annotations

import json

import pytest

from mentora.env import env_oidc_providers


def test_providers_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    item = {
        "id": "entra",
        "name": "Contoso",
        "server_url": "https://login.microsoftonline.com/tenant/v2.0",
        "client_id": "abc",
        "secret": "def",
    }
    monkeypatch.setenv("MENTORA_OIDC_PROVIDERS", json.dumps([item]))

    assert env_oidc_providers("MENTORA_OIDC_PROVIDERS") == [
        {
            "provider_id": "entra",
            "name": "Contoso",
            "client_id": "abc",
            "secret": "def",
            "settings": {
                "server_url": "https://login.microsoftonline.com/tenant/v2.0",
                "oauth_pkce_enabled": True,
            },
        }
    ]


GOOD = {"id": "a", "name": "A", "server_url": "https://a.example", "client_id": "c", "secret": "s"}


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        json.dumps({"id": "a"}),
        json.dumps([{**GOOD, "extra": "x"}]),
        json.dumps([{k: v for k, v in GOOD.items() if k != "secret"}]),
        json.dumps([{**GOOD, "id": "Has Spaces"}]),
        json.dumps([{**GOOD, "server_url": "http://a.example"}]),
        json.dumps([{**GOOD, "client_id": ""}]),
        json.dumps([GOOD, GOOD]),
    ],
)
def test_bad_provider_configuration_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("MENTORA_OIDC_PROVIDERS", raw)

    with pytest.raises(ValueError, match="MENTORA_OIDC_PROVIDERS"):
        env_oidc_providers("MENTORA_OIDC_PROVIDERS")


def test_no_provider_configured_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MENTORA_OIDC_PROVIDERS", raising=False)

    assert env_oidc_providers("MENTORA_OIDC_PROVIDERS") == []
