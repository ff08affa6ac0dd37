"""The erase page: program admins only, the typed email confirms, a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentora.privacy.models import PersonErasure
from mentora.privacy.tests.conftest import EMAIL, NAME
from mentora.programs.models import Role
from mentora.tests import factories as f


def _url(program, user) -> str:
    return reverse("person_erase", kwargs={"slug": program.slug, "user_id": user.pk})


def _unchanged(world) -> None:
    world.zelda.refresh_from_db()
    assert (world.zelda.name, world.zelda.email, world.zelda.erased_at) == (NAME, EMAIL, None)
    assert world.zelda.is_active
    assert not PersonErasure.objects.exists()


@pytest.mark.parametrize(
    "person", ["outsider", "mentee", "other_mentee", "mentor", "success_manager"]
)
def test_everyone_but_admins_gets_404_and_nothing_changes(client, world, program, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(_url(program, world.zelda)).status_code == 404
    assert client.post(_url(program, world.zelda), {"email": EMAIL}).status_code == 404
    _unchanged(world)


def test_an_admin_sees_what_will_happen_and_the_confirmation(client, world, program, admin_user):
    client.force_login(admin_user)
    response = client.get(_url(program, world.zelda))
    page = response.content.decode()

    assert response.status_code == 200
    assert NAME in page and EMAIL in page
    assert "1 live mentorship will end" in page
    assert "1 uploaded file is deleted" in page
    assert 'name="email"' in page


def test_a_mismatched_email_is_refused_and_nothing_changes(client, world, program, admin_user):
    client.force_login(admin_user)
    response = client.post(_url(program, world.zelda), {"email": "someone@example.org"})

    assert response.status_code == 400
    assert "not this person&#x27;s email address" in response.content.decode()
    _unchanged(world)
    response = client.post(_url(program, world.zelda), {"email": ""})
    assert response.status_code == 400
    _unchanged(world)


def test_the_typed_email_erases_and_the_page_then_says_so(client, world, program, admin_user):
    client.force_login(admin_user)
    response = client.post(_url(program, world.zelda), {"email": "  Zelda.Quintessa@Example.org "})

    assert response.status_code == 302
    world.zelda.refresh_from_db()
    assert world.zelda.erased_at is not None
    page = client.get(_url(program, world.zelda)).content.decode()
    assert "was erased on" in page and 'name="email"' not in page
    # A second try (an old tab, a double click) changes nothing.
    again = client.post(_url(program, world.zelda), {"email": world.zelda.email})
    assert again.status_code == 409
    assert PersonErasure.objects.count() == 1


def test_someone_in_another_program_needs_a_superuser(client, world, program, admin_user):
    f.MembershipFactory(user=world.zelda, program=f.ProgramFactory(slug="other"), role=Role.MENTOR)
    client.force_login(admin_user)

    page = client.get(_url(program, world.zelda)).content.decode()
    assert "another program" in page and 'name="email"' not in page
    assert client.post(_url(program, world.zelda), {"email": EMAIL}).status_code == 409
    _unchanged(world)

    root = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.post(_url(program, world.zelda), {"email": EMAIL}).status_code == 302
    world.zelda.refresh_from_db()
    assert world.zelda.erased_at is not None


def test_a_person_outside_the_program_is_404_for_its_admin(client, program, admin_user, outsider):
    client.force_login(admin_user)
    assert client.get(_url(program, outsider)).status_code == 404


def test_the_persons_page_links_to_erasure_for_admins_only(
    client, world, program, admin_user, mentor
):
    page = reverse("mentee_detail", kwargs={"slug": program.slug, "user_id": world.zelda.pk})
    client.force_login(admin_user)
    assert _url(program, world.zelda) in client.get(page).content.decode()
    client.force_login(mentor)
    assert _url(program, world.zelda) not in client.get(page).content.decode()

    mentor_page = reverse("mentor_detail", kwargs={"slug": program.slug, "user_id": mentor.pk})
    client.force_login(admin_user)
    assert _url(program, mentor) in client.get(mentor_page).content.decode()
