"""Through a real SMTP server on localhost (aiosmtpd, started here): what
arrives is a multipart email with plain text, HTML and the calendar invite."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import Message as MimeMessage

import pytest
from aiosmtpd.controller import Controller

from mentora.notifications.tasks import enqueue
from mentora.scheduling.booking import services

from .test_session_life import WEDNESDAY

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.received.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)  # type: ignore[attr-defined]
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server(settings) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=_free_port(), server_hostname="localhost"
    )
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


def parts(message: MimeMessage) -> dict[str, MimeMessage]:
    return {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}


def test_a_booking_notice_arrives_through_smtp_with_its_invite(
    clock, smtp_server, mentorship, mentee, mentor, open_all_week, worker
):
    session = services.session_book(mentorship=mentorship, starts_at=WEDNESDAY, by=mentee)
    enqueue("session_booked", session.pk, {"sequence": session.sequence, "by_id": mentee.pk})
    worker()

    [(sender, recipients, raw)] = smtp_server.received
    assert sender == "mentora@localhost"
    assert recipients == [mentor.email]
    message = email.message_from_bytes(raw)
    assert message["To"] == mentor.email
    assert message["Subject"].startswith("[Mentora] Session booked with Mia Mentee")
    assert "/accounts/notifications/" in message["List-Unsubscribe"]
    found = parts(message)
    assert set(found) == {"text/plain", "text/html", "text/calendar"}
    text = found["text/plain"].get_payload(decode=True).decode()
    assert "10:00 EST (America/New_York)" in text
    invite = found["text/calendar"]
    assert invite.get_filename() == "invite.ics"
    assert invite.get_param("method") == "REQUEST"
    ics = invite.get_payload(decode=True).decode()
    assert "METHOD:REQUEST" in ics
    assert f"UID:{session.uid}@mentora" in ics
    assert "DTSTART:20270106T150000Z" in ics
