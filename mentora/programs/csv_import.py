"""Reading a people CSV: decode it, check every line, resolve programs and cohorts.

Nothing here writes. `services.people_import` does, and callers only hand it
the rows of a file without a single error, so a bad file never half-imports.
Line numbers are the ones a spreadsheet shows: line 1 is the header.

Every cell is cleaned the same way before it is checked, so SQLite and
PostgreSQL store the same thing: control characters (NUL and the like, which
PostgreSQL cannot store and nobody types) are dropped, and a cell holding a
bidirectional override, or running over several lines, is an error that names
its line and column. One person is one line: a second line with the same email,
in any letter case, is an error naming both (several roles go in one cell).

The delimiter is read from the header line: a comma, or the semicolon (or tab)
that Excel writes in locales where the comma is the decimal mark. Uploaded from
a program's own page (`program=`), the program column may be left out.
A success manager is named by email and must be a success manager or admin of
the program, or be made one by another line of the file; a mentee may not join
a closed cohort.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext as _

from mentora.accounts.models import User
from mentora.accounts.timezones import validate_time_zone
from mentora.programs.csv_reading import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    FileProblem,
    LineError,
    Record,
    decode,
    read_records,
)
from mentora.programs.models import STAFF_ROLES, Cohort, Membership, Program, Role

MAX_NAME_LENGTH = User._meta.get_field("name").max_length or 150
MAX_EMAIL_LENGTH = User._meta.get_field("email").max_length or 254
MAX_LOCAL_PART_LENGTH = 64  # RFC 5321: the part before the @
ROLE_SEPARATOR = ";"  # "mentor; admin": one person, two roles in the program
# A comma separates roles too: a semicolon-separated file's quoted "mentor, admin".
_ROLE_SPLIT = re.compile(r"[;,]")
# Read from here by the forms, Django admin, the command and the import page.
__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "ImportRow",
    "LineError",
    "ParsedFile",
    "parse_people_csv",
    "parse_role",
    "role_hint",
]


def role_hint() -> str:
    return _(
        "Use mentee, mentor, success_manager or admin "
        "(several roles separated by “;”, for example “mentor; admin”)."
    )


@dataclass(frozen=True)
class ImportRow:
    """One role of one checked line, ready for `services.people_import`."""

    line: int
    email: str
    name: str
    role: Role
    program: Program
    cohort: Cohort | None
    time_zone: str
    already_member: bool = False
    # Mentee rows only: a success manager or admin of the program, by email; the
    # account when they already are one (else another line of the file makes them one).
    success_manager: User | None = None
    success_manager_email: str = ""
    # No account has this email yet: the import creates one.
    new_account: bool = False


@dataclass
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_people_csv(
    data: bytes,
    *,
    allowed_program_ids: Collection[int] | None = None,
    program: Program | None = None,
) -> ParsedFile:
    """Check a whole file. `allowed_program_ids` limits which programs rows may name;
    `program` imports into that one program (a blank or missing program cell means it)."""
    if program is not None:
        allowed_program_ids = [program.pk]
    try:
        records = read_records(decode(data), program_known=program is not None)
    except FileProblem as problem:
        return ParsedFile(errors=[problem.error])
    if program is not None:
        records = [_with_program(record, program) for record in records]
    return _Resolver(records, allowed_program_ids, only=program).run()


def _with_program(record: Record, program: Program) -> Record:
    """A blank (or missing) program cell names the program the file is imported into."""
    if record.values.get("program"):
        return record
    return replace(record, values={**record.values, "program": program.slug})


def parse_role(raw: str) -> Role | None:
    """A role by its code or its label, in any case ("Success manager", "admin")."""
    key = " ".join(raw.lower().replace("_", " ").replace("-", " ").split())
    for role in Role:
        if key in (role.value.replace("_", " "), str(role.label).lower()):
            return role
    return None


class _Resolver:
    """Checks records against the database with a fixed number of queries."""

    def __init__(
        self,
        records: list[Record],
        allowed_program_ids: Collection[int] | None,
        *,
        only: Program | None = None,
    ) -> None:
        self.records = records
        self.only = only
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
        managers = {r.values.get("success_manager", "").lower() for r in records} - {""}
        self.managers: dict[tuple[int, str], User] = {
            (m.program_id, m.user.email.lower()): m.user
            for m in Membership.objects.active()
            .filter(program__in=programs, role__in=STAFF_ROLES, user__email__in=managers)
            .select_related("user")
        }
        self.errors: list[LineError] = []
        self.staff_lines: dict[tuple[int, str], int] | None = None  # filled when first asked

    def run(self) -> ParsedFile:
        self._check_duplicates()
        rows = [row for record in self.records for row in self._rows(record)]
        if self.errors:
            return ParsedFile(errors=sorted(self.errors, key=lambda e: e.line))
        return ParsedFile(rows=_mark_members(rows))

    def _fail(self, line: int, message: str) -> None:
        self.errors.append(LineError(line, message))

    def _rows(self, record: Record) -> list[ImportRow]:
        """One row per role the line gives its person (none if the line has an error)."""
        if record.problems:
            self.errors.extend(record.problems)
            return []
        before = len(self.errors)
        v, line = record.values, record.line
        email = self._email(line, v["email"])
        name = self._name(line, v["name"])
        roles = self._roles(line, v["role"])
        program = self._program(line, v["program"])
        cohort = self._cohort(line, v.get("cohort", ""), program, roles)
        manager = self._success_manager(line, v.get("success_manager", ""), program, roles)
        zone = self._time_zone(line, v.get("time_zone", ""), program)
        if len(self.errors) > before or not (email and roles and program and zone):
            return []
        return [
            ImportRow(
                line,
                email,
                name,
                role,
                program,
                cohort if role == Role.MENTEE else None,
                zone,
                success_manager=manager if role == Role.MENTEE else None,
                success_manager_email=(
                    v.get("success_manager", "").lower() if role == Role.MENTEE else ""
                ),
            )
            for role in roles
        ]

    def _email(self, line: int, raw: str) -> str:
        email = raw.lower()
        if not email:
            self._fail(line, _("email is required."))
            return ""
        if len(email) > MAX_EMAIL_LENGTH:
            self._fail(
                line,
                _("the email address is longer than %(max)d characters.")
                % {"max": MAX_EMAIL_LENGTH},
            )
            return ""
        try:
            # Django's own check, the one the account forms use.
            validate_email(email)
        except ValidationError:
            self._fail(line, _("“%(raw)s” is not a valid email address.") % {"raw": raw})
            return ""
        local = email.rpartition("@")[0]
        if len(local) > MAX_LOCAL_PART_LENGTH:
            # Django's validator lets these through; mail servers refuse them (RFC 5321).
            self._fail(
                line,
                _(
                    "the part of the email address before the @ has %(length)d characters; "
                    "at most %(max)d are allowed."
                )
                % {"length": len(local), "max": MAX_LOCAL_PART_LENGTH},
            )
            return ""
        return email

    def _name(self, line: int, raw: str) -> str:
        if not raw:
            self._fail(line, _("name is required."))
        elif len(raw) > MAX_NAME_LENGTH:
            self._fail(
                line,
                _("the name has %(length)d characters; at most %(max)d are allowed.")
                % {"length": len(raw), "max": MAX_NAME_LENGTH},
            )
        return raw

    def _roles(self, line: int, raw: str) -> list[Role]:
        parts = [part.strip() for part in _ROLE_SPLIT.split(raw) if part.strip()]
        if not parts:
            self._fail(line, _("role is required. %(hint)s") % {"hint": role_hint()})
            return []
        roles: list[Role] = []
        for part in parts:
            role = parse_role(part)
            if role is None:
                self._fail(
                    line,
                    _("“%(raw)s” is not a role. %(hint)s") % {"raw": part, "hint": role_hint()},
                )
                return []
            if role in roles:
                self._fail(
                    line, _("the role “%(role)s” is listed twice.") % {"role": role.label.lower()}
                )
                return []
            roles.append(role)
        return roles

    def _program(self, line: int, raw: str) -> Program | None:
        if not raw:
            self._fail(line, _("program is required (its slug or its exact name)."))
            return None
        if self.only is not None:
            # Imported into one program: no other program's existence is confirmed or denied.
            if raw in (self.only.slug, self.only.name):
                return self.only
            self._fail(
                line,
                _(
                    "this file is imported into %(program)s: "
                    "leave program blank or write “%(slug)s”."
                )
                % {"program": self.only.name, "slug": self.only.slug},
            )
            return None
        named = self.by_name.get(raw, [])
        program = self.by_slug.get(raw) or (named[0] if len(named) == 1 else None)
        if program is None and len(named) > 1:
            self._fail(
                line,
                _("several programs are called “%(raw)s”; use the program's slug.") % {"raw": raw},
            )
        elif program is None:
            self._fail(
                line, _("there is no program with the slug or name “%(raw)s”.") % {"raw": raw}
            )
        elif self.allowed is not None and program.pk not in self.allowed:
            self._fail(
                line,
                _("“%(program)s” is not one of the programs chosen for this import.")
                % {"program": program.name},
            )
            return None
        return program

    def _cohort(
        self, line: int, raw: str, program: Program | None, roles: list[Role]
    ) -> Cohort | None:
        if not raw or program is None:
            return None
        if roles and Role.MENTEE not in roles:
            self._fail(
                line,
                _("only mentees have a cohort; leave cohort blank for a %(role)s.")
                % {"role": roles[0].label.lower()},
            )
            return None
        cohort = self.cohorts.get((program.pk, raw.lower()))
        if cohort is None:
            known = sorted(c.name for (pid, _name), c in self.cohorts.items() if pid == program.pk)
            hint = (
                _(" Its cohorts: %(names)s.") % {"names": ", ".join(known)}
                if known
                else _(" It has no cohorts yet.")
            )
            self._fail(
                line,
                _("“%(program)s” has no cohort “%(raw)s”.") % {"program": program.name, "raw": raw}
                + hint,
            )
        elif cohort.closed_at is not None:
            self._fail(
                line,
                _("the cohort “%(cohort)s” is closed and takes no new mentees.")
                % {"cohort": cohort.name},
            )
            return None
        return cohort

    def _success_manager(
        self, line: int, raw: str, program: Program | None, roles: list[Role]
    ) -> User | None:
        if not raw or program is None:
            return None
        if roles and Role.MENTEE not in roles:
            self._fail(
                line,
                _(
                    "only mentees have a success manager; "
                    "leave success_manager blank for a %(role)s."
                )
                % {"role": roles[0].label.lower()},
            )
            return None
        manager = self.managers.get((program.pk, raw.lower()))
        if manager is None and self._staff_line(program, raw.lower()) is None:
            self._fail(
                line,
                _(
                    "%(email)s is not a success manager or admin of %(program)s, and no line "
                    "of this file makes them one. Invite them as a success manager first, "
                    "or add a line for them with the role success_manager."
                )
                % {"email": raw, "program": program.name},
            )
        return manager

    def _staff_line(self, program: Program, email: str) -> int | None:
        """The line of this file that makes `email` staff of `program`, if there is one
        (the import adds staff roles first, so the mentee's line can name them)."""
        if self.staff_lines is None:
            self.staff_lines = {}
            for record in self.records:
                roles = {parse_role(p) for p in _ROLE_SPLIT.split(record.values["role"])}
                named = self.by_name.get(record.values["program"], [])
                where = self.only or self.by_slug.get(record.values["program"])
                where = where or (named[0] if len(named) == 1 else None)
                if roles & STAFF_ROLES and where is not None:
                    key = (where.pk, record.values["email"].lower())
                    self.staff_lines.setdefault(key, record.line)
        return self.staff_lines.get((program.pk, email))

    def _time_zone(self, line: int, raw: str, program: Program | None) -> str:
        if not raw:
            return program.time_zone if program else ""
        try:
            validate_time_zone(raw)
        except ValidationError as error:
            self._fail(line, " ".join(error.messages))
            return ""
        return raw

    def _check_duplicates(self) -> None:
        """One line per person: a second line would give them a second name and
        zone, and one of the two would be dropped without a word."""
        first_line: dict[str, Record] = {}
        for record in self.records:
            email = record.values["email"].lower()
            if not email or record.problems:
                continue
            first = first_line.setdefault(email, record)
            if first is record:
                continue
            if first.values["program"] == record.values["program"]:
                advice = _(
                    "Give each person one line; for several roles, list them in the role "
                    "cell separated by “;” (for example “mentor; admin”)."
                )
            else:
                advice = _(
                    "Give each person one line; import each program's people in its own file."
                )
            self._fail(
                record.line,
                _("duplicate of line %(first)d: %(email)s is on both lines. %(advice)s")
                % {"email": email, "first": first.line, "advice": advice},
            )


def _mark_members(rows: list[ImportRow]) -> list[ImportRow]:
    """Flag rows whose person already holds that role (reported, not an error), and
    rows whose person has no account yet."""
    emails = {r.email for r in rows}
    known = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    held = set(
        Membership.objects.active()
        .filter(
            user__email__in=emails,
            program__in={r.program.pk for r in rows},
        )
        .values_list("user__email", "program_id", "role")
    )
    return [
        replace(
            row,
            already_member=(row.email, row.program.pk, row.role.value) in held,
            new_account=row.email not in known,
        )
        for row in rows
    ]
