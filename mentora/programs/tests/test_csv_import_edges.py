"""The people CSV import at its edges, through both doors: the import_people command
and the admin upload. Each edge is refused with a message naming the line (and the
column where there is one) and imports nobody; the command exits non-zero."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentora.accounts.models import User
from mentora.inputs import find_bidi_override, find_control_character
from mentora.programs import services
from mentora.programs.csv_import import parse_people_csv
from mentora.programs.models import Membership, Role
from mentora.tests import factories as f

HEADER = "email,name,role,program,cohort,time_zone\n"
IMPORT_URL = reverse("admin:programs_program_import_people")

Importer = Callable[[bytes], list[str]]


def _csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


@pytest.fixture
def admin_client(client: Client, db) -> Client:
    client.force_login(f.UserFactory(email="root@example.org", is_staff=True, is_superuser=True))
    return client


@pytest.fixture(params=["command", "admin"])
def refused(request, program, tmp_path: Path) -> Importer:
    """Import a file that must be refused; returns the messages shown for it."""

    def by_command(data: bytes) -> list[str]:
        path = tmp_path / "people.csv"
        path.write_bytes(data)
        stderr, stdout = StringIO(), StringIO()
        with pytest.raises(CommandError, match="nothing was imported"):
            call_command("import_people", str(path), stdout=stdout, stderr=stderr)
        assert "Created" not in stdout.getvalue()
        return stderr.getvalue().splitlines()

    def by_admin(data: bytes) -> list[str]:
        client = request.getfixturevalue("admin_client")
        upload = SimpleUploadedFile("people.csv", data, content_type="text/csv")
        response = client.post(IMPORT_URL, {"file": upload})
        assert response.status_code == 200
        page = response.content.decode()
        assert "Nothing was imported" in page
        items = re.search(r'<ul class="errorlist" id="import-errors">(.*?)</ul>', page, re.S)
        assert items is not None
        return [html.unescape(m) for m in re.findall(r"<li>(.*?)</li>", items.group(1), re.S)]

    importer = by_command if request.param == "command" else by_admin
    if request.param == "admin":
        request.getfixturevalue("admin_client")  # its superuser exists before the count
    before = (User.objects.count(), Membership.objects.count())

    def run(data: bytes) -> list[str]:
        messages = importer(data)
        assert (User.objects.count(), Membership.objects.count()) == before
        return messages

    return run


@pytest.fixture(params=["command", "admin"])
def accepted(request, program, tmp_path: Path) -> Callable[[bytes], None]:
    """Import a file that must go through."""

    def run(data: bytes) -> None:
        if request.param == "command":
            path = tmp_path / "people.csv"
            path.write_bytes(data)
            stdout = StringIO()
            call_command("import_people", str(path), stdout=stdout)
            assert "Created" in stdout.getvalue()
        else:
            client = request.getfixturevalue("admin_client")
            upload = SimpleUploadedFile("people.csv", data, content_type="text/csv")
            assert client.post(IMPORT_URL, {"file": upload}).status_code == 302

    return run


# --- no people -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [HEADER.encode(), HEADER.encode() + b"\n,,,,,\n\n", b"\xef\xbb\xbf" + HEADER.encode()]
)
def test_a_file_with_a_header_and_no_people_is_an_error(refused, data):
    assert refused(data) == [
        "line 2: the file has a header but no people. Add one line per person below the header."
    ]


def test_an_empty_file_is_an_error_for_the_command(program, tmp_path: Path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n")
    stderr = StringIO()

    with pytest.raises(CommandError, match="1 error"):
        call_command("import_people", str(path), stderr=stderr)

    assert stderr.getvalue().startswith("line 1: the file is empty.")


# --- broken quotes ---------------------------------------------------------------------


def test_a_quote_never_closed_names_the_line_it_opens_on(refused):
    data = _csv(
        "ann@example.org,Ann,mentee,bootcamp,,",
        'ben@example.org,"Ben,mentor,bootcamp,,',
        "cy@example.org,Cy,mentee,bootcamp,,",
    )

    assert refused(data) == [
        "line 3: a quote is opened and never closed, so the rest of the file would be read "
        "as one value. Add the closing quote."
    ]


def test_a_quote_closed_lines_later_names_the_line_and_column(refused):
    data = _csv(
        'ben@example.org,"Ben,mentor,bootcamp,,',
        'cy@example.org,Cy",mentee,bootcamp,,',
    )

    assert refused(data) == [
        "line 2, column “name”: this value runs from line 2 to line 3: a quote is opened "
        "and closed only on line 3. Close each quote on the line it opens."
    ]


def test_text_after_a_closing_quote_is_explained(refused):
    data = _csv('ann@example.org,"Ann" Lee,mentee,bootcamp,,')

    assert refused(data) == [
        "line 2: a closing quote must be followed by a comma or the end of the line. "
        'Write a quote inside a value as two quotes ("").'
    ]


def test_a_properly_quoted_value_with_a_comma_is_read(program):
    parsed = parse_people_csv(_csv('ann@example.org,"Lee, Ann ""Annie""",mentee,bootcamp,,'))

    assert [r.name for r in parsed.rows] == ['Lee, Ann "Annie"']


