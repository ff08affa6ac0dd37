"""Reading a people CSV's bytes into records: decoding, the delimiter, the header,
quotes, and each cell cleaned (see csv_import for checking the records).

Line numbers are the ones a spreadsheet shows: line 1 is the header. A problem
that stops the whole file is a `FileProblem` naming its line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from mentora.inputs import describe_character, find_bidi_override, strip_control_characters

COLUMNS = ("email", "name", "role", "program", "cohort", "success_manager", "time_zone")
# cohort, success_manager and time_zone may be left out: blank means "no cohort",
# "no success manager" and "the program's zone".
REQUIRED_COLUMNS = ("email", "name", "role", "program")
MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
DELIMITERS = (",", ";", "\t")
if TYPE_CHECKING:
    from _csv import Reader


@dataclass(frozen=True)
class LineError:
    line: int
    message: str
    column: str | None = None

    def __str__(self) -> str:
        if self.column:
            return _("line %(line)d, column “%(column)s”: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class Record:
    line: int
    values: dict[str, str]
    # Cells that could not be cleaned; the line is not checked further.
    problems: tuple[LineError, ...] = ()


class FileProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.error = LineError(line, message)


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise FileProblem(
            1,
            _(
                "the file is %(size).1f MB; at most %(max)d MB is allowed. "
                "Split it into smaller files."
            )
            % {"size": len(data) / 1024 / 1024, "max": MAX_BYTES // 1024 // 1024},
        )
    try:
        # utf-8-sig drops the byte-order mark spreadsheet programs like to add.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileProblem(
            line,
            _("the file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."),
        ) from error
    if not strip_control_characters(text).strip():
        raise FileProblem(
            1,
            _("the file is empty. It needs a header row: %(columns)s.")
            % {"columns": ", ".join(COLUMNS)},
        )
    return text


def _delimiter(text: str) -> str:
    """The header line's separator: whichever of comma, semicolon and tab it has most
    of (a comma when it has none: a one-column header is refused as missing columns)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    return max(DELIMITERS, key=header.count)  # max keeps the first on a tie: the comma


def read_records(text: str, *, program_known: bool = False) -> list[Record]:
    # strict: a stray quote is an error instead of a value that silently swallows
    # the rest of the line, or of the file.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=_delimiter(text))
    try:
        columns = _check_header(next(reader), program_known=program_known)
    except csv.Error as error:
        raise FileProblem(1, _csv_problem(error)) from error
    records = list(_records(reader, columns))
    if not records:
        raise FileProblem(
            2,
            _("the file has a header but no people. Add one line per person below the header."),
        )
    return records


def _csv_problem(error: csv.Error) -> str:
    """Python's csv messages, said in terms of what to fix."""
    if "field larger than field limit" in str(error):
        return _(
            "a value on this line is longer than %(max)s characters, so it cannot be a "
            "name or an email. Check that each quote is closed on the line it opens."
        ) % {"max": f"{csv.field_size_limit():,}"}
    if "expected after" in str(error):
        return _(
            "a closing quote must be followed by a comma or the end of the line. "
            'Write a quote inside a value as two quotes ("").'
        )
    return _("this line is not valid CSV (%(error)s).") % {"error": error}


def _check_header(header: list[str], *, program_known: bool = False) -> list[str]:
    columns = [strip_control_characters(h).strip().lower().replace(" ", "_") for h in header]
    required = [c for c in REQUIRED_COLUMNS if not (program_known and c == "program")]
    problems = []
    unknown = [c or _("(blank)") for c in columns if c not in COLUMNS]
    if unknown:
        problems.append(_("unknown column %(names)s") % {"names": _quoted(unknown)})
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        problems.append(_("column %(names)s appears more than once") % {"names": _quoted(repeated)})
    missing = [c for c in required if c not in columns]
    if missing:
        problems.append(_("missing column %(names)s") % {"names": _quoted(missing)})
    if problems:
        raise FileProblem(
            1,
            _("%(problems)s. The header row must name the columns %(columns)s.")
            % {"problems": "; ".join(problems), "columns": ", ".join(COLUMNS)},
        )
    return columns


def _records(reader: Reader, columns: list[str]) -> Iterator[Record]:
    count = 0
    end = 1
    while True:
        # A quoted value may span lines: report the line the record starts on.
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                # strict mode's only word for a quote still open at the end of the file.
                raise FileProblem(
                    start,
                    _(
                        "a quote is opened and never closed, so the rest of the file "
                        "would be read as one value. Add the closing quote."
                    ),
                ) from error
            raise FileProblem(reader.line_num, _csv_problem(error)) from error
        end = reader.line_num
        if not any(strip_control_characters(c).strip() for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise FileProblem(
                start,
                _("the file has more than %(max)s people. Split it into smaller files.")
                % {"max": f"{MAX_ROWS:,}"},
            )
        if len(cells) > len(columns):
            raise FileProblem(
                start,
                _(
                    "this line has %(values)d values but the header names %(columns)d columns. "
                    "Put quotes around values that contain a comma."
                )
                % {"values": len(cells), "columns": len(columns)},
            )
        yield _record(start, end, columns, cells)


def _record(start: int, end: int, columns: list[str], cells: list[str]) -> Record:
    padded = [*cells, *[""] * (len(columns) - len(cells))]
    values: dict[str, str] = {}
    problems: list[LineError] = []
    for column, raw in zip(columns, padded, strict=True):
        value, problem = _clean_cell(raw, start, end)
        values[column] = value
        if problem:
            problems.append(LineError(start, problem, column))
    return Record(start, values, tuple(problems))


def _clean_cell(raw: str, start: int, end: int) -> tuple[str, str | None]:
    """The cell's text without control characters, or the problem that refuses it."""
    if "\n" in raw or "\r" in raw:
        # No column holds more than one line: a quote was opened too early and
        # closed lines later, swallowing the lines in between.
        return "", _(
            "this value runs from line %(start)d to line %(end)d: a quote is opened "
            "and closed only on line %(end)d. Close each quote on the line it opens."
        ) % {"start": start, "end": end}
    char = find_bidi_override(raw)
    if char is not None:
        return "", _(
            "the value contains an invisible text-direction character (%(char)s) that can "
            "make it display as something else. Remove it."
        ) % {"char": describe_character(char)}
    return strip_control_characters(raw).strip(), None


def _quoted(names: list[str]) -> str:
    return ", ".join(f"“{n}”" for n in names)
