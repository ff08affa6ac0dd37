"""The shapes of file a spreadsheet writes, and the columns of #13's import: the
program known from the page, cohort by name (never a closed one), success manager
by email. Each file is built as bytes here, the way it arrives."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mentora.accounts.models import User
from mentora.programs import services
from mentora.programs.csv_import import MAX_BYTES, parse_people_csv
from mentora.programs.models import Membership, Role
from mentora.tests import factories as f

HEADER = "email,name,role,cohort,success_manager,time_zone"


def _file(*lines: str, header: str = HEADER, sep: str = ",", eol: str = "\n") -> bytes:
    text = eol.join([header.replace(",", sep), *lines]) + eol
    return text.encode()


def _messages(data: bytes, program) -> list[str]:
    return [str(e) for e in parse_people_csv(data, program=program).errors]


# --- file shapes ----------------------------------------------------------------------


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("sep", [",", ";"], ids=["comma", "semicolon"])
def test_every_shape_of_file_is_read_the_same(program, cohort, success_manager, bom, eol, sep):
    line = sep.join(
        ["zoe@example.org", '"Zoë Ñúñez, Jr."', "mentee", "spring 2027", "SAM@example.org", ""]
    )
    data = bom + _file(line, sep=sep, eol=eol)

    parsed = parse_people_csv(data, program=program)

    assert parsed.errors == []
    [row] = parsed.rows
    assert (row.line, row.email, row.name, row.role) == (
        2,
        "zoe@example.org",
        "Zoë Ñúñez, Jr.",
        Role.MENTEE,
    )
    assert (row.cohort, row.success_manager, row.time_zone) == (
        cohort,
        success_manager,
        "Europe/Berlin",
    )
    assert (row.program, row.new_account, row.already_member) == (program, True, False)


def test_excels_semicolon_export_with_quoted_roles_and_commas_in_names(program):
    data = (
        b"\xef\xbb\xbf"
        + (
            "Email;Name;Role\r\n"
            'ann@example.org;"Lee; Åsa";"mentor; admin"\r\n'
            "bo@example.org;Bo, Jr.;mentee\r\n"
        ).encode()
    )

    parsed = parse_people_csv(data, program=program)

    assert parsed.errors == []
    assert [(r.line, r.name, r.role) for r in parsed.rows] == [
        (2, "Lee; Åsa", Role.MENTOR),
        (2, "Lee; Åsa", Role.ADMIN),
        (3, "Bo, Jr.", Role.MENTEE),
    ]


def test_a_tab_separated_file_is_read(program):
    data = b"email\tname\trole\nann@example.org\tAnn Lee\tmentor\n"

    assert [r.name for r in parse_people_csv(data, program=program).rows] == ["Ann Lee"]


def test_upper_case_duplicate_is_a_bad_row_naming_the_first_line(program):
    data = _file(
        "dup@example.org,Dee,mentee,,,",
        "a@example.org,A,mentee,,,",
        "b@example.org,B,mentee,,,",
        "c@example.org,C,mentee,,,",
        "d@example.org,D,mentee,,,",
        "DUP@EXAMPLE.ORG,Dee Again,mentor,,,",
    )

    messages = _messages(data, program)

    assert len(messages) == 1
    assert messages[0].startswith("line 7: duplicate of line 2: dup@example.org")


def test_a_file_with_one_bad_row_imports_nothing(program):
    parsed = parse_people_csv(
        _file("good@example.org,Good,mentee,,,", "bad@,Bad,mentee,,,"), program=program
    )

    assert parsed.rows == []
    assert [str(e) for e in parsed.errors] == ["line 3: “bad@” is not a valid email address."]


def test_nul_and_binary_junk_never_raise(program):
    for data in (
        b"\x00" * 100,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"email,name,role\nann@example.org,A\x00nn,mentee\n",
        bytes(range(256)),
    ):
        parsed = parse_people_csv(data, program=program)
        assert parsed.ok != bool(parsed.errors)
    nul = parse_people_csv(b"email,name,role\nann@example.org,A\x00nn,mentee\n", program=program)
    assert [r.name for r in nul.rows] == ["Ann"]


def test_a_huge_value_names_its_line(program):
    data = _file("a@example.org,Ann,mentee,,,", "b@example.org," + "x" * 200_000 + ",mentee,,,")

    messages = _messages(data, program)

    assert len(messages) == 1
    assert messages[0].startswith("line 3: a value on this line is longer than 131,072")


def test_a_file_over_the_byte_limit_is_refused_before_reading(program):
    data = _file("a@example.org,Ann,mentee,,,") + b" " * MAX_BYTES

    assert _messages(data, program) == [
        "line 1: the file is 1.0 MB; at most 1 MB is allowed. Split it into smaller files."
    ]


# --- program, cohort and success manager columns --------------------------------------


def test_on_a_programs_page_the_program_column_may_be_left_out_or_name_it(program):
    f.ProgramFactory(name="Elsewhere", slug="elsewhere")
    data = _file(
        "a@example.org,Ann,mentee,",
        "b@example.org,Bo,mentee,bootcamp",
        "c@example.org,Cy,mentee,elsewhere",
        "d@example.org,Di,mentee,nowhere",
        "e@example.org,Ed,mentee,Bootcamp Mentoring",
        header="email,name,role,program",
    )

    messages = _messages(data, program)

    # Another program, existing or not, gets the same words: nothing is learnt about it.
    refusal = (
        "this file is imported into Bootcamp Mentoring: leave program blank or write “bootcamp”."
    )
    assert messages == [f"line 4: {refusal}", f"line 5: {refusal}"]


def test_without_a_program_the_program_column_is_still_required(program):
    messages = [str(e) for e in parse_people_csv(_file("a@example.org,Ann,mentee,,,")).errors]

    assert len(messages) == 1
    assert "missing column “program”" in messages[0]


def test_a_closed_cohort_is_a_bad_row(program, cohort):
    cohort.closed_at = timezone.now()
    cohort.save()

    assert _messages(_file("a@example.org,Ann,mentee,Spring 2027,,"), program) == [
        "line 2: the cohort “Spring 2027” is closed and takes no new mentees."
    ]


def test_the_success_manager_must_be_staff_of_this_program(
    program, success_manager, admin_user, mentor, outsider
):
    elsewhere_sm = f.UserFactory(email="esm@example.org")
    f.MembershipFactory(
        user=elsewhere_sm,
        program=outsider.memberships.get().program,
        role=Role.SUCCESS_MANAGER,
    )
    gone = f.UserFactory(email="gone@example.org")
    f.MembershipFactory(
        user=gone, program=program, role=Role.SUCCESS_MANAGER, is_active=False, status="left"
    )
    data = _file(
        "a@example.org,A,mentee,,sam@example.org,",
        "b@example.org,B,mentee,,ADA@example.org,",
        "c@example.org,C,mentee,,mo@example.org,",
        "d@example.org,D,mentee,,esm@example.org,",
        "e@example.org,E,mentee,,gone@example.org,",
        "g@example.org,G,mentee,,nobody@example.org,",
        "h@example.org,H,mentor,,sam@example.org,",
    )

    messages = _messages(data, program)

    assert [m.split(":")[0] for m in messages] == [f"line {n}" for n in (4, 5, 6, 7, 8)]
    assert "mo@example.org is not a success manager or admin of Bootcamp Mentoring" in messages[0]
    assert "only mentees have a success manager" in messages[4]


def test_the_success_manager_and_cohort_are_set_on_the_new_mentees_membership(
    program, cohort, success_manager, admin_user
):
    data = _file(
        "new@example.org,Nia New,Mentee; mentor,Spring 2027,sam@example.org,",
        "by-admin@example.org,Bea,mentee,,ada@example.org,",
    )
    parsed = parse_people_csv(data, program=program)

    services.people_import(rows=parsed.rows, send_invitations=False)

    nia = Membership.objects.get(user__email="new@example.org", role=Role.MENTEE)
    assert (nia.cohort, nia.success_manager) == (cohort, success_manager)
    as_mentor = Membership.objects.get(user__email="new@example.org", role=Role.MENTOR)
    assert (as_mentor.cohort, as_mentor.success_manager) == (None, None)
    assert Membership.objects.get(user__email="by-admin@example.org").success_manager == admin_user


def test_an_existing_person_gets_the_success_manager_on_a_new_mentee_role(
    program, success_manager, mentor
):
    parsed = parse_people_csv(_file("mo@example.org,Mo,mentee,,sam@example.org,"), program=program)

    assert [(r.new_account, r.already_member) for r in parsed.rows] == [(False, False)]
    services.people_import(rows=parsed.rows, send_invitations=False)

    membership = Membership.objects.get(user=mentor, role=Role.MENTEE)
    assert membership.success_manager == success_manager
    assert User.objects.filter(email="mo@example.org").count() == 1


def test_a_success_manager_made_by_another_line_of_the_file_is_set(program, mentor):
    data = _file(
        "m@example.org,M,mentee,,NEW-SM@example.org,",
        "new-sm@example.org,Nel,success_manager,,,",
        "n@example.org,N,mentee,,mo@example.org,",
        "mo@example.org,Mo,admin,,,",
    )
    parsed = parse_people_csv(data, program=program)
    assert parsed.errors == []

    services.people_import(rows=parsed.rows, send_invitations=False)

    nel = User.objects.get(email="new-sm@example.org")
    assert Membership.objects.get(user__email="m@example.org").success_manager == nel
    assert Membership.objects.get(user__email="n@example.org").success_manager == mentor


def test_a_manager_made_by_a_line_for_another_program_does_not_count(program):
    f.ProgramFactory(name="Elsewhere", slug="elsewhere")
    data = _file(
        "m@example.org,M,mentee,bootcamp,,sm@example.org,",
        "sm@example.org,S,success_manager,elsewhere,,,",
        header="email,name,role,program,cohort,success_manager,time_zone",
    )

    messages = [str(e) for e in parse_people_csv(data).errors]

    assert len(messages) == 1
    assert messages[0].startswith("line 2: sm@example.org is not a success manager or admin")