# --- one person, one line --------------------------------------------------------------


def test_the_same_email_in_another_case_under_another_role_names_both_lines(refused):
    data = _csv(
        "sam@example.org,Sam Smith,mentee,bootcamp,,",
        "other@example.org,Oh,mentee,bootcamp,,",
        "SAM@Example.org,Samantha Smith,mentor,bootcamp,,",
    )

    assert refused(data) == [
        "line 4: duplicate of line 2: sam@example.org is on both lines. Give each person one line; "
        "for several roles, list them in the role cell separated by “;” "
        "(for example “mentor; admin”)."
    ]


def test_the_same_email_in_two_programs_names_both_lines(refused):
    f.ProgramFactory(name="Elsewhere", slug="elsewhere")
    data = _csv("sam@example.org,Sam,mentee,bootcamp,,", "Sam@example.org,Sam,mentee,elsewhere,,")

    messages = refused(data)

    assert len(messages) == 1
    assert messages[0].startswith("line 3: duplicate of line 2: sam@example.org is on both lines.")
    assert "in its own file" in messages[0]


def test_several_roles_in_one_cell_are_imported(accepted):
    accepted(_csv("sam@example.org,Sam,mentor; admin,bootcamp,,"))

    roles = set(Membership.objects.filter(user__email="sam@example.org").values_list("role"))
    assert roles == {(Role.MENTOR,), (Role.ADMIN,)}


def test_a_line_whose_roles_are_all_held_counts_once_as_already_a_member(program):
    parsed = parse_people_csv(_csv("sam@example.org,Sam,mentor; admin,bootcamp,,"))
    services.people_import(rows=parsed.rows)

    again = services.people_import(
        rows=parse_people_csv(_csv("sam@example.org,Sam,mentor; admin,bootcamp,,")).rows
    )

    assert again.already_member_lines == [2]
    assert "1 already members (lines 2)" in again.summary()


# --- email addresses -------------------------------------------------------------------


def test_a_local_part_over_64_characters_is_refused(refused):
    data = _csv(f"{'a' * 65}@example.org,Long,mentee,bootcamp,,")

    assert refused(data) == [
        "line 2: the part of the email address before the @ has 65 characters; "
        "at most 64 are allowed."
    ]


def test_a_local_part_of_64_characters_is_accepted(accepted):
    accepted(_csv(f"{'a' * 64}@example.org,Long,mentee,bootcamp,,"))

    assert User.objects.filter(email=f"{'a' * 64}@example.org").exists()


