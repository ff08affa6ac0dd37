"""Cohorts: the list, create, rename and date, close and reopen; who may."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mentora.programs.cohorts import services
from mentora.programs.errors import ProgramCode, ProgramError
from mentora.programs.forms import InviteForm
from mentora.programs.models import Cohort, Role
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db


def cohorts_url(program):
    return reverse("program_cohorts", args=[program.slug])


def cohort_url(cohort, name="cohort_edit"):
    return reverse(name, args=[cohort.program.slug, cohort.pk])


# --- services -----------------------------------------------------------------------


def test_create_then_rename_and_date(program):
    cohort = services.cohort_create(program=program, name="  Autumn   2027 ")
    assert cohort.name == "Autumn 2027"
    assert cohort.closed_at is None

    services.cohort_update(
        cohort=cohort,
        name="Autumn cohort",
        starts_on=dt.date(2027, 9, 1),
        ends_on=dt.date(2027, 12, 15),
    )
    cohort.refresh_from_db()
    assert (cohort.name, cohort.starts_on, cohort.ends_on) == (
        "Autumn cohort",
        dt.date(2027, 9, 1),
        dt.date(2027, 12, 15),
    )


@pytest.mark.parametrize("ends_on", [dt.date(2027, 9, 1), dt.date(2027, 8, 31)])
def test_an_end_on_or_before_the_start_is_refused_on_the_end_date(program, ends_on):
    with pytest.raises(ProgramError) as refused:
        services.cohort_create(
            program=program, name="X", starts_on=dt.date(2027, 9, 1), ends_on=ends_on
        )
    assert (refused.value.code, refused.value.field) == (ProgramCode.COHORT_DATES, "ends_on")
    assert not Cohort.objects.filter(name="X").exists()


def test_a_name_taken_in_the_program_is_refused_in_any_case(program, cohort):
    with pytest.raises(ProgramError) as refused:
        services.cohort_create(program=program, name="spring 2027")
    assert refused.value.field == "name"
    other = services.cohort_create(program=program, name="Summer")
    with pytest.raises(ProgramError):
        services.cohort_update(cohort=other, name="SPRING 2027", starts_on=None, ends_on=None)
    # Another program may use the name.
    services.cohort_create(program=f.ProgramFactory(), name="Spring 2027")
    # Keeping one's own name is no clash.
    services.cohort_update(cohort=cohort, name="Spring 2027", starts_on=None, ends_on=None)


def test_close_keeps_members_and_reopen_opens(program, cohort, mentee):
    with time_machine.travel("2027-06-30 12:00Z", tick=False):
        services.cohort_close(cohort=cohort)
    cohort.refresh_from_db()
    assert cohort.closed_at.isoformat() == "2027-06-30T12:00:00+00:00"
    assert cohort.memberships.filter(user=mentee, is_active=True).exists()
    # Closing again keeps the first time.
    services.cohort_close(cohort=cohort)
    cohort.refresh_from_db()
    assert cohort.closed_at.isoformat() == "2027-06-30T12:00:00+00:00"

    services.cohort_reopen(cohort=cohort)
    cohort.refresh_from_db()
    assert cohort.closed_at is None


def test_a_closed_cohort_is_not_offered_when_inviting(program, cohort):
    spare = services.cohort_create(program=program, name="Spare")
    services.cohort_close(cohort=cohort)

    form = InviteForm(program=program)
    offered = list(form.fields["cohort"].queryset)
    assert offered == [spare]
    refused = InviteForm(
        {"email": "n@example.org", "name": "N", "role": Role.MENTEE, "cohort": cohort.pk},
        program=program,
    )
    assert not refused.is_valid()
    assert "cohort" in refused.errors


# --- pages ---------------------------------------------------------------------------


def test_the_list_shows_counts_dates_and_status(client, program, cohort, mentee, admin_user):
    services.cohort_update(
        cohort=cohort, name=cohort.name, starts_on=dt.date(2027, 3, 1), ends_on=dt.date(2027, 6, 30)
    )
    closed = services.cohort_create(program=program, name="Winter 2026")
    services.cohort_close(cohort=closed)
    client.force_login(admin_user)

    response = client.get(cohorts_url(program))

    assert response.status_code == 200
    rows = {c.name: c for c in response.context["cohorts"]}
    assert rows["Spring 2027"].active_members == 1
    assert rows["Winter 2026"].active_members == 0
    body = response.content.decode()
    assert "1 Mar 2027" in body and "30 Jun 2027" in body
    assert "Closed" in body and "Open" in body
    assert [c.name for c in response.context["cohorts"]][-1] == "Winter 2026"  # closed last


def test_an_admin_creates_edits_closes_and_reopens_from_the_pages(client, program, admin_user):
    client.force_login(admin_user)

    response = client.post(
        cohorts_url(program), {"name": "Autumn", "starts_on": "2027-09-01", "ends_on": ""}
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(program=program, name="Autumn")
    assert cohort.starts_on == dt.date(2027, 9, 1)

    response = client.post(
        cohort_url(cohort),
        {"name": "Autumn 27", "starts_on": "2027-09-01", "ends_on": "2027-12-01"},
    )
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name, cohort.ends_on) == ("Autumn 27", dt.date(2027, 12, 1))

    assert client.post(cohort_url(cohort, "cohort_close")).status_code == 302
    cohort.refresh_from_db()
    assert cohort.closed_at is not None
    assert client.get(cohort_url(cohort, "cohort_close")).status_code == 405

    assert client.post(cohort_url(cohort, "cohort_reopen")).status_code == 302
    cohort.refresh_from_db()
    assert cohort.closed_at is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "starts_on": "", "ends_on": ""}, "name"),
        ({"name": "Spring 2027", "starts_on": "", "ends_on": ""}, "name"),
        ({"name": "X", "starts_on": "2027-09-01", "ends_on": "2027-08-01"}, "ends_on"),
        ({"name": "X", "starts_on": "2027-02-30", "ends_on": ""}, "starts_on"),
        ({"name": "X", "starts_on": "0001-01-01", "ends_on": ""}, "starts_on"),
        ({"name": "X\u0000", "starts_on": "", "ends_on": ""}, None),
        ({"name": "x" * 81, "starts_on": "", "ends_on": ""}, "name"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    client, program, cohort, admin_user, data, field
):
    client.force_login(admin_user)
    count = Cohort.objects.count()

    response = client.post(cohorts_url(program), data)

    assert 400 <= response.status_code < 500
    if field is not None:
        assert field in response.context["form"].errors
    assert Cohort.objects.count() == count


def test_editing_to_an_end_before_the_start_is_refused(client, program, cohort, admin_user):
    client.force_login(admin_user)
    response = client.post(
        cohort_url(cohort),
        {"name": "Spring 2027", "starts_on": "2027-09-01", "ends_on": "2027-01-01"},
    )
    assert response.status_code == 400
    assert "End date" in response.context["form"].errors["ends_on"][0]
    cohort.refresh_from_db()
    assert cohort.starts_on is None


def test_a_cohort_of_another_program_is_a_404(client, program, admin_user):
    elsewhere = f.CohortFactory(program=f.ProgramFactory(slug="other"))
    client.force_login(admin_user)
    url = reverse("cohort_edit", args=[program.slug, elsewhere.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("cohort_close", args=[program.slug, elsewhere.pk])).status_code == 404
    )
    elsewhere.refresh_from_db()
    assert elsewhere.closed_at is None


# --- who may ---------------------------------------------------------------------------


def test_a_success_manager_sees_the_list_but_cannot_write(client, program, cohort, success_manager):
    client.force_login(success_manager)

    response = client.get(cohorts_url(program))
    assert response.status_code == 200
    assert "Spring 2027" in response.content.decode()
    assert response.context["form"] is None
    assert cohort_url(cohort) not in response.content.decode()

    assert client.post(cohorts_url(program), {"name": "Sneaky"}).status_code == 404
    assert client.get(cohort_url(cohort)).status_code == 404
    for name in ("cohort_edit", "cohort_close", "cohort_reopen"):
        assert client.post(cohort_url(cohort, name), {"name": "Renamed"}).status_code == 404
    cohort.refresh_from_db()
    assert (cohort.name, cohort.closed_at) == ("Spring 2027", None)
    assert not Cohort.objects.filter(name="Sneaky").exists()


@pytest.mark.parametrize("person", ["outsider", "mentee", "mentor"])
def test_others_reach_no_cohort_page(client, request, program, cohort, mentee, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(cohorts_url(program)).status_code == 404
    assert client.post(cohorts_url(program), {"name": "Sneaky"}).status_code == 404
    for name in ("cohort_edit", "cohort_close", "cohort_reopen"):
        assert client.post(cohort_url(cohort, name), {"name": "Renamed"}).status_code == 404
    cohort.refresh_from_db()
    assert (cohort.name, cohort.closed_at) == ("Spring 2027", None)
    assert not Cohort.objects.filter(name="Sneaky").exists()
