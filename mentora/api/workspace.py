"""workspace over the API (issue 15): filled in by its own change; registered in api.py."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["workspace"])