@pytest.mark.parametrize(
    "email", ["ann@example", "ann..lee@example.org", "ann@-example.org", "ann lee@example.org"]
)
def test_emails_are_checked_as_djangos_email_validator_does(refused, email):
    assert refused(_csv(f"{email},Ann,mentee,bootcamp,,")) == [
        f"line 2: “{email}” is not a valid email address."
    ]


# --- invisible characters --------------------------------------------------------------


def test_nul_and_other_control_characters_are_stripped_from_cells(accepted):
    accepted(_csv("a\x00nn@example.org,\x07Ann\x00 Lee\x1b\x7f,men\x00tee,boot\x85camp,,"))

    ann = User.objects.get(email="ann@example.org")
    assert ann.name == "Ann Lee"
    assert Membership.objects.filter(user=ann, role=Role.MENTEE).exists()


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_bidi_override_characters_are_refused_naming_line_and_column(refused, char):
    data = _csv(
        "ann@example.org,Ann,mentee,bootcamp,,",
        f"ben@example.org,Ben{char}gpj.exe,mentor,bootcamp,,",
    )

    assert refused(data) == [
        f"line 3, column “name”: the value contains an invisible text-direction character "
        f"(U+{ord(char):04X}) that can make it display as something else. Remove it."
    ]


# --- the admin upload itself -----------------------------------------------------------


@pytest.mark.parametrize("name", ["peo\r\nple.csv", "people.csv\r\n", 'peo"ple.csv'])
def test_a_file_name_with_a_line_break_gets_a_message_about_the_name(admin_client, program, name):
    upload = SimpleUploadedFile(name, _csv("ann@example.org,Ann,mentee,bootcamp,,"))

    response = admin_client.post(IMPORT_URL, {"file": upload})

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "The file's name could not be read: it contains a line break" in page
    assert "Rename the file, for example to people.csv" in page
    assert "Upload a .csv file" not in page
    assert not User.objects.filter(email="ann@example.org").exists()


def test_a_browser_encoded_line_break_in_the_name_is_just_a_name(admin_client, program):
    # Browsers send CR and LF in a file name as %0D%0A (the HTML standard).
    upload = SimpleUploadedFile("peo%0D%0Aple.csv", _csv("ann@example.org,Ann,mentee,bootcamp,,"))

    assert admin_client.post(IMPORT_URL, {"file": upload}).status_code == 302
    assert User.objects.filter(email="ann@example.org").exists()


@pytest.mark.parametrize("junk", ["²", "1" * 5000, "-1", "0", "9" * 20, "²,x,,"])
def test_junk_program_ids_in_the_import_page_query_are_ignored(admin_client, program, junk):
    response = admin_client.get(IMPORT_URL, {"programs": junk})

    assert response.status_code == 200
    assert "Rows may name only these programs" not in response.content.decode()


def test_chosen_program_ids_still_limit_the_import_page(admin_client, program):
    response = admin_client.get(IMPORT_URL, {"programs": f"x,{program.pk},²"})

    assert "Rows may name only these programs" in response.content.decode()


# --- anything at all -------------------------------------------------------------------

_CELL = st.one_of(
    st.sampled_from(["ann@example.org", "ANN@example.org", "mentee", "mentor; admin", "bootcamp"]),
    st.text(alphabet=st.sampled_from(list(',"\r\n;@=-+ \x00\x07\u202e\u2066aZ9ë')), max_size=12),
    st.text(max_size=8),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(_CELL, min_size=0, max_size=8), max_size=6), bom=st.booleans())
def test_any_file_is_either_read_or_refused_with_line_messages(program, rows, bom):
    text = HEADER + "\n".join(",".join(cells) for cells in rows)
    data = ("\ufeff" if bom else "").encode() + text.encode()

    parsed = parse_people_csv(data)

    assert parsed.ok != bool(parsed.errors)
    assert all(str(e).startswith(f"line {e.line}") for e in parsed.errors)
    for row in parsed.rows:
        assert not find_control_character(row.email + row.name + row.time_zone)
        assert not find_bidi_override(row.name)
