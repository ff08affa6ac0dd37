"""The program insights CSV is written by mentora.spreadsheet: UTF-8 with a BOM, so a
spreadsheet opens it cleanly, and no text cell a spreadsheet would run as a formula."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from mentora.insights.tests.factories import session
from mentora.scheduling.models import SessionStatus
from mentora.spreadsheet import FORMULA_STARTS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def test_insights_csv_is_utf8_with_bom_and_has_no_formula_cells(
    client, program, admin_user, mentorship, now
):
    session(mentorship, now - timedelta(days=1), SessionStatus.HELD)
    client.force_login(admin_user)

    response = client.get(reverse("insights_csv", args=[program.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Week starting (Monday)", "Sessions scheduled"]
    assert rows[-1][0] == "Total" and rows[-1][2] == "1"
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]
