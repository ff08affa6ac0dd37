"""A real OpenID Connect provider for the single sign-on tests.

django-oauth-toolkit with OpenID Connect on, run as a second Django process on a
free localhost port (`serve.py`): its own SQLite file, an RSA signing key made at
start, one confidential client that skips the consent page, and users with known
emails and `email_verified` claims. Mentora's tests talk to it over real HTTP, as
they would to Entra ID, Okta or Keycloak; `running_provider` starts and stops it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Provider:
    base_url: str
    client_id: str
    client_secret: str

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/o"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_provider(
    *, tmp_dir: Path, redirect_uris: list[str], users: list[dict[str, Any]]
) -> Iterator[Provider]:
    """Start the provider, wait until its discovery document answers, stop it after."""
    port = _free_port()
    provider = Provider(f"http://127.0.0.1:{port}", "mentora-test-client", "s3cret-" + "x" * 24)
    config = {
        "port": port,
        "issuer": provider.issuer,
        "database": str(tmp_dir / "provider.sqlite3"),
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
        "redirect_uris": redirect_uris,
        "users": users,
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentora.tests.oidc_provider.settings",
        "OIDC_TEST_PROVIDER": json.dumps(config),
    }
    env.pop("DATABASE_URL", None)
    log = (tmp_dir / "provider.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "mentora.tests.oidc_provider.serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_ready(provider, process, tmp_dir / "provider.log")
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_ready(provider: Provider, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    url = f"{provider.issuer}/.well-known/openid-configuration"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OIDC provider stopped:\n{log.read_text()}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the OIDC provider did not answer in time:\n{log.read_text()}")


def provider_sign_in(authorize_url: str, *, username: str, password: str) -> str:
    """Follow the authorization request through the provider's real login form
    (username and password POSTed with its CSRF token) until the provider sends
    the browser back to Mentora; that callback address is returned."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    for _ in range(6):
        if response.status_code != 302:
            raise AssertionError(f"provider answered {response.status_code}: {response.text[:500]}")
        location = requests.compat.urljoin(response.url, response.headers["Location"])
        if not location.startswith(authorize_url.split("/o/")[0]):
            return location  # back to Mentora
        if "/accounts/login/" in location:
            form = browser.get(location, timeout=10)
            assert form.status_code == 200, form.text[:500]
            response = browser.post(
                location,
                data={
                    "username": username,
                    "password": password,
                    "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                },
                headers={"Referer": location},
                allow_redirects=False,
                timeout=10,
            )
        else:
            response = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back")
