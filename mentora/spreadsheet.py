"""CSV files a person opens in a spreadsheet: every export the product offers
(program insights today; the people page and the API later) writes through here.

Two rules, so that each export is safe and opens cleanly:

- **No formulas.** A spreadsheet runs a cell that starts with `=`, `+`, `-` or
  `@` as a formula (and tab or carriage return can hide such a start), so a
  name like `=HYPERLINK(...)` typed into the product would run on the machine
  of whoever opens the export ("CSV injection"). Such a text cell gets a
  leading `'`, OWASP's rule: the spreadsheet shows the text as typed, and the
  quote tells it "this is text".
- **UTF-8 with a byte-order mark**, so Excel reads "Zoë" as Zoë and not as
  mojibake (without the mark it guesses the local code page).

Only text is escaped. A number passed as a number (`int`, `float`, `Decimal`)
is written as digits with at most a leading minus, which a spreadsheet reads
as that number, never as a formula; escaping it would turn -3 into the text
'-3. A number that arrives already formatted as text ("-3") is escaped like any
other text, because here it cannot be told apart from "-3+cmd|...": exports
that want numbers to stay numbers pass numbers.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol, TypeAlias

from django.http import HttpResponse
from django.utils.http import content_disposition_header

# OWASP, "CSV Injection": the characters that make a cell a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"

Cell: TypeAlias = str | int | float | Decimal | date | None


class _Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def safe_cell(value: Cell) -> str | int | float | Decimal:
    """The value as it goes into the file: text that a spreadsheet would run
    as a formula is prefixed with a quote; None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        # NaN and infinity are not numbers to a spreadsheet: written as text, escaped.
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        return value if finite else _escaped(str(value))
    if isinstance(value, date):
        return value.isoformat()
    return _escaped(value)


def _escaped(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(out: _Writable, rows: Iterable[Sequence[Cell]]) -> None:
    """Write the byte-order mark and every row, each cell through `safe_cell`."""
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])


def csv_response(*, filename: str, rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    """A download of `rows` as `filename` (Content-Disposition quoted by Django,
    so a name with quotes or non-ASCII letters cannot break the header)."""
    response = HttpResponse(content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    write_csv(response, rows)
    return response
