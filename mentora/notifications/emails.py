"""Email rendering: HTML and plain-text parts from templates, times in the
recipient's zone with its name, a link to the page and to the preferences."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mentora.notifications.messages import Message, absolute

if TYPE_CHECKING:
    from mentora.accounts.models import User
    from mentora.notifications.models import Notification

SUBJECT_PREFIX = "[Mentora] "


def preferences_url() -> str:
    return absolute(reverse("notification_preferences"))


def _build(
    *, user: User, subject: str, template: str, context: dict[str, object]
) -> EmailMultiAlternatives:
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
    email = EmailMultiAlternatives(
        subject=SUBJECT_PREFIX + subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"List-Unsubscribe": f"<{context['preferences_url']}>"},
    )
    email.attach_alternative(html, "text/html")
    return email


def message_email(message: Message) -> EmailMultiAlternatives:
    email = _build(
        user=message.recipient,
        subject=message.title,
        template="message",
        context={"message": message, "url": absolute(message.url)},
    )
    for attachment in message.attachments:
        email.attach(attachment.filename, attachment.content, attachment.mimetype)
    return email


def digest_email(user: User, items: Sequence[Notification]) -> EmailMultiAlternatives:
    count = len(items)
    return _build(
        user=user,
        subject=f"Your day in Mentora: {count} message{'s' if count != 1 else ''}",
        template="digest",
        context={"items": [(n, absolute(n.url)) for n in items]},
    )
