"""Tiny typed readers for settings that come from environment variables.

Every setting of Mentora comes from the environment (twelve-factor style), so the
same code runs the demo on SQLite and production on PostgreSQL.
"""

import os

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be a yes/no value (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_web_address(name: str, default: str = "") -> str:
    """An https address (http only for localhost, in development), or blank.

    A link people click in an invite must not be plain http on the internet;
    a wrong value stops the start instead of producing broken links later."""
    from urllib.parse import urlsplit

    raw = os.environ.get(name, default).strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if not parts.hostname or not (parts.scheme == "https" or (parts.scheme == "http" and local)):
        raise ValueError(f"{name} must be an https:// address, not {raw!r}")
    return raw


_OIDC_KEYS = {"id", "name", "server_url", "client_id", "secret"}


def env_oidc_providers(name: str) -> list[dict[str, object]]:
    """OpenID Connect providers as allauth's APPS, from a JSON list of objects with
    `id` (letters, digits, '-' or '_'; what a program's `sso_providers` names), `name`
    (the button's label), `server_url` (the issuer), `client_id` and `secret`."""
    import json
    import re

    raw = os.environ.get(name, "").strip()
    if not raw:
        return []
    try:
        items = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a JSON list: {exc}") from exc
    if not isinstance(items, list):
        raise ValueError(f"{name} must be a JSON list of providers")
    apps: list[dict[str, object]] = []
    for item in items:
        if not isinstance(item, dict) or set(item) != _OIDC_KEYS:
            raise ValueError(f"each provider in {name} has exactly the keys {sorted(_OIDC_KEYS)}")
        if not all(isinstance(value, str) and value.strip() for value in item.values()):
            raise ValueError(f"each value of a provider in {name} is a non-empty string")
        if not re.fullmatch(r"[a-z0-9_-]{1,40}", item["id"]):
            raise ValueError(f"a provider id in {name} is lower-case letters, digits, - or _")
        if not item["server_url"].startswith(("https://", "http://localhost", "http://127.")):
            raise ValueError(f"{name}: server_url of {item['id']!r} must be https://")
        apps.append(
            {
                "provider_id": item["id"],
                "name": item["name"],
                "client_id": item["client_id"],
                "secret": item["secret"],
                "settings": {"server_url": item["server_url"], "oauth_pkce_enabled": True},
            }
        )
    if len({app["provider_id"] for app in apps}) != len(apps):
        raise ValueError(f"provider ids in {name} must differ")
    return apps
