"""Where a person is signed in: the page, ending sessions, and what a password change ends.

Every session here is a real sign-in through the login page, in its own test
client with its own browser and address, so the rows and the session store are
what a deployment would hold.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentora.accounts.sessions import (
    SEEN_EVERY,
    sessions_clear_expired,
    sign_out_other_sessions,
    signed_in_sessions,
)
from mentora.tests import factories as f
from mentora.tests.factories import TEST_PASSWORD, UserFactory
from mentora.tests.tasks import account_emails_send

pytestmark = pytest.mark.django_db

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
)
SESSIONS = "/accounts/sessions/"
NEW_PASSWORD = "a-new-long-password-9481"


def signed_in(user, user_agent: str, ip: str, password: str = TEST_PASSWORD) -> Client:
    """A browser that signed in through the login page."""
    browser = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
    response = browser.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, response.content
    return browser


def is_signed_in(browser: Client) -> bool:
    response = browser.get(reverse("profile_edit"))
    return response.status_code == 200


def test_the_page_lists_each_browser_in_words_with_this_one_marked(mentee):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    signed_in(mentee, SAFARI_IPHONE, "198.51.100.7")

    page = laptop.get(SESSIONS)

    assert page.status_code == 200
    text = page.text
    assert "Firefox on Windows" in text
    assert "Safari on an iPhone" in text
    assert "198.51.100.7" in text and "203.0.113.5" in text
    assert text.count("This browser") == 1
    assert text.index("Firefox on Windows") < text.index("This browser") < text.index("Safari")
    assert "Sign out the other session" in text


def test_signing_out_the_others_keeps_this_browser(mentee):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    phone = signed_in(mentee, SAFARI_IPHONE, "198.51.100.7")
    tablet = signed_in(mentee, CHROME_ANDROID, "198.51.100.8")

    response = laptop.post(reverse("account_sessions_end_others"), follow=True)

    assert "signed out of 2 other sessions" in response.text
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert not is_signed_in(tablet)
    assert list(UserSession.objects.filter(user=mentee).values_list("user_agent", flat=True)) == [
        FIREFOX_WINDOWS
    ]


def test_one_session_is_signed_out_by_itself(mentee):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    phone = signed_in(mentee, SAFARI_IPHONE, "198.51.100.7")
    tablet = signed_in(mentee, CHROME_ANDROID, "198.51.100.8")
    phone_row = UserSession.objects.get(user=mentee, user_agent=SAFARI_IPHONE)

    response = laptop.post(reverse("account_session_end", args=[phone_row.pk]), follow=True)

    assert "That session is signed out." in response.text
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)
    assert is_signed_in(tablet)
    assert not Session.objects.filter(session_key=phone_row.session_key).exists()


def test_ending_this_browser_s_own_row_signs_it_out(mentee):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    own = UserSession.objects.get(user=mentee)

    response = laptop.post(reverse("account_session_end", args=[own.pk]))

    assert response.status_code == 302
    assert response.url == reverse("account_login")
    assert not is_signed_in(laptop)
    assert not UserSession.objects.filter(pk=own.pk).exists()


def test_another_person_s_session_is_a_404_and_stays_signed_in(mentee, outsider):
    mentee_phone = signed_in(mentee, SAFARI_IPHONE, "198.51.100.7")
    intruder = signed_in(outsider, FIREFOX_WINDOWS, "203.0.113.9")
    row = UserSession.objects.get(user=mentee)

    ended = intruder.post(reverse("account_session_end", args=[row.pk]))
    listed = intruder.get(SESSIONS)

    assert ended.status_code == 404
    assert is_signed_in(mentee_phone)
    assert UserSession.objects.filter(pk=row.pk).exists()
    assert "198.51.100.7" not in listed.text and "Safari" not in listed.text


def test_the_outsider_signing_out_their_others_leaves_the_mentee_alone(mentee, outsider):
    mentee_phone = signed_in(mentee, SAFARI_IPHONE, "198.51.100.7")
    intruder = signed_in(outsider, FIREFOX_WINDOWS, "203.0.113.9")

    intruder.post(reverse("account_sessions_end_others"))

    assert is_signed_in(mentee_phone)


@pytest.mark.parametrize("junk", ["abc", "-1", "9" * 40, "%C2%B2", "1.5"])
def test_junk_session_ids_are_404_and_end_nothing(mentee, junk):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    phone = signed_in(mentee, SAFARI_IPHONE, "198.51.100.7")

    response = laptop.post(f"/accounts/sessions/{junk}/end/", {"session": junk})

    assert response.status_code == 404
    assert is_signed_in(phone)
    assert UserSession.objects.filter(user=mentee).count() == 2


def test_a_session_id_that_no_longer_exists_is_a_404(mentee):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    gone = UserSession.objects.get(user=mentee).pk + 1000

    assert laptop.post(reverse("account_session_end", args=[gone])).status_code == 404


def test_the_pages_want_a_signed_in_person_and_the_right_method(client, mentee):
    assert client.get(SESSIONS).status_code == 302
    assert client.post(reverse("account_sessions_end_others")).status_code == 302
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    assert laptop.get(reverse("account_sessions_end_others")).status_code == 405
    assert laptop.post(SESSIONS).status_code == 405


def test_the_profile_page_links_to_the_sessions_page(mentee):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")

    page = laptop.get(reverse("profile_edit"))

    assert f'href="{SESSIONS}"' in page.text
    assert "Where you&#x27;re signed in" in page.text or "Where you're signed in" in page.text


def test_allauth_s_own_sessions_address_lands_on_this_page(mentee):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")

    assert reverse("usersessions_list") == SESSIONS
    assert "This browser" in laptop.get(reverse("usersessions_list")).text


# ---------------------------------------------------------------------------
# Times are the reader's own, across daylight saving.


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2027, 1, 15, 12, 0, tzinfo=UTC), "15 Jan 2027, 13:00 CET"),
        (datetime(2027, 7, 15, 12, 0, tzinfo=UTC), "15 Jul 2027, 14:00 CEST"),
        # 01:30 UTC on the autumn change is the second 02:30 in Berlin.
        (datetime(2027, 10, 31, 1, 30, tzinfo=UTC), "31 Oct 2027, 02:30 CET"),
        (datetime(2027, 10, 31, 0, 30, tzinfo=UTC), "31 Oct 2027, 02:30 CEST"),
    ],
)
def test_last_seen_is_in_the_reader_s_zone_with_daylight_saving(program, moment, shown):
    person = UserFactory(email="zoe@example.org", time_zone="Europe/Berlin")
    with time_machine.travel(moment, tick=False):
        laptop = signed_in(person, FIREFOX_WINDOWS, "203.0.113.5")
        page = laptop.get(SESSIONS)

    assert page.text.count(shown) == 2  # signed in and last seen, both just now


def test_a_reader_in_another_zone_sees_their_own_clock(program):
    person = UserFactory(email="sao@example.org", time_zone="America/Sao_Paulo")
    with time_machine.travel(datetime(2027, 1, 15, 12, 0, tzinfo=UTC), tick=False):
        page = signed_in(person, FIREFOX_WINDOWS, "203.0.113.5").get(SESSIONS)

    assert "15 Jan 2027, 09:00 -03" in page.text


def test_last_seen_moves_on_with_each_visit(mentee):
    with time_machine.travel(datetime(2027, 1, 15, 12, 0, tzinfo=UTC), tick=False):
        laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    with time_machine.travel(datetime(2027, 1, 16, 8, 15, tzinfo=UTC), tick=False):
        page = laptop.get(SESSIONS)

    row = UserSession.objects.get(user=mentee)
    assert row.created_at == datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
    assert row.last_seen_at == datetime(2027, 1, 16, 8, 15, tzinfo=UTC)
    assert "15 Jan 2027, 13:00 CET" in page.text and "16 Jan 2027, 09:15 CET" in page.text


# ---------------------------------------------------------------------------
# A password change or reset signs out the other sessions.


def test_a_password_change_signs_out_the_other_sessions_and_keeps_this_one(mentee):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    phone = signed_in(mentee, SAFARI_IPHONE, "198.51.100.7")
    phone_key = UserSession.objects.get(user=mentee, user_agent=SAFARI_IPHONE).session_key

    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    # Gone at once from the store and the list, not only refused at the next visit.
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert [s.device for s in signed_in_sessions(mentee, None)] == ["Firefox on Windows"]


def test_a_refused_password_change_signs_nobody_out(mentee):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    phone = signed_in(mentee, SAFARI_IPHONE, "198.51.100.7")

    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert is_signed_in(phone)
    assert UserSession.objects.filter(user=mentee).count() == 2


def test_a_password_reset_signs_out_every_session(client, mentee):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    phone = signed_in(mentee, SAFARI_IPHONE, "198.51.100.7")

    client.post(reverse("account_reset_password"), {"email": mentee.email})
    account_emails_send()  # the worker sends the reset link
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    assert link is not None, mail.outbox[-1].body
    form = client.get(link.group(1), follow=True)
    done = client.post(
        form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert done.status_code == 302
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert not UserSession.objects.filter(user=mentee).exists()
    assert signed_in(mentee, CHROME_ANDROID, "198.51.100.8", password=NEW_PASSWORD)


# ---------------------------------------------------------------------------
# sign_out_other_sessions: what a second-factor reset by an admin calls.


def test_signing_out_everywhere_ends_every_session_of_the_person_only(mentee, mentor):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    phone = signed_in(mentee, SAFARI_IPHONE, "198.51.100.7")
    mentor_laptop = signed_in(mentor, FIREFOX_WINDOWS, "203.0.113.6")

    ended = sign_out_other_sessions(mentee)

    assert ended == 2
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert is_signed_in(mentor_laptop)
    assert not UserSession.objects.filter(user=mentee).exists()


def test_a_kept_key_of_someone_else_protects_nothing_of_theirs(mentee, mentor):
    signed_in(mentee, SAFARI_IPHONE, "198.51.100.7")
    mentor_laptop = signed_in(mentor, FIREFOX_WINDOWS, "203.0.113.6")
    mentor_key = mentor_laptop.session.session_key

    assert sign_out_other_sessions(mentee, keep_session_key=mentor_key) == 1
    assert is_signed_in(mentor_laptop)


def test_a_session_with_no_row_is_found_in_the_store_and_ended(mentee):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    # Signed in before rows were kept, say: only the store knows the session.
    UserSession.objects.filter(user=mentee).delete()

    assert sign_out_other_sessions(mentee) == 1
    assert not is_signed_in(laptop)


def test_nothing_to_end_is_zero(mentee):
    assert sign_out_other_sessions(mentee) == 0


# ---------------------------------------------------------------------------
# Last seen is kept cheaply: a write at most every few minutes, at once on a change.


def _queries_of(browser: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as done:
        browser.get(url)
    return [q["sql"] for q in done.captured_queries if "usersessions" in q["sql"]]


def test_last_seen_is_written_at_most_every_few_minutes(mentee):
    start = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
        first = _queries_of(laptop, reverse("profile_edit"))
    with time_machine.travel(start + SEEN_EVERY / 2, tick=False):
        soon = _queries_of(laptop, reverse("profile_edit"))
    with time_machine.travel(start + SEEN_EVERY + timedelta(seconds=1), tick=False):
        later = _queries_of(laptop, reverse("profile_edit"))

    assert len(first) == 1 and first[0].startswith("UPDATE")
    assert soon == []
    assert len(later) == 1 and later[0].startswith("UPDATE")
    assert UserSession.objects.get(user=mentee).last_seen_at == start + SEEN_EVERY + timedelta(
        seconds=1
    )


def test_a_new_address_or_browser_is_written_at_once(mentee):
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "203.0.113.5")
    laptop.get(reverse("profile_edit"))

    laptop.get(reverse("profile_edit"), REMOTE_ADDR="198.51.100.99")
    assert UserSession.objects.get(user=mentee).ip == "198.51.100.99"
    laptop.get(reverse("profile_edit"), HTTP_USER_AGENT=CHROME_ANDROID)
    assert UserSession.objects.get(user=mentee).user_agent == CHROME_ANDROID


def test_a_session_signed_in_without_the_login_page_gets_its_row(client, mentee):
    client.force_login(mentee)  # as the invitation's set-password step does

    page = client.get(SESSIONS, HTTP_USER_AGENT=SAFARI_IPHONE)

    assert "Safari on an iPhone" in page.text and "This browser" in page.text
    assert UserSession.objects.filter(user=mentee).count() == 1


def test_the_address_behind_our_proxies_is_the_client_s(mentee, settings):
    settings.MENTORA_PROXY_COUNT = 1
    laptop = signed_in(mentee, FIREFOX_WINDOWS, "10.0.0.2")

    laptop.get(reverse("profile_edit"), HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50")

    assert UserSession.objects.get(user=mentee).ip == "203.0.113.50"


def test_the_worker_clears_expired_sessions_and_the_rows_they_leave(mentee, mentor):
    live = f.signed_in_session(mentee, ip="198.51.100.7")
    expired = f.signed_in_session(mentee, ip="198.51.100.8")
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    signed_out = f.signed_in_session(mentor, ip="203.0.113.5")
    Session.objects.filter(session_key=signed_out.session_key).delete()

    removed = sessions_clear_expired(now=timezone.now())

    assert removed == 2
    assert list(UserSession.objects.values_list("pk", flat=True)) == [live.pk]
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


# ---------------------------------------------------------------------------
# Django admin: read-only, searchable by the person, never the session key.


@pytest.fixture
def root(db):
    superuser = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(superuser)
    return browser


def test_the_admin_lists_sessions_by_person_without_their_keys(root, mentee, mentor):
    theirs = f.signed_in_session(mentee, ip="198.51.100.7")
    f.signed_in_session(mentor, ip="203.0.113.5")
    changelist = reverse("admin:usersessions_usersession_changelist")

    found = root.get(changelist, {"q": "mia"})
    page = root.get(reverse("admin:usersessions_usersession_change", args=[theirs.pk]))

    assert found.status_code == 200
    assert "198.51.100.7" in found.text and "203.0.113.5" not in found.text
    assert root.get(changelist, {"q": "203.0.113.5"}).text.count("203.0.113.5") >= 1
    assert page.status_code == 200 and theirs.session_key not in page.text
    assert root.get(reverse("admin:usersessions_usersession_add")).status_code == 403
    assert root.post(page.request["PATH_INFO"], {"ip": "1.2.3.4"}).status_code == 403
    delete = reverse("admin:usersessions_usersession_delete", args=[theirs.pk])
    assert root.post(delete, {"post": "yes"}).status_code == 403
    assert UserSession.objects.filter(pk=theirs.pk, ip="198.51.100.7").exists()
