"""A real worker process killed (SIGKILL) while a real SMTP server on localhost
holds its email inside DATA: the delivery stays "sending"; after the timeout the
periodic job sends it again, with the Message-ID of the first attempt, and
nothing else is sent twice.

The worker is `manage.py mentora_worker` in a subprocess, so it needs a
database this process shares: PostgreSQL's test database as it is, or on SQLite
a file copy of the in-memory test database (see `shared_database`)."""

from __future__ import annotations

import asyncio
import email
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.db import connections
from django.utils import timezone

from mentora.notifications.models import Channel, Delivery, DeliveryStatus
from mentora.notifications.tasks import enqueue
from mentora.tests import factories as f
from mentora.worker.periodic import run_periodic

from .conftest import run_worker
from .test_smtp import Inbox, _free_port

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
WAIT = 90  # seconds: a worker's start on a busy machine


class StallingInbox(Inbox):
    """Holds the first message inside DATA (the client waits for the reply)
    until released; accepts every later one."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[bytes] = []
        self.inside_data = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if not self.held:
            self.held.append(envelope.original_content)  # type: ignore[attr-defined]
            self.inside_data.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Too late"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def stalling_smtp(settings) -> Iterator[StallingInbox]:
    inbox = StallingInbox()
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
        inbox.release.set()
        controller.stop()


@pytest.fixture
def shared_database(transactional_db, tmp_path) -> Iterator[str]:
    """A DATABASE_URL another process can open, for the test database."""
    connection = connections["default"]
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        yield (
            f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}"
            f"@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        return
    # SQLite's test database lives in this process's memory: copy it (migrated,
    # still empty) to a file and point this thread's connection at the file.
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    copy.close()
    shared = connection.__class__({**db, "NAME": str(path)}, alias="default")
    connections["default"] = shared
    try:
        yield f"sqlite:///{path}"
    finally:
        shared.close()
        connections["default"] = connection


def start_worker(database_url: str, smtp_port: int, var: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENTORA_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DATABASE_URL=database_url,
        MENTORA_VAR_DIR=str(var),
        MENTORA_EMAIL_HOST="127.0.0.1",
        MENTORA_EMAIL_PORT=str(smtp_port),
        MENTORA_EMAIL_USE_TLS="0",
        MENTORA_EMAIL_TIMEOUT="300",  # the kill, not a timeout, must end the send
    )
    command = [sys.executable, "manage.py", "mentora_worker", "--no-periodic"]
    command += ["--interval", "0.2", "--no-startup-delay", "--worker-id", "doomed"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def test_a_worker_killed_inside_data_leaves_sending_and_the_retry_sends_the_same_message_id(
    shared_database, stalling_smtp, settings, mentorship, mentor, mentee, tmp_path
):
    session = f.SessionFactory(mentorship=mentorship, starts_at=timezone.now() + timedelta(days=30))
    enqueue("session_booked", session.pk, {"sequence": session.sequence, "by_id": mentee.pk})

    worker = start_worker(shared_database, settings.EMAIL_PORT, tmp_path)
    try:
        if not stalling_smtp.inside_data.wait(WAIT):
            worker.kill()
            output = worker.communicate()[0].decode(errors="replace")
            pytest.fail(f"the worker never reached DATA:\n{output}")
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(30) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(30)

    [first] = stalling_smtp.held
    first_id = email.message_from_bytes(first)["Message-ID"]
    row = Delivery.objects.get(recipient=mentor, channel=Channel.EMAIL)
    assert row.status == DeliveryStatus.SENDING
    assert (row.message_id, row.attempts) == (first_id, 1)
    assert stalling_smtp.received == []

    # Past the timeout, a live worker's periodic jobs resend the email (and
    # re-queue the killed task, which finds the email sent and sends nothing).
    later = timezone.now() + timedelta(seconds=settings.MENTORA_MAIL_SENDING_TIMEOUT + 60)
    with time_machine.travel(later, tick=False):
        ran = run_periodic()
        run_worker("live")
    assert "stalled_emails" in ran

    to_mentor = [raw for _, rcpt, raw in stalling_smtp.received if rcpt == [mentor.email]]
    [again] = to_mentor
    resent = email.message_from_bytes(again)
    assert resent["Message-ID"] == first_id
    assert resent["Subject"] == email.message_from_bytes(first)["Subject"]
    assert "text/calendar" in {part.get_content_type() for part in resent.walk()}
    row.refresh_from_db()
    assert (row.status, row.attempts, row.stalled_retries) == (DeliveryStatus.SENT, 2, 1)
    assert row.message_id == first_id
