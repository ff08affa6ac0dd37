"""Inbox and preferences pages: the person's own messages only, junk input
answered without a 500, and a query count that doesn't grow."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.notifications.models import Choice, Kind, Notification, NotificationPreference
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = pytest.mark.django_db


def message(user, n=0, **kwargs):
    return Notification.objects.create(
        recipient=user,
        kind=kwargs.pop("kind", Kind.REMINDERS),
        key=f"test:{user.pk}:{n}:{Notification.objects.count()}",
        title=kwargs.pop("title", f"Reminder number {n}"),
        body="Your session is tomorrow.",
        url="/p/bootcamp/",
        created_at=timezone.now(),
        **kwargs,
    )


def test_inbox_lists_my_messages_with_the_unread_count(client, mentee, other_mentee):
    message(mentee, title="Session booked with Mo")
    message(other_mentee, title="Otto's private message")
    client.force_login(mentee)

    page = client.get(reverse("inbox")).content.decode()

    assert "Session booked with Mo" in page
    assert "Otto's private message" not in page
    assert 'id="unread-count">1<' in page


def test_mark_read_clears_the_count(client, mentee):
    item = message(mentee)
    client.force_login(mentee)

    response = client.post(reverse("inbox_mark_read", args=[item.pk]))

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.read_at is not None
    assert "unread-count" not in client.get(reverse("inbox")).content.decode()


def test_open_marks_read_and_goes_to_the_page(client, mentee):
    item = message(mentee)
    client.force_login(mentee)

    response = client.post(reverse("inbox_mark_read", args=[item.pk]), {"open": "1"})

    assert response["Location"] == "/p/bootcamp/"
    item.refresh_from_db()
    assert not item.is_unread


def test_open_never_redirects_off_site(client, mentee):
    item = message(mentee)
    Notification.objects.filter(pk=item.pk).update(url="https://evil.example/")
    client.force_login(mentee)

    response = client.post(reverse("inbox_mark_read", args=[item.pk]), {"open": "1"})

    assert response["Location"] == reverse("inbox")


def test_mark_all_read(client, mentee, other_mentee):
    for n in range(3):
        message(mentee, n)
    theirs = message(other_mentee)
    client.force_login(mentee)

    client.post(reverse("inbox_mark_all_read"))

    assert not Notification.objects.filter(recipient=mentee, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.is_unread


def test_an_outsider_cannot_mark_someone_elses_message(client, mentee, outsider):
    item = message(mentee)
    client.force_login(outsider)

    assert client.post(reverse("inbox_mark_read", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert item.is_unread
    assert "Reminder number" not in client.get(reverse("inbox")).content.decode()


def test_pages_need_a_login(client, mentee):
    item = message(mentee)
    for url in (
        reverse("inbox"),
        reverse("notification_preferences"),
    ):
        assert client.get(url).status_code == 302
    assert client.post(reverse("inbox_mark_read", args=[item.pk])).status_code == 302
    item.refresh_from_db()
    assert item.is_unread


def test_junk_input_gets_no_500(client, mentee):
    client.force_login(mentee)
    junk = {"show": "\u0001", "open": "x'--", "reminders": "<script>", "concerns": "off"}
    assert client.get(reverse("inbox"), junk).status_code == 200
    # A NUL anywhere is refused for the whole request (mentora.inputs.RefuseNulMiddleware).
    assert client.get(reverse("inbox"), {"show": "\u0000"}).status_code == 400
    assert client.post(reverse("inbox_mark_read", args=[999999]), junk).status_code == 404
    assert client.get(reverse("inbox_mark_read", args=[1])).status_code == 405
    assert client.post(reverse("inbox_mark_all_read"), junk).status_code == 302
    assert client.post(reverse("notification_preferences"), junk).status_code == 200
    assert client.get("/inbox/-1/read/").status_code == 404


def test_preferences_are_saved(client, mentee):
    client.force_login(mentee)
    data = {k.value: Choice.EMAIL.value for k in Kind}
    data.update(after_session="digest", mentor_requests="off", reminders="inbox")

    response = client.post(reverse("notification_preferences"), data)

    assert response.status_code == 302
    saved = dict(NotificationPreference.objects.filter(user=mentee).values_list("kind", "choice"))
    assert saved["after_session"] == "digest"
    assert saved["mentor_requests"] == "off"
    assert saved["reminders"] == "inbox"
    page = client.get(reverse("notification_preferences")).content.decode()
    assert "Always by email and inbox" in page


def test_preferences_keep_must_send_kinds_on(client, mentee):
    client.force_login(mentee)
    data = {k.value: Choice.EMAIL.value for k in Kind}
    data.update(session_cancelled="off", concerns="off", reminders="inbox")

    response = client.post(reverse("notification_preferences"), data)

    # The must-send choices are fixed fields: what was posted for them is ignored.
    assert response.status_code == 302
    saved = dict(NotificationPreference.objects.filter(user=mentee).values_list("kind", "choice"))
    assert "session_cancelled" not in saved and "concerns" not in saved
    assert saved["reminders"] == "inbox"


def test_preferences_refuse_a_digest_of_reminders(client, mentee):
    client.force_login(mentee)
    data = {k.value: Choice.EMAIL.value for k in Kind}
    data.update(reminders="digest", after_session="off")

    response = client.post(reverse("notification_preferences"), data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=mentee).exists()


def test_inbox_queries_dont_grow_with_messages(client, mentee, program):
    client.force_login(mentee)

    def grow(n):
        for i in range(n):
            message(mentee, i, program=program)

    few, many = count_queries_before_and_after(client, reverse("inbox"), grow=grow)
    assert few == many


def test_only_staff_are_offered_caseload_alerts(client, mentee, success_manager):
    client.force_login(mentee)
    assert (
        "Alerts about my caseload"
        not in client.get(reverse("notification_preferences")).content.decode()
    )
    client.force_login(success_manager)
    assert (
        "Alerts about my caseload"
        in client.get(reverse("notification_preferences")).content.decode()
    )
