"""Someone outside the program learns nothing: every program page answers 404.

Walks every URL pattern under /p/<slug>/ (so a new page is covered the day it is
added) with real ids from inside the program, by GET and by POST.
"""

import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from mentora.tests import factories as f
from mentora.tests.test_no_500 import _world, all_pages

pytestmark = pytest.mark.django_db


def test_every_program_page_is_a_404_to_an_outsider(
    client, program, mentorship, mentee, admin_user, outsider
):
    pages = [
        p
        for p in all_pages(program, _world(program, mentorship, mentee, admin_user))
        if p.startswith(f"/p/{program.slug}/")
    ]
    client.force_login(outsider)

    for page in pages:
        got = client.get(page).status_code
        posted = client.post(page, {"reason": "other", "message": "x" * 80}).status_code
        # A single-method page may say 405 to the other method, which reveals nothing;
        # the method it serves must be a 404.
        assert {got, posted} <= {404, 405}, (page, got, posted)
        assert 404 in (got, posted), page
    assert len(pages) >= 45


def test_an_outsider_can_neither_see_nor_end_someone_else_s_session(client, mentee, outsider):
    elsewhere = f.signed_in_session(mentee, ip="198.51.100.7")
    client.force_login(outsider)

    listed = client.get(reverse("account_sessions"))
    ended = client.post(reverse("account_session_end", args=[elsewhere.pk]))
    everyone_else = client.post(reverse("account_sessions_end_others"))

    assert listed.status_code == 200 and "198.51.100.7" not in listed.text
    assert ended.status_code == 404
    assert everyone_else.status_code == 302
    assert UserSession.objects.filter(pk=elsewhere.pk).exists()
    assert SessionStore().exists(elsewhere.session_key)


def test_an_outsider_can_neither_see_nor_disconnect_someone_else_s_single_sign_on(
    client, mentee, outsider
):
    linked = SocialAccount.objects.create(
        user=mentee, provider="acme", uid="mentee-at-acme", extra_data={"email": mentee.email}
    )
    client.force_login(outsider)

    listed = client.get(reverse("socialaccount_connections"))
    removed = client.post(reverse("socialaccount_connections"), {"account": linked.pk})

    assert listed.status_code == 200 and "mentee-at-acme" not in listed.text
    assert removed.status_code < 500
    assert SocialAccount.objects.filter(pk=linked.pk, user=mentee).exists()


def test_an_outsider_can_neither_see_nor_remove_someone_else_s_second_factor(
    client, mentee, outsider
):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from mentora.tests.second_factor import forget_second_factor

    TOTP.activate(mentee, generate_totp_secret())
    codes = RecoveryCodes.activate(mentee).get_unused_codes()
    key = Authenticator.objects.create(
        user=mentee, type=Authenticator.Type.WEBAUTHN, data={"name": "Mia's key"}
    )
    client.force_login(outsider)
    forget_second_factor(client, outsider)  # signed in with a password just now

    pages = [client.get(p).text for p in ("/accounts/2fa/", "/accounts/2fa/webauthn/")]
    removed = client.post(f"/accounts/2fa/webauthn/keys/{key.pk}/remove/")
    renamed = client.post(f"/accounts/2fa/webauthn/keys/{key.pk}/edit/", {"name": "Mine"})
    deactivated = client.post("/accounts/2fa/totp/deactivate/")
    shown = client.get("/accounts/2fa/recovery-codes/")

    assert all("Mia's key" not in text for text in pages)
    assert (removed.status_code, renamed.status_code, deactivated.status_code) == (404, 404, 404)
    assert all(code not in shown.text for code in codes)
    assert Authenticator.objects.filter(user=mentee).count() == 3
    assert Authenticator.objects.get(pk=key.pk).data["name"] == "Mia's key"


def test_an_outsider_can_neither_see_nor_touch_someone_else_s_calendar(client, mentee, outsider):
    connection = f.CalendarConnectionFactory(owner=mentee, label="Mia at work")
    client.force_login(outsider)

    listed = client.get(reverse("calendar_connections"))
    refreshed = client.post(reverse("calendar_connection_refresh", args=[connection.pk]))
    removed = client.post(reverse("calendar_connection_disconnect", args=[connection.pk]))

    assert listed.status_code == 200 and "Mia at work" not in listed.text
    assert (refreshed.status_code, removed.status_code) == (404, 404)
    connection.refresh_from_db()
    assert connection.last_attempt_at is None
