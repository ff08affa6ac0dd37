"""Every page a person opens is valid, accessible HTML.

Renders every page of the program walk (the same walk as the no-500 and
outsider tests, so a new page is checked the day it is added) for each role,
plus the pages before login, and runs html-validate (npm, pinned in
package.json, installed by `make install`) over them with the standard and
a11y presets in `.htmlvalidate.json`. Three rules are relaxed there, on
purpose: `no-redundant-for` (Django's radio and checkbox lists put a `for` on
a label that also wraps its input, which is harmless and helps some screen
readers), `aria-label-misuse` allows any element ARIA lets be named (a named
list or table is ARIA 1.2), and `prefer-native-element` allows
`role="region"` (a scrollable table wrapper needs a name and focus, WCAG 2.1.1).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from mentora.tests.second_factor import forget_second_factor
from mentora.tests.test_no_500 import _world, all_pages

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "node_modules" / ".bin" / "html-validate"
ROLES = ("mentee", "mentor", "success_manager", "admin_user")
# A provider nobody contacts: rendering its button and pages needs no server.
SSO_PROVIDER = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "acme",
                "name": "Acme ID",
                "client_id": "mentora",
                "secret": "not-used",
                "settings": {"server_url": "https://login.acme.example"},
            }
        ]
    }
}


def _tool() -> Path:
    if TOOL.exists() and shutil.which("node"):
        return TOOL
    message = "html-validate isn't installed (needs Node.js and npm): run `make install`"
    if os.environ.get("MENTORA_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


def _save(folder: Path, who: str, path: str, html: str) -> None:
    name = re.sub(r"[^a-z0-9]+", "-", f"{who}{path}".lower()).strip("-")
    (folder / f"{name}.html").write_text(html, encoding="utf-8")


def _html(response) -> str | None:
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return None
    return response.content.decode()


def test_every_page_is_valid_html(
    client, request, program, mentorship, mentee, admin_user, tmp_path, settings
):
    tool = _tool()
    settings.SOCIALACCOUNT_PROVIDERS = SSO_PROVIDER  # the login page shows its button
    pages = ["/", *all_pages(program, _world(program, mentorship, mentee, admin_user))]
    pages += ["/accounts/3rdparty/", "/accounts/oidc/acme/login/"]  # single sign-on
    # Two-factor sign-in: its overview, the set-up (inline QR code), adding a key.
    pages += ["/accounts/2fa/", "/accounts/2fa/totp/activate/", "/accounts/2fa/webauthn/add/"]
    for path in (
        reverse("account_login"),
        reverse("account_reset_password"),
        "/accounts/oidc/acme/login/",
        "/accounts/3rdparty/login/cancelled/",
    ):
        if (html := _html(client.get(path))) is not None:
            _save(tmp_path, "visitor", path, html)
    for who in ROLES:
        person = request.getfixturevalue(who)
        client.force_login(person)
        forget_second_factor(client, person)  # a password login just now, as a real one
        for path in pages:
            if (html := _html(client.get(path))) is not None:
                _save(tmp_path, who, path, html)
    files = sorted(str(p) for p in tmp_path.glob("*.html"))
    assert len(files) > 100, "the walk rendered too few pages to mean anything"

    result = subprocess.run(
        [str(tool), "--config", str(REPO / ".htmlvalidate.json"), *files],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-2000:]
