"""Django admin shows erasures and changes none of them."""

from __future__ import annotations

from django.urls import reverse

from mentora.privacy import services
from mentora.tests import factories as f


def test_an_erasure_is_read_only_in_django_admin(client, world, program, admin_user):
    erasure = services.person_erase(user=world.zelda, program=program, by=admin_user)
    root = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)

    listing = client.get(reverse("admin:privacy_personerasure_changelist"))
    assert listing.status_code == 200 and str(world.zelda.pk) in listing.content.decode()
    change = reverse("admin:privacy_personerasure_change", args=[erasure.pk])
    assert 'name="_save"' not in client.get(change).content.decode()
    assert client.post(change, {"erased_user_id": 1}).status_code == 403
    assert client.get(reverse("admin:privacy_personerasure_add")).status_code == 403
    delete = reverse("admin:privacy_personerasure_delete", args=[erasure.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    erasure.refresh_from_db()
    assert erasure.erased_user_id == world.zelda.pk
