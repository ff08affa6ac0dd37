"""What privacy tells the apps above it (see mentora.hooks): the apps whose records
privacy can't import (the API's tokens and idempotency keys sit above it) take part
in a person's export and erasure through these.

`person_erased` is called inside the erasure's transaction; `export_parts` holds
the functions that add files to a person's export, each `(user) -> {name: rows}`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mentora.hooks import Hook

person_erased = Hook("person_erased")  # (user) : delete or scrub what you hold of them

ExportPart = Callable[[Any], dict[str, list[dict[str, Any]]]]
export_parts: list[ExportPart] = []


def add_export_part(part: ExportPart) -> None:
    """Called from an AppConfig.ready (which may run twice: each part counts once)."""
    if part not in export_parts:
        export_parts.append(part)
