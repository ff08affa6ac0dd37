"""Importing people from a CSV file: parsing, the all-or-nothing import, the command."""

from __future__ import annotations

from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mentora.accounts.models import MenteeProfile, MentorProfile, User
from mentora.programs import services
from mentora.programs.csv_import import MAX_ROWS, parse_people_csv
from mentora.programs.errors import ProgramError
from mentora.programs.models import Membership, Role
from mentora.tests import factories as f
from mentora.tests.tasks import account_emails_send

HEADER = "email,name,role,program,cohort,time_zone\n"


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "".join(line + "\n" for line in lines)).encode()


def _messages(data: bytes) -> list[str]:
    return [str(e) for e in parse_people_csv(data).errors]


def test_import_good_file_adds_everyone_with_roles_cohorts_and_zones(program, cohort):
    data = _csv(
        "Nia@Example.org,Nia New,mentee,bootcamp,Spring 2027,America/Chicago",
        "ben@example.org,Ben Builder,Mentor,Bootcamp Mentoring,,",
        "sue@example.org,Sue Staff,Success manager,bootcamp,,Asia/Tokyo",
        "al@example.org,Al Admin,admin,bootcamp,,",
    )

    parsed = parse_people_csv(data)
    result = services.people_import(rows=parsed.rows)

    assert parsed.ok
    assert (result.created_people, result.added_memberships, result.already_members) == (4, 4, 0)
    nia = User.objects.get(email="nia@example.org")
    assert nia.time_zone == "America/Chicago"
    assert not nia.has_usable_password()
    nia_membership = Membership.objects.get(user=nia, program=program)
    assert (nia_membership.role, nia_membership.cohort) == (Role.MENTEE, cohort)
    assert MenteeProfile.objects.filter(user=nia).exists()
    ben = User.objects.get(email="ben@example.org")
    assert ben.time_zone == "Europe/Berlin"  # blank: the program's zone
    assert MentorProfile.objects.filter(user=ben).exists()
    roles = dict(Membership.objects.filter(program=program).values_list("user__email", "role"))
    assert roles["sue@example.org"] == Role.SUCCESS_MANAGER
    assert roles["al@example.org"] == Role.ADMIN


def test_import_file_with_errors_imports_nothing_and_names_each_line(program, cohort):
    data = _csv(
        "ok@example.org,Okay Person,mentee,bootcamp,,",
        "not-an-email,Bad Email,mentee,bootcamp,,",
        "x@example.org,,mentor,bootcamp,,",
        "y@example.org,Yan,boss,bootcamp,,",
        "z@example.org,Zed,mentee,nowhere,,",
        "w@example.org,Wen,mentor,bootcamp,Spring 2027,",
        "v@example.org,Vic,mentee,bootcamp,Autumn 1999,",
        "u@example.org,Uma,mentee,bootcamp,,Mars/Olympus",
        f"t@example.org,{'T' * 151},mentee,bootcamp,,",
    )

    messages = _messages(data)

    assert [m.split(":")[0] for m in messages] == [f"line {n}" for n in range(3, 11)]
    assert "“not-an-email” is not a valid email address" in messages[0]
    assert "name is required" in messages[1]
    assert "“boss” is not a role" in messages[2]
    assert "no program with the slug or name “nowhere”" in messages[3]
    assert "only mentees have a cohort" in messages[4]
    assert "has no cohort “Autumn 1999”. Its cohorts: Spring 2027" in messages[5]
    assert "Mars/Olympus" in messages[6]
    assert "at most 150" in messages[7]
    assert not User.objects.filter(email="ok@example.org").exists()


def test_import_command_with_errors_exits_nonzero_and_imports_nothing(program, tmp_path: Path):
    path = tmp_path / "people.csv"
    path.write_bytes(_csv("ok@example.org,Okay,mentee,bootcamp,,", "bad,Bad,mentee,bootcamp,,"))
    stderr = StringIO()

    with pytest.raises(CommandError, match="1 error"):
        call_command("import_people", str(path), stderr=stderr)

    assert stderr.getvalue().strip() == "line 3: “bad” is not a valid email address."
    assert not User.objects.filter(email="ok@example.org").exists()


def test_import_command_good_file_prints_summary_and_invites(
    program, mentor, tmp_path: Path, mailoutbox, django_capture_on_commit_callbacks
):
    path = tmp_path / "people.csv"
    path.write_bytes(
        _csv(
            "new@example.org,New Person,mentee,bootcamp,,",
            "mo@example.org,Mo Mentor,mentor; admin,bootcamp,,",
        )
    )
    stdout = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_people", str(path), "--invite", stdout=stdout)
    account_emails_send()  # what the worker does with the queued invitations

    assert "Created 1 people, added 2 memberships, 1 already members (lines 3)" in (
        stdout.getvalue()
    )
    assert sorted(m.to[0] for m in mailoutbox) == ["mo@example.org", "new@example.org"]
    mail_to_mo = next(m for m in mailoutbox if m.to == ["mo@example.org"])
    assert "/accounts/login/" in mail_to_mo.body
    assert "/accounts/invitation/" not in mail_to_mo.body


