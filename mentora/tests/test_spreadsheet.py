"""mentora.spreadsheet: the one CSV writer every export uses (OWASP CSV injection, BOM)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from mentora import spreadsheet


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("-3", "'-3"),  # text that looks like a number cannot be told from a formula
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Zoë O'Brien", "Zoë O'Brien"),
        (" =not a start", " =not a start"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-3, -3),  # a number is written as a number: digits and a minus run nothing
        (0.5, 0.5),
        (Decimal("-1.25"), Decimal("-1.25")),
        (float("-inf"), "'-inf"),
        (float("nan"), "nan"),
        (date(2026, 12, 1), "2026-12-01"),
        (True, "True"),
    ],
)
def test_safe_cell_escapes_text_that_a_spreadsheet_would_run(value, written):
    assert spreadsheet.safe_cell(value) == written


def test_write_csv_starts_with_a_bom_and_quotes_what_needs_quoting():
    out = io.StringIO()

    spreadsheet.write_csv(out, [["name", "figure"], ['=1+1, "two"', -3], ["Zoë", None]])

    text = out.getvalue()
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == [
        ["name", "figure"],
        ['\'=1+1, "two"', "-3"],
        ["Zoë", ""],
    ]


def test_csv_response_is_a_utf8_attachment_with_a_safe_file_name():
    response = spreadsheet.csv_response(filename='a "b"\r\n.csv', rows=[["@x"]])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    # Django encodes the name: a quote or a line break cannot end the header early.
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''a%20%22b%22%0D%0A.csv"
    assert response.content == "\ufeff'@x\r\n".encode()
