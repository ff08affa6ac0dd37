"""Reads of the settings page: the program's recorded setting changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from mentora.programs.models import Program, ProgramSettingChange
from mentora.programs.settings import fields


@dataclass(frozen=True)
class ChangeRow:
    changed_at: datetime
    who: str
    label: str
    old_value: str
    new_value: str


def setting_changes(program: Program) -> QuerySet[ProgramSettingChange]:
    """Newest first, with who made each."""
    return program.setting_changes.select_related("changed_by").order_by("-changed_at", "-pk")


def change_rows(changes: list[ProgramSettingChange]) -> list[ChangeRow]:
    """Each change worded for the page: the field's label, not its name."""
    return [
        ChangeRow(
            changed_at=change.changed_at,
            who=change.changed_by.name if change.changed_by else "",
            label=fields.label(change.field),
            old_value=change.old_value,
            new_value=change.new_value,
        )
        for change in changes
    ]
