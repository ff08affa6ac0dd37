"""Account emails go out through the worker, never inside the request.

Invitations, password resets, email confirmations, second-factor resets and
every other allauth email are rendered where they are asked for (the request
knows the language, the site and the links), then queued with
`account_email_queue` and sent by `mentora_worker`:

- The queued task holds the email as plain values (subject, body, HTML part,
  addresses, headers), with a Message-ID fixed when it is queued. Queued inside
  the caller's transaction, it exists only if what asked for it was committed.
- An SMTP failure fails the task; it is retried with growing delays
  (mentora.worker.retry; the prefix is declared retry-safe in accounts/jobs.py).
  A worker killed mid-send is recovered the same way, so an email goes out at
  least once: a rare repeat carries the same Message-ID and is collapsed by the
  mail client, as notifications' stalled sends are.
- The email carries secrets (a set-password or reset link). Once sent, or
  given up on after the last attempt, the task's stored arguments are cut down
  to the addresses and subject, so the link is kept no longer than needed.
- They go ahead of the notification queue (a higher priority): someone is
  waiting on the page for the reset link, while a cohort publish may have
  queued thousands of notices.
"""

from __future__ import annotations

import logging
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django_tasks import TaskContext, task
from django_tasks_db.models import DBTaskResult

from mentora.worker.retry import max_attempts

logger = logging.getLogger(__name__)

PRIORITY = 50  # django-tasks runs higher first; notifications are at 0
SENT = "sent"


def account_email_queue(message: EmailMessage) -> None:
    """Queue a rendered email for the worker to send (see the module's notes)."""
    if message.attachments:
        raise ValueError("Account emails carry no attachments.")
    account_email_send.enqueue(_payload(message))


def _payload(message: EmailMessage) -> dict[str, Any]:
    headers = dict(message.extra_headers)
    headers.setdefault("Message-ID", _message_id())
    alternatives = getattr(message, "alternatives", [])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "content_subtype": message.content_subtype,
        "alternatives": [[str(content), str(mimetype)] for content, mimetype in alternatives],
        "from_email": str(message.from_email),
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": headers,
    }


def _message_id() -> str:
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname or str(DNS_NAME))


def _message(email: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email["subject"],
        body=email["body"],
        from_email=email["from_email"],
        to=email["to"],
        cc=email["cc"],
        bcc=email["bcc"],
        reply_to=email["reply_to"],
        headers=email["headers"],
    )
    message.content_subtype = email["content_subtype"]
    for content, mimetype in email["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


@task(priority=PRIORITY, takes_context=True)
def account_email_send(context: TaskContext, email: dict[str, Any]) -> int:
    """Send one queued account email; returns the number sent (0 if it was
    sent already and only its trace is left)."""
    if "body" not in email:  # sent or given up on already: only its trace is left
        return 0
    try:
        _message(email).send()
    except Exception:
        if context.attempt >= max_attempts():
            logger.error("Account email to %s not sent in %d tries", email["to"], context.attempt)
            _forget(context, email, sent=False)
        raise
    _forget(context, email, sent=True)
    return 1


def _forget(context: TaskContext, email: dict[str, Any], *, sent: bool) -> None:
    """Keep only what the admin's task list needs to tell the emails apart."""
    trace = {"to": email["to"], "subject": email["subject"], SENT: sent}
    DBTaskResult.objects.filter(id=context.task_result.id).update(
        args_kwargs={"args": [trace], "kwargs": {}}
    )
