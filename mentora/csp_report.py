"""Where browsers report Content-Security-Policy violations (the policy's report-uri).

Each report becomes one WARNING line in the log ("mentora.csp"), for whoever
trials the policy with MENTORA_CSP_REPORT_ONLY=1 (docs/operations.md). Anyone
may post here, without a session or CSRF token (browsers send neither), so the
body is capped, only the fields that say what was blocked are kept, each cut
short and quoted, and nothing a client sends makes it fail: the answer is 204,
or 400, 405 or 413 for what is not a report.
"""

from __future__ import annotations

import json
import logging

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("mentora.csp")

MAX_BYTES = 8 * 1024  # a real report is well under 2 KB
MAX_FIELD = 300
FIELDS = (
    "document-uri",
    "effective-directive",
    "violated-directive",
    "blocked-uri",
    "source-file",
    "line-number",
)


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    body = request.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(body)["csp-report"]
    except (ValueError, KeyError, TypeError, IndexError, RecursionError):
        # RecursionError: a few thousand nested brackets fit in MAX_BYTES.
        return HttpResponse(status=400)
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    # repr() quotes and escapes: a report cannot forge log lines.
    details = " ".join(f"{name}={str(report.get(name, ''))[:MAX_FIELD]!r}" for name in FIELDS)
    logger.warning("Content-Security-Policy violation: %s", details)
    return HttpResponse(status=204)
