"""The program settings page, its change log, and creating a program."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.urls import reverse

from mentora.programs.errors import ProgramCode, ProgramError
from mentora.programs.models import Program, ProgramSettingChange, Role
from mentora.programs.settings import fields, services
from mentora.programs.settings.forms import ProgramSettingsForm
from mentora.programs.settings.rules import WEIGHT_FIELDS
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db


def settings_data(program: Program, **changes: Any) -> dict[str, Any]:
    """The form as the page would post it, with `changes` (a False box is left out)."""
    values = {name: getattr(program, name) for name in fields.SETTING_FIELDS} | changes
    data: dict[str, Any] = {}
    for name, value in values.items():
        if value is True:
            data[name] = "on"
        elif value is not False:
            data[name] = value
    return data


def url(program: Program, name: str = "program_settings") -> str:
    return reverse(name, args=[program.slug])


# --- the rules between fields, on the form and in the service ----------------------


@pytest.mark.parametrize(
    ("changes", "both"),
    [
        (
            {"notice_hours": 200, "booking_window_weeks": 1},
            ("notice_hours", "booking_window_weeks"),
        ),
        (
            {"makeup_gap_hours": 160, "min_booking_notice_hours": 12},
            ("makeup_gap_hours", "min_booking_notice_hours"),
        ),
        (
            {"first_reminder_hours": 1, "second_reminder_hours": 2},
            ("first_reminder_hours", "second_reminder_hours"),
        ),
    ],
)
def test_a_contradiction_is_refused_on_both_fields_and_nothing_is_saved(
    client, program, admin_user, changes, both
):
    client.force_login(admin_user)
    before = {name: getattr(program, name) for name in fields.SETTING_FIELDS}

    response = client.post(url(program), settings_data(program, **changes))

    assert response.status_code == 400
    form = response.context["form"]
    for name in both:
        assert name in form.errors, name
    assert form.errors[both[0]] == form.errors[both[1]]
    program.refresh_from_db()
    assert {name: getattr(program, name) for name in fields.SETTING_FIELDS} == before
    assert not ProgramSettingChange.objects.exists()


def test_every_weight_at_zero_is_refused_on_every_weight(program):
    form = ProgramSettingsForm(
        settings_data(program, **dict.fromkeys(WEIGHT_FIELDS, 0)), instance=program
    )
    assert not form.is_valid()
    assert set(WEIGHT_FIELDS) <= set(form.errors)


def test_the_service_refuses_a_contradiction_whoever_calls_it(program, admin_user):
    with pytest.raises(ProgramError) as refused:
        services.program_settings_update(
            program=program,
            changes={"notice_hours": 300, "booking_window_weeks": 1},
            changed_by=admin_user,
        )
    assert refused.value.code == ProgramCode.SETTINGS_CONTRADICT
    program.refresh_from_db()
    assert (program.notice_hours, program.booking_window_weeks) == (24, 8)
    assert not ProgramSettingChange.objects.exists()


def test_the_service_refuses_a_field_that_is_not_a_setting(program, admin_user):
    with pytest.raises(ProgramError) as refused:
        services.program_settings_update(
            program=program, changes={"slug": "elsewhere"}, changed_by=admin_user
        )
    assert refused.value.field == "slug"


def test_the_service_refuses_an_out_of_range_value_naming_the_field(program, admin_user):
    with pytest.raises(ProgramError) as refused:
        services.program_settings_update(
            program=program, changes={"default_session_minutes": 5}, changed_by=admin_user
        )
    assert refused.value.field == "default_session_minutes"
    assert "Session length" in refused.value.message


# --- each field's own validation names it ---------------------------------------------

NUMBER_FIELDS = [
    name
    for name in fields.POLICY_FIELDS
    if Program._meta.get_field(name).get_internal_type() == "PositiveIntegerField"
]


@pytest.mark.parametrize("name", NUMBER_FIELDS)
@pytest.mark.parametrize("bad", ["9999", "-1", "abc", "٣", ""])
def test_a_refused_number_names_its_field(program, name, bad):
    form = ProgramSettingsForm(settings_data(program, **{name: bad}), instance=program)

    assert not form.is_valid()
    assert name in form.errors
    label = str(form.fields[name].label)
    assert all(message.startswith(label) for message in form.errors[name]), form.errors[name]


def test_name_and_time_zone_are_checked(program):
    form = ProgramSettingsForm(
        settings_data(program, name="", time_zone="Mars/Olympus"), instance=program
    )
    assert not form.is_valid()
    assert form.errors["name"][0].startswith("Name")
    assert form.errors["time_zone"][0].startswith("Time zone")


def test_every_field_explains_itself_and_shows_its_default(program):
    form = ProgramSettingsForm(instance=program)

    assert set(form.fields) == set(fields.SETTING_FIELDS)
    for name, field in form.fields.items():
        assert field.help_text, name
        if fields.default_text(name) is not None:
            assert "Default:" in str(field.help_text), name
    assert "Default: 45." in str(form.fields["default_session_minutes"].help_text)
    assert "Default: Yes." in str(form.fields["late_move_counts_as_late_cancel"].help_text)


def test_the_page_groups_every_field_and_links_the_risk_rules(client, program, admin_user):
    client.force_login(admin_user)
    response = client.get(url(program))

    assert response.status_code == 200
    body = response.content.decode()
    for legend in (
        "Scheduling and notice",
        "Makeups",
        "Booking limits and buffers",
        "Reminders",
        "Mentor requests",
        "Matching weights and rules",
        "Relationship pulses",
        "Reflection window",
    ):
        assert legend in body, legend
    assert reverse("risk_policy_edit", args=[program.slug]) in body
    for name in fields.SETTING_FIELDS:
        assert f'name="{name}"' in body, name


# --- saving and the change log ---------------------------------------------------------


def test_saving_records_each_changed_field_old_to_new(client, program, admin_user):
    with time_machine.travel("2027-03-01 10:00Z", tick=False):
        client.force_login(admin_user)
        response = client.post(
            url(program),
            settings_data(
                program,
                notice_hours=48,
                must_share_language=True,
                late_move_counts_as_late_cancel=False,
                description="For the spring bootcamp",
            ),
        )

    assert response.status_code == 302
    program.refresh_from_db()
    assert program.notice_hours == 48
    assert program.must_share_language is True
    assert program.late_move_counts_as_late_cancel is False
    changes = {c.field: c for c in ProgramSettingChange.objects.filter(program=program)}
    assert set(changes) == {
        "notice_hours",
        "must_share_language",
        "late_move_counts_as_late_cancel",
        "description",
    }
    assert (changes["notice_hours"].old_value, changes["notice_hours"].new_value) == ("24", "48")
    assert (changes["must_share_language"].old_value, changes["must_share_language"].new_value) == (
        "No",
        "Yes",
    )
    assert changes["description"].new_value == "For the spring bootcamp"
    assert all(c.changed_by == admin_user for c in changes.values())
    assert all(c.changed_at.isoformat() == "2027-03-01T10:00:00+00:00" for c in changes.values())

    page = client.get(url(program)).content.decode()
    assert "Cancellation notice (hours)" in page
    assert "Ada Admin" in page


def test_saving_unchanged_settings_records_nothing(client, program, admin_user):
    client.force_login(admin_user)
    response = client.post(url(program), settings_data(program))

    assert response.status_code == 302
    assert not ProgramSettingChange.objects.exists()


def test_the_page_shows_recent_changes_and_links_all_of_them(client, program, admin_user):
    for n in range(12):
        services.program_settings_update(
            program=program, changes={"pulse_every_weeks": n + 5}, changed_by=admin_user
        )
    client.force_login(admin_user)

    page = client.get(url(program))
    assert len(page.context["changes"]) == 10
    assert page.context["more_changes"]
    assert url(program, "program_settings_changes") in page.content.decode()

    every = client.get(url(program, "program_settings_changes"))
    assert every.status_code == 200
    assert len(every.context["changes"]) == 12
    assert every.context["changes"][0].new_value == "16"
    assert client.get(url(program, "program_settings_changes"), {"page": "x"}).status_code == 200


# --- who may -----------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["outsider", "mentee", "mentor", "success_manager"])
@pytest.mark.parametrize("page", ["program_settings", "program_settings_changes"])
def test_only_program_admins_reach_the_settings(client, request, program, mentee, person, page):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url(program, page)).status_code == 404
    assert (
        client.post(url(program, page), settings_data(program, notice_hours=1)).status_code == 404
    )
    program.refresh_from_db()
    assert program.notice_hours == 24
    assert not ProgramSettingChange.objects.exists()


# --- creating a program --------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return f.UserFactory(
        email="root@example.org", name="Ruth Root", is_staff=True, is_superuser=True
    )


def test_site_staff_create_a_program_copying_every_policy(client, program, superuser):
    services.program_settings_update(
        program=program,
        changes={
            "notice_hours": 36,
            "weight_stack": 70,
            "must_share_language": True,
            "pulse_every_weeks": 0,
            "reflection_window_days": 14,
            "description": "Not copied",
        },
        changed_by=superuser,
    )
    client.force_login(superuser)

    response = client.post(
        reverse("program_new"),
        {
            "name": "Autumn school",
            "slug": "autumn",
            "time_zone": "Asia/Tokyo",
            "copy_from": program.pk,
        },
    )

    assert response.status_code == 302
    new = Program.objects.get(slug="autumn")
    assert response["Location"] == reverse("program_settings", args=["autumn"])
    assert (new.name, new.time_zone, new.description) == ("Autumn school", "Asia/Tokyo", "")
    for name in fields.POLICY_FIELDS:
        assert getattr(new, name) == getattr(program, name), name
    assert new.memberships.get(user=superuser).role == Role.ADMIN
    assert not new.setting_changes.exists()
    assert client.get(reverse("program_settings", args=["autumn"])).status_code == 200


def test_a_program_without_a_copy_gets_the_defaults(client, superuser):
    client.force_login(superuser)
    client.post(reverse("program_new"), {"name": "Plain", "slug": "plain", "time_zone": "UTC"})

    new = Program.objects.get(slug="plain")
    for name in fields.POLICY_FIELDS:
        assert getattr(new, name) == Program._meta.get_field(name).get_default(), name


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "slug": "x", "time_zone": "UTC"}, "name"),
        ({"name": "X", "slug": "bootcamp", "time_zone": "UTC"}, "slug"),
        ({"name": "X", "slug": "BootCamp", "time_zone": "UTC"}, "slug"),
        ({"name": "X", "slug": "no spaces", "time_zone": "UTC"}, "slug"),
        ({"name": "X", "slug": "x", "time_zone": "Nowhere"}, "time_zone"),
        ({"name": "X", "slug": "x", "time_zone": "UTC", "copy_from": "٣"}, "copy_from"),
        ({"name": "X", "slug": "x", "time_zone": "UTC", "copy_from": "99999"}, "copy_from"),
    ],
)
def test_a_refused_new_program_names_the_field_and_saves_nothing(
    client, program, superuser, data, field
):
    client.force_login(superuser)
    count = Program.objects.count()

    response = client.post(reverse("program_new"), data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Program.objects.count() == count


@pytest.mark.parametrize("person", ["admin_user", "success_manager", "mentee", "outsider"])
def test_only_a_superuser_creates_a_program(client, request, program, mentee, person):
    client.force_login(request.getfixturevalue(person))
    count = Program.objects.count()

    assert client.get(reverse("program_new")).status_code == 404
    response = client.post(reverse("program_new"), {"name": "X", "slug": "x", "time_zone": "UTC"})
    assert response.status_code == 404
    assert Program.objects.count() == count


def test_django_staff_without_superuser_cannot_create_a_program(client, db):
    staff = f.UserFactory(email="stef@example.org", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("program_new")).status_code == 404


# --- links ------------------------------------------------------------------------------


def test_the_admins_home_links_settings_and_cohorts(client, program, admin_user):
    client.force_login(admin_user)
    body = client.get(reverse("program_home", args=[program.slug])).content.decode()

    assert reverse("program_settings", args=[program.slug]) in body
    assert reverse("program_cohorts", args=[program.slug]) in body
    assert reverse("program_new") not in body


def test_a_superuser_is_offered_to_create_a_program(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("home"), follow=True)

    assert reverse("program_new") in response.content.decode()


# --- Django admin goes through the same rules and log ------------------------------------


def _admin_post(program: Program, **changes: Any) -> dict[str, Any]:
    data = settings_data(program, **changes)
    data["slug"] = program.slug
    data |= {
        "cohorts-TOTAL_FORMS": "0",
        "cohorts-INITIAL_FORMS": "0",
        "cohorts-MIN_NUM_FORMS": "0",
        "cohorts-MAX_NUM_FORMS": "1000",
    }
    return data


def test_a_change_in_django_admin_is_recorded(client, program, superuser):
    client.force_login(superuser)
    url = reverse("admin:programs_program_change", args=[program.pk])

    response = client.post(url, _admin_post(program, notice_hours=30))

    assert response.status_code == 302, response.context["adminform"].form.errors
    program.refresh_from_db()
    assert program.notice_hours == 30
    (change,) = ProgramSettingChange.objects.all()
    assert (change.field, change.old_value, change.new_value) == ("notice_hours", "24", "30")
    assert change.changed_by == superuser


def test_django_admin_refuses_a_contradiction_on_both_fields(client, program, superuser):
    client.force_login(superuser)
    url = reverse("admin:programs_program_change", args=[program.pk])

    response = client.post(url, _admin_post(program, notice_hours=200, booking_window_weeks=1))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "notice_hours" in form.errors and "booking_window_weeks" in form.errors
    program.refresh_from_db()
    assert program.notice_hours == 24
    assert not ProgramSettingChange.objects.exists()


@pytest.mark.parametrize(
    "address",
    ["http://meet.example.com/", "ftp://meet.example.com/", "javascript:alert(1)", "meet.jit.si"],
)
def test_the_video_rooms_address_must_be_https(program, address):
    form = ProgramSettingsForm(
        settings_data(program, meeting_room_base_url=address), instance=program
    )

    assert not form.is_valid()
    assert "meeting_room_base_url" in form.errors
    program.refresh_from_db()
    assert program.meeting_room_base_url == ""


def test_an_https_video_rooms_address_is_kept(program, admin_user):
    services.program_settings_update(
        program=program,
        changes={"meeting_room_base_url": "https://meet.jit.si/"},
        changed_by=admin_user,
    )

    program.refresh_from_db()
    assert program.meeting_room_base_url == "https://meet.jit.si/"
