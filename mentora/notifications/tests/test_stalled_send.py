"""An email whose worker died mid-send: sent again, with the same Message-ID,
once the timeout has passed; never twice at once; given up, visibly, after the
last attempt. (The same with a real worker process and a real SMTP server is
test_killed_worker_mail.py.)"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.mail.message import EmailMessage
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from mentora.notifications import delivery
from mentora.notifications.models import (
    Channel,
    Choice,
    Delivery,
    DeliveryStatus,
    Kind,
    NotificationPreference,
)
from mentora.notifications.tasks import deliver_event
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW

from .backends import WorkerKilled

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
KILLED = "mentora.notifications.tests.test_stalled_send.KilledMidSendBackend"
REFUSES = "mentora.notifications.tests.backends.RefusesBackend"


class KilledMidSendBackend(EmailBackend):
    """The worker dies while the server holds the message but before it has
    answered: the server may deliver it (it is in `cut_short`) or not."""

    cut_short: list[EmailMessage] = []

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        KilledMidSendBackend.cut_short.append(messages[0])
        raise WorkerKilled("killed during DATA")


@pytest.fixture
def held(mentorship):
    """A session that ended an hour ago: both are asked to reflect."""
    return f.SessionFactory(
        mentorship=mentorship, starts_at=NOW - timedelta(hours=2), status=SessionStatus.HELD
    )


@pytest.fixture
def cut_short(clock, held, settings, outbox):
    """The first email of a task whose worker was killed during its send."""
    KilledMidSendBackend.cut_short = []
    settings.EMAIL_BACKEND = KILLED
    with pytest.raises(WorkerKilled):
        deliver_event.call("reflection_request", held.pk, {})
    settings.EMAIL_BACKEND = LOCMEM
    [email] = KilledMidSendBackend.cut_short
    return email


def _unfolded(header: object) -> str:
    return " ".join(str(header).split())


def _row(email: EmailMessage) -> Delivery:
    return Delivery.objects.get(recipient__email=email.to[0], channel=Channel.EMAIL)


def test_every_email_carries_the_message_id_of_its_delivery(clock, held, outbox, mentor):
    deliver_event.call("reflection_request", held.pk, {})

    [email] = [m for m in outbox if m.to == [mentor.email]]
    row = Delivery.objects.get(recipient=mentor, channel=Channel.EMAIL)
    assert row.message_id.startswith("<") and row.message_id.endswith("@127.0.0.1>")
    assert email.message()["Message-ID"] == row.message_id
    assert (row.status, row.attempts, row.stalled_retries) == (DeliveryStatus.SENT, 1, 0)
    assert bytes(row.composed) == b""  # kept only while a send may need repeating


def test_a_send_cut_short_waits_for_the_timeout_then_goes_again_as_the_same_email(
    clock, cut_short, outbox
):
    row = _row(cut_short)
    assert row.status == DeliveryStatus.SENDING
    assert row.claimed_at == NOW

    clock.move_to(NOW + timedelta(minutes=9, seconds=59))
    assert delivery.resend_stalled(now=timezone.now()) == 0
    assert outbox == []

    clock.move_to(NOW + timedelta(minutes=10, seconds=1))
    assert delivery.resend_stalled(now=timezone.now()) == 1

    [again] = outbox
    first, second = cut_short.message(), again.message()
    for header in ("Message-ID", "Date", "Subject", "To", "From", "List-Unsubscribe"):
        assert _unfolded(second[header]) == _unfolded(first[header]), header
    assert second["Message-ID"] == row.message_id
    assert second.as_bytes(linesep="\r\n") == first.as_bytes(linesep="\r\n")  # as on the wire
    assert again.subject == cut_short.subject
    row.refresh_from_db()
    assert (row.status, row.attempts, row.stalled_retries) == (DeliveryStatus.SENT, 2, 1)
    assert row.sent_at == NOW + timedelta(minutes=10, seconds=1)

    # Sent now: the next run has nothing to do.
    clock.move_to(NOW + timedelta(hours=1))
    assert delivery.resend_stalled(now=timezone.now()) == 0
    assert len(outbox) == 1


def test_the_timeout_is_a_setting(clock, cut_short, outbox, settings):
    settings.MENTORA_MAIL_SENDING_TIMEOUT = 3600
    clock.move_to(NOW + timedelta(minutes=30))
    assert delivery.resend_stalled(now=timezone.now()) == 0
    clock.move_to(NOW + timedelta(minutes=61))
    assert delivery.resend_stalled(now=timezone.now()) == 1


def test_a_second_worker_that_saw_the_same_stalled_row_sends_nothing(clock, cut_short, outbox):
    row = _row(cut_short)
    clock.move_to(NOW + timedelta(minutes=11))
    # Both workers read the row as stalled; the first claims it.
    assert delivery._resend(row.pk, row.claimed_at, timezone.now()) == 1
    assert delivery._resend(row.pk, row.claimed_at, timezone.now()) == 0
    assert len(outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 2)


def test_a_resend_the_server_refuses_stays_sending_with_its_error_and_goes_again_later(
    clock, cut_short, outbox, settings
):
    settings.EMAIL_BACKEND = REFUSES
    clock.move_to(NOW + timedelta(minutes=11))
    assert delivery.resend_stalled(now=timezone.now()) == 0
    row = _row(cut_short)
    assert row.status == DeliveryStatus.SENDING
    assert "SMTPServerDisconnected" in row.error
    assert row.claimed_at == NOW + timedelta(minutes=11)

    settings.EMAIL_BACKEND = LOCMEM
    clock.move_to(NOW + timedelta(minutes=15))
    assert delivery.resend_stalled(now=timezone.now()) == 0  # its new claim is recent
    clock.move_to(NOW + timedelta(minutes=22))
    assert delivery.resend_stalled(now=timezone.now()) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.stalled_retries) == (DeliveryStatus.SENT, 3, 2)
    assert outbox[0].message()["Message-ID"] == row.message_id


def test_a_send_that_keeps_stalling_is_given_up_and_shown_failed(
    clock, cut_short, outbox, settings, client, caplog
):
    settings.MENTORA_TASK_MAX_ATTEMPTS = 3
    settings.EMAIL_BACKEND = KILLED
    for minutes in (11, 22):  # the resending worker dies too, twice
        clock.move_to(NOW + timedelta(minutes=minutes))
        with pytest.raises(WorkerKilled):
            delivery.resend_stalled(now=timezone.now())
    row = _row(cut_short)
    assert (row.status, row.attempts) == (DeliveryStatus.SENDING, 3)
    assert {m.extra_headers["Message-ID"] for m in KilledMidSendBackend.cut_short} == {
        row.message_id
    }

    clock.move_to(NOW + timedelta(minutes=33))
    assert delivery.resend_stalled(now=timezone.now()) == 0
    row.refresh_from_db()
    assert (row.status, row.attempts, row.stalled_retries) == (DeliveryStatus.FAILED, 3, 2)
    assert row.error == "Not sent: the send stalled or failed in each of 3 attempts."
    assert any(r.levelname == "ERROR" and row.error in r.getMessage() for r in caplog.records)

    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    listing = client.get(
        reverse("admin:notifications_delivery_changelist"), {"stalled": "yes", "status": "failed"}
    )
    assert listing.status_code == 200
    assert row.message_id.strip("<>") in listing.content.decode()


def test_a_row_left_sending_without_a_kept_email_is_marked_failed_with_the_reason(
    clock, cut_short, outbox
):
    """Rows claimed before deliveries kept their email (the migration gives
    them their creation as claim time)."""
    row = _row(cut_short)
    Delivery.objects.filter(pk=row.pk).update(composed=b"")
    clock.move_to(NOW + timedelta(minutes=11))
    assert delivery.resend_stalled(now=timezone.now()) == 0
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED
    assert "was not kept" in row.error
    assert outbox == []


def test_a_digest_cut_short_is_sent_again_with_its_message_id(
    clock, held, mentee, settings, outbox
):
    NotificationPreference.objects.create(
        user=mentee, kind=Kind.AFTER_SESSION, choice=Choice.DIGEST
    )
    deliver_event.call("reflection_request", held.pk, {})
    mail.outbox.clear()
    KilledMidSendBackend.cut_short = []
    settings.EMAIL_BACKEND = KILLED
    with pytest.raises(WorkerKilled):
        delivery.digest_send(mentee, day="2027-01-04", now=NOW)
    settings.EMAIL_BACKEND = LOCMEM
    digest = Delivery.objects.get(recipient=mentee, key="digest:2027-01-04")
    assert digest.status == DeliveryStatus.SENDING

    # The digest task run again finds its row and sends nothing...
    assert delivery.digest_send(mentee, day="2027-01-04", now=NOW) == 0
    # ...the stalled-send job sends it after the timeout.
    clock.move_to(NOW + timedelta(minutes=11))
    assert delivery.resend_stalled(now=timezone.now()) == 1

    [again] = outbox
    assert again.subject == "[Mentora] Your day in Mentora: 1 message"
    assert again.message()["Message-ID"] == digest.message_id
    assert KilledMidSendBackend.cut_short[0].extra_headers["Message-ID"] == digest.message_id
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == (DeliveryStatus.SENT, 2)


def test_the_delivery_admin_is_read_only_and_filters_stalled_retries(
    clock, cut_short, outbox, client
):
    clock.move_to(NOW + timedelta(minutes=11))
    delivery.resend_stalled(now=timezone.now())
    retried = _row(cut_short)
    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:notifications_delivery_changelist")

    response = client.get(changelist, {"stalled": "yes"})
    assert list(response.context["cl"].result_list) == [retried]
    page = response.content.decode()
    assert retried.message_id.strip("<>") in page
    assert "retried after a stalled send" in page
    others = client.get(changelist, {"stalled": "no"}).context["cl"].result_list
    assert retried not in others and len(others) == Delivery.objects.count() - 1

    change = reverse("admin:notifications_delivery_change", args=[retried.pk])
    assert client.get(change).status_code == 200
    before = Delivery.objects.get(pk=retried.pk)
    assert client.post(change, {"status": "failed"}).status_code == 403
    assert client.get(reverse("admin:notifications_delivery_add")).status_code == 403
    assert Delivery.objects.get(pk=retried.pk).status == before.status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_workers_retrying_the_same_stalled_email_at_once_send_it_once(mentorship, settings):
    """Against real PostgreSQL: the conditional UPDATE, not luck, picks one."""
    session = f.SessionFactory(
        mentorship=mentorship,
        starts_at=timezone.now() - timedelta(hours=2),
        status=SessionStatus.HELD,
    )
    KilledMidSendBackend.cut_short = []
    settings.EMAIL_BACKEND = KILLED
    with pytest.raises(WorkerKilled):
        deliver_event.call("reflection_request", session.pk, {})
    settings.EMAIL_BACKEND = LOCMEM
    mail.outbox = []
    later = timezone.now() + timedelta(minutes=11)

    barrier = threading.Barrier(6, timeout=20)
    sent: list[int] = []
    errors: list[BaseException] = []

    def retry() -> None:
        try:
            barrier.wait()
            sent.append(delivery.resend_stalled(now=later))
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(sent) == 1
    assert len(mail.outbox) == 1
    row = Delivery.objects.get(status=DeliveryStatus.SENT, channel=Channel.EMAIL)
    assert (row.attempts, row.stalled_retries) == (2, 1)
    assert mail.outbox[0].message()["Message-ID"] == row.message_id
