"""Reads of the import page: a file's preview, and the template to fill in.

The preview is `csv_import.parse_people_csv` for the page's program, one line per
person as the import will treat them, with a fingerprint of what it would do: the
confirm step parses the file again and imports only if the fingerprint is the same
(someone may have been added, a cohort closed or a manager removed in between).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from mentora.programs.csv_import import COLUMNS, ImportRow, LineError, parse_people_csv
from mentora.programs.models import Membership, Program, Role


@dataclass(frozen=True)
class PreviewLine:
    """One line of the file: one person, with every role it gives them."""

    line: int
    name: str
    email: str
    new_account: bool
    roles: tuple[str, ...]  # labels of the roles the import adds
    already_held: tuple[str, ...]  # labels of the roles the person already has (unchanged)
    cohort: str
    success_manager: str
    time_zone: str


@dataclass
class Preview:
    rows: list[ImportRow] = field(default_factory=list)
    lines: list[PreviewLine] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new_people(self) -> int:
        return sum(1 for line in self.lines if line.new_account)

    @property
    def new_roles(self) -> int:
        return sum(len(line.roles) for line in self.lines)

    @property
    def unchanged_lines(self) -> int:
        return sum(1 for line in self.lines if not line.roles)


def file_preview(*, program: Program, data: bytes) -> Preview:
    """What importing `data` into `program` would do, or every bad line of it."""
    parsed = parse_people_csv(data, program=program)
    if not parsed.ok:
        return Preview(errors=parsed.errors)
    return Preview(
        rows=parsed.rows, lines=_lines(parsed.rows), fingerprint=fingerprint(parsed.rows)
    )


def fingerprint(rows: Sequence[ImportRow]) -> str:
    """A digest of everything the preview shows that the import would act on."""
    facts = sorted(
        (
            row.line,
            row.email,
            row.name,
            row.role.value,
            row.cohort.pk if row.cohort else 0,
            row.success_manager.pk if row.success_manager else 0,
            row.success_manager_email,
            row.time_zone,
            row.new_account,
            row.already_member,
        )
        for row in rows
    )
    return hashlib.sha256(repr(facts).encode()).hexdigest()


def _lines(rows: Sequence[ImportRow]) -> list[PreviewLine]:
    by_line: dict[int, list[ImportRow]] = {}
    for row in rows:
        by_line.setdefault(row.line, []).append(row)
    lines = []
    for number, group in sorted(by_line.items()):
        first = group[0]
        mentee = next((r for r in group if r.role == Role.MENTEE), None)
        manager = mentee.success_manager if mentee else None
        if manager is not None:
            manager_text = f"{manager.name} ({manager.email})"
        elif mentee and mentee.success_manager_email:
            manager_text = _("%(email)s (made success manager by this file)") % {
                "email": mentee.success_manager_email
            }
        else:
            manager_text = ""
        lines.append(
            PreviewLine(
                line=number,
                name=first.name,
                email=first.email,
                new_account=first.new_account,
                roles=tuple(str(r.role.label) for r in group if not r.already_member),
                already_held=tuple(str(r.role.label) for r in group if r.already_member),
                cohort=mentee.cohort.name if mentee and mentee.cohort else "",
                success_manager=manager_text,
                time_zone=first.time_zone,
            )
        )
    return lines


def template_rows(program: Program) -> list[list[str]]:
    """The header and one example line of a file for `program`'s import page; the
    example names one of its open cohorts and success managers, if it has them."""
    cohort = program.cohorts.filter(closed_at__isnull=True).order_by("name").first()
    manager = (
        Membership.objects.active()
        .filter(program=program, role=Role.SUCCESS_MANAGER)
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    header = [c for c in COLUMNS if c != "program"]
    example = {
        "email": "ada.lovelace@example.org",
        "name": "Ada Lovelace",
        "role": Role.MENTEE.value,
        "cohort": cohort.name if cohort else "",
        "success_manager": manager.user.email if manager else "",
        "time_zone": program.time_zone,
    }
    return [header, [example[c] for c in header]]
