"""Email backends that misbehave on purpose, for the reliability tests."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.mail.message import EmailMessage


class WorkerKilled(BaseException):
    """Stands for the process being killed: nothing in the task can catch it."""


class DiesAfterFirstBackend(EmailBackend):
    """The mail server accepts the first message, then the worker dies."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        sent = super().send_messages(messages)
        raise WorkerKilled(f"killed after {sent} message(s)")


class RefusesBackend(EmailBackend):
    """A mail server that is down."""

    failures = 0

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        RefusesBackend.failures += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def outbox() -> list[Any]:
    return list(getattr(mail, "outbox", []))
