"""Reading a people CSV: decode it, check every line, resolve programs and cohorts.

Nothing here writes. `services.people_import` does, and callers only hand it
the rows of a file without a single error, so a bad file never half-imports.
Line numbers are the ones a spreadsheet shows: line 1 is the header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q

from mentora.accounts.models import User
from mentora.accounts.timezones import validate_time_zone
from mentora.programs.models import Cohort, Membership, Program, Role

COLUMNS = ("email", "name", "role", "program", "cohort", "time_zone")
# cohort and time_zone may be left out: blank means "no cohort" and "the program's zone".
REQUIRED_COLUMNS = ("email", "name", "role", "program")
MAX_ROWS = 5000
MAX_NAME_LENGTH = User._meta.get_field("name").max_length or 150
MAX_EMAIL_LENGTH = User._meta.get_field("email").max_length or 254
if TYPE_CHECKING:
    from _csv import Reader

ROLE_HINT = "Use mentee, mentor, success_manager or admin."


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ImportRow:
    """One checked line, ready for `services.people_import`."""

    line: int
    email: str
    name: str
    role: Role
    program: Program
    cohort: Cohort | None
    time_zone: str
    already_member: bool = False


@dataclass
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Record:
    line: int
    values: dict[str, str]


class _FileProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.error = LineError(line, message)


def parse_people_csv(
    data: bytes, *, allowed_program_ids: Collection[int] | None = None
) -> ParsedFile:
    """Check a whole file. `allowed_program_ids` limits which programs rows may name."""
    try:
        records = _read_records(_decode(data))
    except _FileProblem as problem:
        return ParsedFile(errors=[problem.error])
    return _Resolver(records, allowed_program_ids).run()


def _decode(data: bytes) -> str:
    try:
        # utf-8-sig drops the byte-order mark spreadsheet programs like to add.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _FileProblem(
            line,
            "the file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.",
        ) from error
    if not text.strip():
        raise _FileProblem(1, f"the file is empty. It needs a header row: {', '.join(COLUMNS)}.")
    return text


def _read_records(text: str) -> list[_Record]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        columns = _check_header(next(reader))
        return list(_records(reader, columns))
    except csv.Error as error:
        raise _FileProblem(reader.line_num, f"this line is not valid CSV ({error}).") from error


def _check_header(header: list[str]) -> list[str]:
    columns = [h.strip().lower().replace(" ", "_") for h in header]
    problems = []
    unknown = [c or "(blank)" for c in columns if c not in COLUMNS]
    if unknown:
        problems.append(f"unknown column {_quoted(unknown)}")
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        problems.append(f"column {_quoted(repeated)} appears more than once")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(f"missing column {_quoted(missing)}")
    if problems:
        raise _FileProblem(
            1, "; ".join(problems) + f". The header row must name the columns {', '.join(COLUMNS)}."
        )
    return columns


def _records(reader: Reader, columns: list[str]) -> Iterator[_Record]:
    count = 0
    end = 1
    for cells in reader:
        # A quoted value may span lines: report the line the record starts on.
        start, end = end + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise _FileProblem(
                start, f"the file has more than {MAX_ROWS:,} people. Split it into smaller files."
            )
        if len(cells) > len(columns):
            raise _FileProblem(
                start,
                f"this line has {len(cells)} values but the header names {len(columns)} columns. "
                "Put quotes around values that contain a comma.",
            )
        padded = [*cells, *[""] * (len(columns) - len(cells))]
        yield _Record(start, {c: v.strip() for c, v in zip(columns, padded, strict=True)})


def _quoted(names: list[str]) -> str:
    return ", ".join(f"“{n}”" for n in names)


def parse_role(raw: str) -> Role | None:
    """A role by its code or its label, in any case ("Success manager", "admin")."""
    key = " ".join(raw.lower().replace("_", " ").replace("-", " ").split())
    for role in Role:
        if key in (role.value.replace("_", " "), str(role.label).lower()):
            return role
    return None


class _Resolver:
    """Checks records against the database with a fixed number of queries."""

    def __init__(self, records: list[_Record], allowed_program_ids: Collection[int] | None) -> None:
        self.records = records
        self.allowed = None if allowed_program_ids is None else set(allowed_program_ids)
        names = {r.values["program"] for r in records if r.values["program"]}
        programs = list(Program.objects.filter(Q(slug__in=names) | Q(name__in=names)))
        self.by_slug = {p.slug: p for p in programs}
        self.by_name: dict[str, list[Program]] = {}
        for p in programs:
            self.by_name.setdefault(p.name, []).append(p)
        self.cohorts: dict[tuple[int, str], Cohort] = {
            (c.program_id, c.name.lower()): c for c in Cohort.objects.filter(program__in=programs)
        }
        self.errors: list[LineError] = []

    def run(self) -> ParsedFile:
        rows = [row for record in self.records if (row := self._row(record)) is not None]
        self._check_duplicates(rows)
        if self.errors:
            return ParsedFile(errors=sorted(self.errors, key=lambda e: e.line))
        return ParsedFile(rows=_mark_members(rows))

    def _fail(self, line: int, message: str) -> None:
        self.errors.append(LineError(line, message))

    def _row(self, record: _Record) -> ImportRow | None:
        before = len(self.errors)
        v, line = record.values, record.line
        email = self._email(line, v["email"])
        name = self._name(line, v["name"])
        role = self._role(line, v["role"])
        program = self._program(line, v["program"])
        cohort = self._cohort(line, v.get("cohort", ""), program, role)
        zone = self._time_zone(line, v.get("time_zone", ""), program)
        if len(self.errors) > before or not (email and role and program and zone):
            return None
        return ImportRow(line, email, name, role, program, cohort, zone)

    def _email(self, line: int, raw: str) -> str:
        email = raw.lower()
        if not email:
            self._fail(line, "email is required.")
            return ""
        try:
            validate_email(email)
        except ValidationError:
            self._fail(line, f"“{raw}” is not a valid email address.")
            return ""
        if len(email) > MAX_EMAIL_LENGTH:
            self._fail(line, f"the email address is longer than {MAX_EMAIL_LENGTH} characters.")
            return ""
        return email

    def _name(self, line: int, raw: str) -> str:
        if not raw:
            self._fail(line, "name is required.")
        elif len(raw) > MAX_NAME_LENGTH:
            self._fail(
                line, f"the name has {len(raw)} characters; at most {MAX_NAME_LENGTH} are allowed."
            )
        return raw

    def _role(self, line: int, raw: str) -> Role | None:
        role = parse_role(raw)
        if role is None:
            self._fail(
                line,
                f"“{raw}” is not a role. {ROLE_HINT}" if raw else f"role is required. {ROLE_HINT}",
            )
        return role

    def _program(self, line: int, raw: str) -> Program | None:
        if not raw:
            self._fail(line, "program is required (its slug or its exact name).")
            return None
        named = self.by_name.get(raw, [])
        program = self.by_slug.get(raw) or (named[0] if len(named) == 1 else None)
        if program is None and len(named) > 1:
            self._fail(line, f"several programs are called “{raw}”; use the program's slug.")
        elif program is None:
            self._fail(line, f"there is no program with the slug or name “{raw}”.")
        elif self.allowed is not None and program.pk not in self.allowed:
            self._fail(line, f"“{program.name}” is not one of the programs chosen for this import.")
            return None
        return program

    def _cohort(
        self, line: int, raw: str, program: Program | None, role: Role | None
    ) -> Cohort | None:
        if not raw or program is None:
            return None
        if role is not None and role != Role.MENTEE:
            self._fail(
                line, f"only mentees have a cohort; leave cohort blank for a {role.label.lower()}."
            )
            return None
        cohort = self.cohorts.get((program.pk, raw.lower()))
        if cohort is None:
            known = sorted(c.name for (pid, _), c in self.cohorts.items() if pid == program.pk)
            hint = f" Its cohorts: {', '.join(known)}." if known else " It has no cohorts yet."
            self._fail(line, f"“{program.name}” has no cohort “{raw}”.{hint}")
        return cohort

    def _time_zone(self, line: int, raw: str, program: Program | None) -> str:
        if not raw:
            return program.time_zone if program else ""
        try:
            validate_time_zone(raw)
        except ValidationError as error:
            self._fail(line, " ".join(error.messages))
            return ""
        return raw

    def _check_duplicates(self, rows: list[ImportRow]) -> None:
        first_line: dict[tuple[str, int, str], int] = {}
        for row in rows:
            key = (row.email, row.program.pk, row.role.value)
            if key in first_line:
                self._fail(
                    row.line,
                    f"{row.email} is listed as {row.role.label.lower()} in “{row.program.name}” "
                    f"on line {first_line[key]} too (lines {first_line[key]} and {row.line}).",
                )
            else:
                first_line[key] = row.line


def _mark_members(rows: list[ImportRow]) -> list[ImportRow]:
    """Flag rows whose person already holds that role: reported, not an error."""
    held = set(
        Membership.objects.active()
        .filter(
            user__email__in={r.email for r in rows},
            program__in={r.program.pk for r in rows},
        )
        .values_list("user__email", "program_id", "role")
    )
    return [
        replace(row, already_member=(row.email, row.program.pk, row.role.value) in held)
        for row in rows
    ]