def test_import_command_missing_file_is_a_clear_error(db, tmp_path: Path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_people", str(tmp_path / "nope.csv"))


def test_import_with_invitations_held_sends_no_email(
    program, mailoutbox, django_capture_on_commit_callbacks
):
    parsed = parse_people_csv(_csv("new@example.org,New Person,mentee,bootcamp,,"))

    with django_capture_on_commit_callbacks(execute=True):
        services.people_import(rows=parsed.rows, send_invitations=False)
    account_emails_send()

    assert User.objects.filter(email="new@example.org").exists()
    assert mailoutbox == []


def test_import_file_with_bom_and_crlf_is_read(program):
    data = b"\xef\xbb\xbf" + _csv("bom@example.org,Bo M,mentee,bootcamp,,").replace(b"\n", b"\r\n")

    parsed = parse_people_csv(data)

    assert parsed.ok
    assert [(r.line, r.email) for r in parsed.rows] == [(2, "bom@example.org")]


def test_import_missing_and_unknown_columns_are_named(program):
    data = _csv("a@example.org,mentee,bootcamp,x", header="email,role,program,shoe_size\n")

    messages = _messages(data)

    assert len(messages) == 1
    assert messages[0].startswith("line 1: ")
    assert "unknown column “shoe_size”" in messages[0]
    assert "missing column “name”" in messages[0]


def test_import_optional_columns_may_be_left_out(program):
    data = _csv("a@example.org,Ann,mentee,bootcamp", header="Email,Name,Role,Program\n")

    parsed = parse_people_csv(data)

    assert parsed.ok
    assert parsed.rows[0].time_zone == "Europe/Berlin"


def test_import_duplicate_lines_name_both_lines(program):
    data = _csv(
        "dup@example.org,Dee,mentee,bootcamp,,",
        "other@example.org,Oh,mentee,bootcamp,,",
        "DUP@example.org,Dee,Mentee,Bootcamp Mentoring,,",
    )

    messages = _messages(data)

    assert len(messages) == 1
    assert messages[0].startswith("line 4: ")
    assert "duplicate of line 2" in messages[0]


def test_import_one_line_may_give_a_person_several_roles(program, cohort):
    data = _csv("two@example.org,Two,Mentee; mentor,bootcamp,Spring 2027,")

    parsed = parse_people_csv(data)
    result = services.people_import(rows=parsed.rows)

    assert [(r.line, r.role, r.cohort) for r in parsed.rows] == [
        (2, Role.MENTEE, cohort),
        (2, Role.MENTOR, None),
    ]
    assert (result.created_people, result.added_memberships) == (1, 2)


def test_import_a_role_listed_twice_on_a_line_is_an_error(program):
    assert _messages(_csv("two@example.org,Two,mentor;Mentor,bootcamp,,")) == [
        "line 2: the role “mentor” is listed twice."
    ]


def test_import_already_member_rows_are_reported_not_errors(program, mentee):
    data = _csv(
        "mia@example.org,Mia Mentee,mentee,bootcamp,,", "new@example.org,New,mentor,bootcamp,,"
    )

    parsed = parse_people_csv(data)
    result = services.people_import(rows=parsed.rows)

    assert parsed.ok
    assert [r.already_member for r in parsed.rows] == [True, False]
    assert result.already_member_lines == [2]
    assert result.added_memberships == 1
    assert Membership.objects.filter(user=mentee, program=program, role=Role.MENTEE).count() == 1


def test_import_empty_file_is_an_error(db):
    assert _messages(b"") == [
        "line 1: the file is empty. It needs a header row: "
        "email, name, role, program, cohort, success_manager, time_zone."
    ]


def test_import_header_only_file_is_an_error(program):
    assert _messages(HEADER.encode()) == [
        "line 2: the file has a header but no people. Add one line per person below the header."
    ]


def test_import_non_utf8_file_names_the_line(db):
    data = HEADER.encode() + "a@example.org,Zoë,mentee,bootcamp,,\n".encode("latin-1")

    messages = _messages(data)

    assert len(messages) == 1
    assert messages[0].startswith("line 2: the file is not UTF-8")


def test_import_too_many_values_on_a_line_is_an_error(program):
    messages = _messages(_csv("a@example.org,Smith, Ann,mentee,bootcamp,,"))

    assert messages == [
        "line 2: this line has 7 values but the header names 6 columns. "
        "Put quotes around values that contain a comma."
    ]


def test_import_over_row_limit_is_refused(program):
    lines = [f"p{n}@example.org,P {n},mentee,bootcamp,," for n in range(MAX_ROWS + 1)]

    messages = _messages(_csv(*lines))

    assert len(messages) == 1
    assert messages[0].startswith(f"line {MAX_ROWS + 2}: the file has more than 5,000 people")


def test_import_restricted_to_chosen_programs_refuses_others(program):
    elsewhere = f.ProgramFactory(name="Elsewhere", slug="elsewhere")
    data = _csv("a@example.org,Ann,mentee,elsewhere,,")

    parsed = parse_people_csv(data, allowed_program_ids=[program.pk])

    assert [str(e) for e in parsed.errors] == [
        f"line 2: “{elsewhere.name}” is not one of the programs chosen for this import."
    ]


def test_import_existing_account_keeps_its_name_and_zone(program, mentor):
    parsed = parse_people_csv(_csv("MO@example.org,Someone Else,mentee,bootcamp,,Asia/Tokyo"))

    result = services.people_import(rows=parsed.rows)

    mentor.refresh_from_db()
    assert result.created_people == 0
    assert (mentor.name, mentor.time_zone) == ("Mo Mentor", "America/New_York")
    assert Membership.objects.filter(user=mentor, role=Role.MENTEE).exists()


def test_import_service_error_rolls_back_every_row(program, cohort):
    parsed = parse_people_csv(
        _csv("a@example.org,Ann,mentee,bootcamp,,", "b@example.org,Bo,mentee,bootcamp,,")
    )
    # Rows that slipped past the parser (say, a cohort added to a mentor) still fail safely.
    bad = replace(parsed.rows[1], role=Role.MENTOR, cohort=cohort)

    with pytest.raises(ProgramError, match="line 3: Only mentees have a cohort"):
        services.people_import(rows=[parsed.rows[0], bad])

    assert not User.objects.filter(email__in=["a@example.org", "b@example.org"]).exists()
