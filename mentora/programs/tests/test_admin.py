"""Django admin: every model has working pages, and the CSV import action."""

from __future__ import annotations

from typing import cast

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentora.accounts.models import User
from mentora.programs.models import Membership, Role
from mentora.tests import factories as f

MODELS = [
    "accounts_user",
    "accounts_technology",
    "accounts_mentorprofile",
    "accounts_menteeprofile",
    "accounts_backgroundanswer",
    "programs_program",
    "programs_cohort",
    "programs_membership",
    "programs_mentorship",
]
IMPORT_URL = reverse("admin:programs_program_import_people")
GOOD_CSV = (
    b"email,name,role,program,cohort,time_zone\n"
    b"nia@example.org,Nia New,mentee,bootcamp,Spring 2027,\n"
    b"ben@example.org,Ben Builder,mentor,bootcamp,,America/Chicago\n"
)


@pytest.fixture
def superuser(db):
    return f.UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _upload(content: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


# Written only through services (invitations, matching, off-boarding) or by
# their owner: the admin shows them but adds none.
NO_ADD = {"programs_membership", "programs_mentorship", "accounts_backgroundanswer"}


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelist_and_add_page_load_for_superuser(admin_client, mentee, model):
    f.BackgroundAnswerFactory(user=mentee)

    changelist = admin_client.get(reverse(f"admin:{model}_changelist"))
    add = admin_client.get(reverse(f"admin:{model}_add"))

    assert changelist.status_code == 200
    assert add.status_code == (403 if model in NO_ADD else 200)


@pytest.mark.parametrize(
    ("model", "fixture"),
    [("accounts_user", "mentee"), ("programs_program", "program"), ("programs_cohort", "cohort")],
)
def test_admin_change_page_loads_for_superuser(request, admin_client, model, fixture):
    obj = request.getfixturevalue(fixture)

    response = admin_client.get(reverse(f"admin:{model}_change", args=[obj.pk]))

    assert response.status_code == 200


def test_admin_user_search_finds_by_email(admin_client, mentee, mentor):
    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "mia@"})

    assert "mia@example.org" in response.content.decode()
    assert "mo@example.org" not in response.content.decode()


def test_admin_add_user_with_email_login(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.org",
            "name": "New Person",
            "time_zone": "Europe/Paris",
            "usable_password": "true",
            "password1": "a-long-pass-phrase-12",
            "password2": "a-long-pass-phrase-12",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.check_password("a-long-pass-phrase-12")
    assert user.time_zone == "Europe/Paris"


def test_admin_import_action_redirects_to_upload_form(admin_client, program):
    response = admin_client.post(
        reverse("admin:programs_program_changelist"),
        {"action": "import_people", "_selected_action": [program.pk]},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{IMPORT_URL}?programs={program.pk}"
    assert admin_client.get(response["Location"]).status_code == 200


def test_admin_import_good_file_adds_people(admin_client, program, cohort):
    response = admin_client.post(
        f"{IMPORT_URL}?programs={program.pk}", {"file": _upload(GOOD_CSV)}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("admin:programs_program_changelist")
    assert "Created 2 people, added 2 memberships" in response.content.decode()
    assert Membership.objects.get(user__email="nia@example.org").cohort == cohort
    assert Membership.objects.get(user__email="ben@example.org").role == Role.MENTOR


def test_admin_import_bad_file_shows_each_line_and_imports_nothing(admin_client, program, cohort):
    bad = GOOD_CSV + b"oops,Oops,mentee,bootcamp,,\nx@example.org,X,chief,bootcamp,,\n"

    response = admin_client.post(IMPORT_URL, {"file": _upload(bad)})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in content
    assert "line 4: “oops” is not a valid email address." in content
    assert "line 5: “chief” is not a role." in content
    assert not User.objects.filter(email="nia@example.org").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.xlsx", GOOD_CSV, "Upload a .csv file"),
        ("people.csv", b"x" * (1024 * 1024 + 1), "at most 1 MB"),
        ("people.csv", b"", "The submitted file is empty."),
    ],
)
def test_admin_import_refuses_wrong_files(admin_client, program, name, content, message):
    response = admin_client.post(IMPORT_URL, {"file": _upload(content, name)})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="nia@example.org").exists()


def test_admin_import_needs_membership_change_permission(client, program):
    staff = cast(User, f.UserFactory(is_staff=True))
    staff.user_permissions.add(Permission.objects.get(codename="view_program"))
    client.force_login(staff)

    response = client.post(IMPORT_URL, {"file": _upload(GOOD_CSV)})

    assert response.status_code == 403
    assert not User.objects.filter(email="nia@example.org").exists()


def test_admin_import_allowed_with_membership_change_permission(client, program, cohort):
    staff = cast(User, f.UserFactory(is_staff=True))
    staff.user_permissions.add(Permission.objects.get(codename="change_membership"))
    client.force_login(staff)

    response = client.post(IMPORT_URL, {"file": _upload(GOOD_CSV)})

    assert response.status_code == 302
    assert User.objects.filter(email="nia@example.org").exists()
