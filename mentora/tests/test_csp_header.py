"""The Content-Security-Policy header, without a browser: on every kind of response,
with the directives the policy promises, and as Report-Only when the deployment
asks for a trial (MENTORA_CSP_REPORT_ONLY=1). The browser test
(e2e/test_csp.py) shows the pages really run under it."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from mentora.insights import charts
from mentora.insights.figures import Figures, Week

ENFORCED = "Content-Security-Policy"
REPORT_ONLY = "Content-Security-Policy-Report-Only"
DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "report-uri": "/csp-report/",
}
MENTORA = Path(__file__).resolve().parent.parent
# What the policy blocks in a served page: inline <style>, style="", inline <script>
# (one without src; a JSON data block is data, never run), on* handlers and javascript: links.
INLINE = re.compile(
    r"<style\b|\sstyle\s*=|<script\b(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>"
    r"|\son[a-z]+\s*=|javascript:",
    re.IGNORECASE,
)


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


@pytest.mark.parametrize("path", ["/accounts/login/", "/static/css/mentora.css", "/no-such-page/"])
def test_anonymous_responses_carry_the_enforced_policy(client, db, path):
    response = client.get(path)

    assert _directives(response[ENFORCED]) == DIRECTIVES
    assert REPORT_ONLY not in response
    assert "unsafe" not in response[ENFORCED]


def test_a_program_page_carries_the_policy(client, program, mentee):
    client.force_login(mentee)

    response = client.get(reverse("program_home", args=[program.slug]))

    assert response.status_code == 200
    assert _directives(response[ENFORCED]) == DIRECTIVES


def test_report_only_mode_sends_the_same_policy_to_report_not_block(client, db, settings):
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.MENTORA_CSP

    response = client.get("/accounts/login/")

    assert ENFORCED not in response
    assert _directives(response[REPORT_ONLY]) == DIRECTIVES


@pytest.mark.parametrize(("value", "mode"), [("1", "report-only"), ("0", "enforced")])
def test_the_environment_chooses_report_only_or_enforced(value, mode):
    """settings.py reads MENTORA_CSP_REPORT_ONLY once, at start-up: ask a fresh process."""
    probe = (
        "import django; django.setup(); from django.conf import settings as s;"
        "ro = getattr(s, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', None);"
        "en = getattr(s, 'CONTENT_SECURITY_POLICY', None);"
        "print('report-only' if ro and not en else 'enforced' if en and not ro else 'both')"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentora.settings",
        "MENTORA_CSP_REPORT_ONLY": value,
    }
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    assert out.stdout.strip() == mode


def _served_templates() -> list[Path]:
    # Emails are not pages: mail clients need their inline styles.
    return [p for p in MENTORA.rglob("templates/**/*.html") if "email" not in p.parts]


def test_no_served_template_has_inline_script_style_or_handler():
    found = [
        f"{path.relative_to(MENTORA)}:{text[: m.start()].count(chr(10)) + 1}: {m.group(0)}"
        for path in _served_templates()
        for text in [path.read_text()]
        for m in INLINE.finditer(text)
    ]

    assert len(_served_templates()) > 50
    assert found == []


@pytest.mark.parametrize("draw", [charts.sessions_chart, charts.quality_chart])
def test_charts_are_bare_svg_that_the_stylesheet_draws(draw):
    weeks = [
        Week(starts_on=date(2027, 1, 4) + timedelta(weeks=i), held=i, prepared=i) for i in range(3)
    ]
    # The charts read only the weeks of the figures.
    fig = cast(Figures, SimpleNamespace(weeks=weeks))

    svg = draw(fig).svg

    assert "<svg" in svg and "pygal-chart" in svg
    assert INLINE.search(svg) is None


REPORT = {
    "csp-report": {
        "document-uri": "https://mentora.example.org/p/bootcamp/",
        "violated-directive": "style-src-attr",
        "effective-directive": "style-src-attr",
        "blocked-uri": "inline",
        "source-file": "https://mentora.example.org/p/bootcamp/",
        "line-number": 48,
        "original-policy": "default-src 'self'; ...",
    }
}


def test_a_violation_report_is_logged(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="mentora.csp"):
        response = client.post(
            "/csp-report/", json.dumps(REPORT), content_type="application/csp-report"
        )

    assert response.status_code == 204
    (record,) = [r for r in caplog.records if r.name == "mentora.csp"]
    assert "style-src-attr" in record.getMessage()
    assert "line-number='48'" in record.getMessage()
    assert "original-policy" not in record.getMessage()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"", 400),
        (b"not json", 400),
        (b"\xff\xfe", 400),
        (b"[]", 400),
        (b'{"csp-report": "x"}', 400),
        (b"[" * 5000, 400),
        (json.dumps({"csp-report": {"blocked-uri": "x" * 9000}}).encode(), 413),
        (json.dumps({"csp-report": {"blocked-uri": "a\nforged line" + "x" * 500}}).encode(), 204),
    ],
)
def test_the_report_endpoint_refuses_what_is_not_a_report_and_never_fails(
    client, db, caplog, body, status
):
    with caplog.at_level(logging.WARNING, logger="mentora.csp"):
        response = client.post("/csp-report/", body, content_type="application/csp-report")

    assert response.status_code == status
    for record in caplog.records:
        assert "\n" not in record.getMessage() and len(record.getMessage()) < 2500


def test_the_report_endpoint_takes_only_posts(client, db):
    assert client.get("/csp-report/").status_code == 405
