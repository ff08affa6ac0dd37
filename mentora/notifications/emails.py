"""Email rendering: HTML and plain-text parts from templates, times in the
recipient's zone with its name, a link to the page and to the preferences.

Every email carries the Message-ID its Delivery row was given when claimed and
is composed once (`ComposedEmail`); those bytes are kept on the row until it is
sent, so that a send cut short by a dead worker is repeated byte for byte
(`StoredEmail`) and the receiving mail client collapses the rare duplicate."""

from __future__ import annotations

import re
from collections.abc import Sequence
from email import message_from_bytes
from email.generator import BytesGenerator
from email.header import decode_header, make_header
from email.message import Message as MimeMessage
from email.utils import formatdate, getaddresses, make_msgid
from io import BytesIO
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from mentora.notifications.messages import Message, absolute

if TYPE_CHECKING:
    from mentora.accounts.models import User
    from mentora.notifications.models import Notification

SUBJECT_PREFIX = "[Mentora] "


def preferences_url() -> str:
    return absolute(reverse("notification_preferences"))


def new_message_id() -> str:
    """A Message-ID unique to one delivery, in the site's own domain."""
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname or str(DNS_NAME))


class ComposedEmail(EmailMultiAlternatives):
    """Composed into MIME once: the bytes kept for a repeat are the bytes sent
    (a second composition would draw new MIME boundaries)."""

    _composed: Any = None

    def message(self) -> Any:  # type: ignore[override]  # (the stubs are Django 6's)
        if self._composed is None:
            self._composed = super().message()
        return self._composed


def _build(
    *, user: User, subject: str, template: str, context: dict[str, object], message_id: str
) -> ComposedEmail:
    context = {
        **context,
        "recipient": user,
        "zone": user.time_zone or "UTC",
        "preferences_url": preferences_url(),
        "inbox_url": absolute(reverse("inbox")),
    }
    # Every time in the templates renders in the recipient's zone.
    with timezone.override(ZoneInfo(user.time_zone or "UTC")):
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    email = ComposedEmail(
        subject=SUBJECT_PREFIX + subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{context['preferences_url']}>",
            # Fixed here, not when sent, so that a repeated send is the same email.
            "Message-ID": message_id,
            "Date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
        },
    )
    email.attach_alternative(html, "text/html")
    return email


def message_email(message: Message, *, message_id: str) -> ComposedEmail:
    email = _build(
        user=message.recipient,
        subject=message.title,
        template="message",
        context={"message": message, "url": absolute(message.url)},
        message_id=message_id,
    )
    for attachment in message.attachments:
        email.attach(attachment.filename, attachment.content, attachment.mimetype)
    return email


def digest_email(user: User, items: Sequence[Notification], *, message_id: str) -> ComposedEmail:
    count = len(items)
    return _build(
        user=user,
        subject=ngettext(
            "Your day in Mentora: %(count)d message",
            "Your day in Mentora: %(count)d messages",
            count,
        )
        % {"count": count},
        template="digest",
        context={"items": [(n, absolute(n.url)) for n in items]},
        message_id=message_id,
    )


def composed(email: EmailMessage) -> bytes:
    """The email as it goes on the wire (headers, parts, attachments); call it
    after the last attachment is added."""
    return bytes(email.message().as_bytes())


class _Kept(MimeMessage):
    """A parsed message that serialises as Django's backends ask (with `linesep`)."""

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:  # type: ignore[override]
        out = BytesIO()
        BytesGenerator(out, mangle_from_=False).flatten(self, unixfrom=unixfrom, linesep=linesep)
        return out.getvalue()


def _unfold(header: str) -> str:
    """A header as one line again (RFC 5322 folding is a line break before a space)."""
    return re.sub(r"\r?\n(?=[ \t])", "", header)


class StoredEmail(EmailMessage):
    """An email sent again exactly as it was composed the first time: same
    Message-ID, same Date, same parts. Subject and addresses are read back from
    the stored headers so that the mail backend (and the test outbox) see them."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        headers = message_from_bytes(raw)
        super().__init__(
            subject=_unfold(str(make_header(decode_header(headers.get("Subject", ""))))),
            from_email=headers.get("From"),
            to=[address for _, address in getaddresses(headers.get_all("To", []))],
            headers={"Message-ID": headers.get("Message-ID", "")},
        )

    def message(self) -> _Kept:  # type: ignore[override]
        return cast(_Kept, message_from_bytes(self.raw, _class=_Kept))
