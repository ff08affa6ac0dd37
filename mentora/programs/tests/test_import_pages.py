"""The import page: upload -> preview -> confirm, for program admins only.

Nothing is imported until the confirm; the confirm imports the very file that was
previewed (signed ticket), and only if it still imports as the preview said."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentora.accounts.models import User
from mentora.programs.csv_import import MAX_BYTES
from mentora.programs.models import Membership, Role
from mentora.tests import factories as f
from mentora.tests.tasks import account_emails_send

HEADER = "email,name,role,cohort,success_manager,time_zone"
GOOD = (
    HEADER + "\r\n"
    "nia@example.org,Nia Ñandú,mentee,Spring 2027,sam@example.org,\r\n"
    '"ben@example.org","Builder, Ben",mentor,,,Asia/Tokyo\r\n'
    "MO@example.org,Mo Mentor,mentee,,,\r\n"
).encode()


def _url(program, name: str = "people_import") -> str:
    return reverse(name, args=[program.slug])


def _upload(client: Client, program, data: bytes, *, hold: bool = False, name: str = "p.csv"):
    post: dict[str, object] = {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    if hold:
        post["hold_invitations"] = "on"
    return client.post(_url(program), post)


def _ticket(response) -> str:
    found = re.search(r'name="ticket" value="([^"]+)"', response.content.decode())
    assert found is not None, "the preview offers no confirm"
    return found.group(1)


def _confirm(client: Client, program, ticket: str):
    return client.post(_url(program), {"ticket": ticket})


@pytest.fixture
def as_admin(client: Client, admin_user, cohort, success_manager, mentor) -> Client:
    client.force_login(admin_user)
    return client


def _counts() -> tuple[int, int]:
    return User.objects.count(), Membership.objects.count()


# --- preview, then confirm --------------------------------------------------------------


def test_the_preview_lists_every_line_and_imports_nothing(as_admin, program):
    before = _counts()

    response = _upload(as_admin, program, b"\xef\xbb\xbf" + GOOD)

    assert response.status_code == 200
    page = response.content.decode()
    rows = re.findall(r'<tr data-line="(\d+)">(.*?)</tr>', page, re.S)
    assert [n for n, _ in rows] == ["2", "3", "4"]
    nia, ben, mo = (cells for _, cells in rows)
    for text in ("Nia Ñandú", "nia@example.org", "Mentee", "Spring 2027", "Sam Success"):
        assert text in nia
    assert "new account" in nia
    assert "Builder, Ben" in ben and "Asia/Tokyo" in ben and "Mentor" in ben
    assert "existing account" in mo and "mo@example.org" in mo
    assert "Each new person is emailed their invitation" in page
    assert _counts() == before


def test_confirm_imports_with_cohort_and_success_manager_and_sends_invitations(
    as_admin, program, cohort, success_manager, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = _ticket(_upload(as_admin, program, GOOD))

    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(as_admin, program, ticket)
    account_emails_send()

    assert response.status_code == 302
    assert response["Location"] == reverse("program_people", args=[program.slug])
    nia = Membership.objects.get(user__email="nia@example.org", program=program)
    assert (nia.role, nia.cohort, nia.success_manager) == (Role.MENTEE, cohort, success_manager)
    assert nia.invitation_sent_at is not None
    assert User.objects.get(email="ben@example.org").time_zone == "Asia/Tokyo"
    assert Membership.objects.filter(user__email="mo@example.org", role=Role.MENTEE).exists()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "ben@example.org",
        "mo@example.org",
        "nia@example.org",
    ]
    to_nia = next(m for m in mailoutbox if m.to == ["nia@example.org"])
    assert "/accounts/invitation/" in to_nia.body
    followed = as_admin.get(response["Location"])
    assert "Created 2 people, added 3 memberships" in followed.content.decode()


def test_held_invitations_email_nobody(
    as_admin, program, mailoutbox, django_capture_on_commit_callbacks
):
    preview = _upload(as_admin, program, GOOD, hold=True)
    assert "Invitations are held" in preview.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert _confirm(as_admin, program, _ticket(preview)).status_code == 302
    account_emails_send()

    assert mailoutbox == []
    nia = Membership.objects.get(user__email="nia@example.org")
    assert nia.invitation_sent_at is None


def test_a_file_with_a_bad_line_shows_every_bad_line_and_offers_no_confirm(as_admin, program):
    data = (
        HEADER + "\n"
        "ok@example.org,Okay,mentee,,,\n"
        "bad,Bad,mentee,,,\n"
        "x@example.org,X,mentee,Autumn 1999,,\n"
        "y@example.org,Y,mentee,,nobody@example.org,\n"
        "OK@example.org,Okay Again,mentor,,,\n"
    ).encode()
    before = _counts()

    response = _upload(as_admin, program, data)

    assert response.status_code == 400
    page = response.content.decode()
    assert re.findall(r'<tr data-line="(\d+)"><td>', page) == ["3", "4", "5", "6"]
    assert '<tr data-line="3"><td>3</td><td>“bad” is not a valid email address.' in page
    assert '<tr data-line="6"><td>6</td><td>duplicate of line 2' in page
    assert 'name="ticket"' not in page
    assert "Nothing was imported: this file has 4 problems" in page
    assert _counts() == before


def test_confirm_checks_again_and_refuses_what_changed_since_the_preview(
    as_admin, program, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = _ticket(_upload(as_admin, program, GOOD))
    f.UserFactory(email="nia@example.org", name="Nia Elsewhere")  # added meanwhile
    before = _counts()

    response = _confirm(as_admin, program, ticket)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Something changed since the preview" in page
    assert _counts() == before
    nia_row = re.search(r'<tr data-line="2">(.*?)</tr>', page, re.S)
    assert nia_row is not None and "existing account" in nia_row.group(1)
    # The fresh preview's own ticket imports what it now shows.
    with django_capture_on_commit_callbacks(execute=True):
        assert _confirm(as_admin, program, _ticket(response)).status_code == 302
    account_emails_send()
    assert Membership.objects.filter(user__email="nia@example.org", role=Role.MENTEE).exists()


def test_a_cohort_closed_after_the_preview_refuses_the_whole_file(as_admin, program, cohort):
    ticket = _ticket(_upload(as_admin, program, GOOD))
    cohort.closed_at = timezone.now()
    cohort.save()
    before = _counts()

    response = _confirm(as_admin, program, ticket)

    assert response.status_code == 400  # the fresh preview has a bad line
    page = response.content.decode()
    assert '<tr data-line="2"><td>2</td><td>the cohort “Spring 2027” is closed' in page
    assert 'name="ticket"' not in page
    assert _counts() == before


def test_a_ticket_is_only_good_for_its_admin_its_program_and_an_hour(
    as_admin, client, program, cohort
):
    ticket = _ticket(_upload(as_admin, program, GOOD))
    other_admin = f.UserFactory(email="other-admin@example.org")
    f.MembershipFactory(user=other_admin, program=program, role=Role.ADMIN)
    before = _counts()

    tampered = _confirm(as_admin, program, ticket[:-3] + "AAA")
    assert tampered.status_code == 400
    assert "could not be read" in tampered.content.decode()

    other = Client()
    other.force_login(other_admin)
    assert _confirm(other, program, ticket).status_code == 400

    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        late = _confirm(as_admin, program, ticket)
    assert late.status_code == 400
    assert "more than an hour old" in late.content.decode()
    assert _counts() == before


def test_a_large_file_of_non_ascii_names_goes_through_the_ticket(
    as_admin, program, django_capture_on_commit_callbacks
):
    name = "Ζωή Αλεξάνδρου-Παπαδοπούλου 张伟" * 3
    data = (HEADER + "\n").encode() + b"".join(
        f"p{n}@example.org,{name} {n},mentee,,,\n".encode() for n in range(2000)
    )
    assert len(data) > MAX_BYTES // 3
    preview = _upload(as_admin, program, data, hold=True)
    ticket = _ticket(preview)
    assert len(ticket) < len(data)

    with django_capture_on_commit_callbacks(execute=True):
        assert _confirm(as_admin, program, ticket).status_code == 302
    account_emails_send()

    assert User.objects.get(email="p1999@example.org").name == f"{name} 1999"
    assert Membership.objects.filter(program=program, role=Role.MENTEE).count() == 2000


def test_staff_and_their_mentees_come_in_one_file(
    as_admin, program, django_capture_on_commit_callbacks
):
    data = (
        HEADER + "\n"
        "mel@example.org,Mel,mentee,,nel@example.org,\n"
        "nel@example.org,Nel,success_manager,,,\n"
    ).encode()
    preview = _upload(as_admin, program, data)
    assert "nel@example.org (made success manager by this file)" in preview.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert _confirm(as_admin, program, _ticket(preview)).status_code == 302
    account_emails_send()

    mel = Membership.objects.get(user__email="mel@example.org")
    assert mel.success_manager == User.objects.get(email="nel@example.org")


# --- the template -------------------------------------------------------------------------


def test_the_template_downloads_and_imports_as_is(as_admin, program, cohort, success_manager):
    response = as_admin.get(_url(program, "people_import_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER
    assert lines[1] == (
        "ada.lovelace@example.org,Ada Lovelace,mentee,Spring 2027,sam@example.org,Europe/Berlin"
    )
    preview = _upload(as_admin, program, body)
    assert preview.status_code == 200
    assert 'name="ticket"' in preview.content.decode()


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "mentee", "mentor", "success_manager"])
def test_only_program_admins_reach_the_import(request, client, program, who):
    client.force_login(request.getfixturevalue(who))
    before = _counts()

    assert client.get(_url(program)).status_code == 404
    assert _upload(client, program, GOOD).status_code == 404
    assert client.get(_url(program, "people_import_template")).status_code == 404
    assert _confirm(client, program, "x").status_code == 404
    assert _counts() == before


def test_the_people_page_links_the_import_for_admins_only(
    client, program, admin_user, success_manager
):
    client.force_login(admin_user)
    assert (
        _url(program) in client.get(reverse("program_people", args=[program.slug])).content.decode()
    )
    client.force_login(success_manager)
    page = client.get(reverse("program_people", args=[program.slug])).content.decode()
    assert _url(program) not in page


# --- junk -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00" * 64,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        bytes(range(256)) * 4,
        HEADER.encode() + b"\n" + b"a" * 300_000 + b"\n",
        HEADER.encode() + b"\nann@example.org,A\x00nn,mentee,,,\x00\n" + b"\x00" * 10,
        b'email,name,role\n"ann@example.org,Ann,mentee\n',
    ],
    ids=["empty", "nul", "png", "binary", "huge-line", "nul-in-cells", "open-quote"],
)
def test_junk_uploads_are_refused_or_read_never_a_500(as_admin, program, data):
    response = _upload(as_admin, program, data)

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "Nothing was imported" in response.content.decode() or "error" in (
            response.content.decode()
        )


def test_an_upload_over_a_megabyte_or_not_csv_is_refused_by_the_form(as_admin, program):
    big = _upload(as_admin, program, GOOD + b" " * MAX_BYTES)
    assert big.status_code == 400
    assert "at most 1 MB" in big.content.decode()

    not_csv = _upload(as_admin, program, GOOD, name="people.xlsx")
    assert not_csv.status_code == 400
    assert "Upload a .csv file" in not_csv.content.decode()

    missing = as_admin.post(_url(program), {})
    assert missing.status_code == 400


def test_a_confirm_without_a_ticket_is_refused(as_admin, program):
    assert _confirm(as_admin, program, "").status_code == 400


# --- the other doors keep working, invitations sent by default --------------------------------


def test_django_admins_import_sends_invitations_unless_held(
    client, program, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(f.UserFactory(email="root@example.org", is_staff=True, is_superuser=True))
    url = reverse("admin:programs_program_import_people")
    data = b"email,name,role,program\nnew@example.org,New,mentee,bootcamp\n"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": SimpleUploadedFile("p.csv", data)})
    account_emails_send()
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["new@example.org"]]

    held = b"email,name,role,program\nheld@example.org,Held,mentee,bootcamp\n"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": SimpleUploadedFile("p.csv", held), "hold_invitations": "on"})
    account_emails_send()
    assert User.objects.filter(email="held@example.org").exists()
    assert len(mailoutbox) == 1


def test_the_command_sends_invitations_unless_held(
    program, tmp_path: Path, mailoutbox, django_capture_on_commit_callbacks
):
    path = tmp_path / "people.csv"
    path.write_bytes(b"email;name;role;program\r\nnew@example.org;N\xc3\xa9w;mentee;bootcamp\r\n")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_people", str(path), "--hold-invitations", stdout=StringIO())
    account_emails_send()
    assert mailoutbox == []
    assert User.objects.get(email="new@example.org").name == "Néw"

    path.write_bytes(b"email,name,role,program\nnext@example.org,Next,mentor,bootcamp\n")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_people", str(path), stdout=StringIO())
    account_emails_send()
    assert [m.to for m in mailoutbox] == [["next@example.org"]]
