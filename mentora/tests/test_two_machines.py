"""Two machines (issue #18): two web servers (gunicorn) and two workers
(`manage.py mentora_worker`), started here as processes of their own, on one
PostgreSQL database, with uploads on an S3 server (moto's), the cache on Redis
and mail through a real SMTP server (aiosmtpd) that counts what arrives.

Through the real pages, with sessions signed in through the login form:
- a time booked on server A is refused on server B to the next mentee;
- a file uploaded on A is downloaded from B (the bytes are in the bucket);
- a session signed in on A is signed in on B (sessions are in the database);
- every reminder due is delivered exactly once, though both workers run the
  periodic look-ahead and both take tasks from the queue.

The processes share the pytest test database (transaction=True, so what this
test writes is committed and they see it). PostgreSQL only: SQLite is one file
on one machine, which is not what this shows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentora_two \
        .venv/bin/pytest -p no:cacheprovider -s mentora/tests/test_two_machines.py
"""

from __future__ import annotations

import email
import html
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import time as hour
from datetime import timedelta
from email.header import decode_header, make_header
from pathlib import Path

import boto3
import pytest
import requests
from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mentora.accounts.models import User
from mentora.mentoring.models import AgendaFile
from mentora.notifications.models import Channel, Delivery, DeliveryStatus
from mentora.programs.models import Program, Role
from mentora.scheduling.models import Session
from mentora.tests import factories as f
from mentora.tests.factories import TEST_PASSWORD
from mentora.tests.test_object_storage import KEYS, PDF, s3_server  # noqa: F401  (fixture)
from mentora.tests.test_redis_cache import REDIS_URL, _redis_up
from mentora.worker.models import PeriodicRun

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379 (CI starts one)"),
]

BASE_DIR = Path(settings.BASE_DIR)
BUCKET = "two-machines"
PAIRS = 6  # mentorships with a reminder due during the test
STARTUP = 40.0  # seconds a process may take to answer
DELIVERY = 40.0  # seconds the reminders may take to arrive
AGENDA_FIELDS = (
    *("goal", "goal_template", "mentorship_goal", "working_on", "next_days"),
    *("url", "title", "text", "tried", "topic", "link"),
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the mail server --------------------------------------------------------


@dataclass
class Inbox:
    received: list[tuple[list[str], str]] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        parsed = email.message_from_bytes(envelope.original_content)  # type: ignore[attr-defined]
        subject = str(make_header(decode_header(parsed.get("Subject", ""))))
        self.received.append((list(envelope.rcpt_tos), " ".join(subject.split())))  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every line
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


# --- the machines -----------------------------------------------------------


@pytest.fixture
def bucket(s3_server):  # noqa: F811  (the fixture imported above)
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **KEYS)
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _database_url() -> str:
    """The test database (test_<name>), which this test's writes are committed to."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


@pytest.fixture
def machine_env(transactional_db, s3_server, bucket, smtp, tmp_path) -> dict[str, str]:  # noqa: F811
    """What every web process and worker of the deployment is given (docs/operations.md)."""
    smtp_port, _inbox = smtp
    inherited = {
        k: v for k, v in os.environ.items() if not k.startswith(("MENTORA_", "DATABASE_URL"))
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "mentora.settings",
        "DATABASE_URL": _database_url(),
        "MENTORA_SECRET_KEY": "two-machines-" + uuid.uuid4().hex,
        "MENTORA_SECRETS_KEY": Fernet.generate_key().decode(),
        "MENTORA_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MENTORA_VAR_DIR": str(tmp_path / "var"),  # nothing shared goes here
        "MENTORA_S3_BUCKET": BUCKET,
        "MENTORA_S3_ENDPOINT_URL": s3_server,
        "MENTORA_S3_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
        "MENTORA_S3_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
        "MENTORA_S3_REGION": "us-east-1",
        "MENTORA_S3_PREFIX": "uploads",
        "MENTORA_REDIS_URL": REDIS_URL,
        "MENTORA_CACHE_PREFIX": "two-machines-" + uuid.uuid4().hex[:8],
        "MENTORA_EMAIL_HOST": "127.0.0.1",
        "MENTORA_EMAIL_PORT": str(smtp_port),
        "MENTORA_EMAIL_USE_TLS": "0",
    }


@dataclass
class Machines:
    web: list[str]
    processes: list[tuple[str, subprocess.Popen[bytes], Path]]

    def logs(self) -> str:
        return "\n".join(
            f"--- {name} ---\n{log.read_text(errors='replace')[-3000:]}"
            for name, _p, log in self.processes
        )


def _start(name: str, args: list[str], env: dict[str, str], logs: Path) -> tuple:
    log = logs / f"{name}.log"
    out = log.open("wb")
    process = subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    return name, process, log


def _wait_until(check: Callable[[], bool], timeout: float, what: str, machines: Machines) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        for name, process, _log in machines.processes:
            assert process.poll() is None, f"{name} stopped\n{machines.logs()}"
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout:.0f} s\n{machines.logs()}")


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def machines(machine_env, tmp_path) -> Iterator[Machines]:
    ports = [_free_port(), _free_port()]
    started = Machines(web=[f"http://127.0.0.1:{port}" for port in ports], processes=[])
    try:
        for letter, port in zip("ab", ports, strict=True):
            gunicorn = [sys.executable, "-m", "gunicorn", "mentora.wsgi"]
            options = ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"]
            started.processes.append(
                _start(f"web-{letter}", [*gunicorn, *options], machine_env, tmp_path)
            )
        for letter in "ab":
            worker = [
                sys.executable,
                "manage.py",
                "mentora_worker",
                "--worker-id",
                f"worker-{letter}",
            ]
            options = ["--tick", "1", "--interval", "0.2", "--no-startup-delay"]
            started.processes.append(
                _start(f"worker-{letter}", [*worker, *options], machine_env, tmp_path)
            )
        for base in started.web:
            _wait_until(
                lambda base=base: _answers(f"{base}/accounts/login/"),
                STARTUP,
                f"{base} did not answer",
                started,
            )
        yield started
    finally:
        for name, process, _log in started.processes:
            # gunicorn's quick shutdown; a worker finishes its task, then stops.
            process.send_signal(signal.SIGINT if name.startswith("web") else signal.SIGTERM)
        for _name, process, _log in started.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- the people -------------------------------------------------------------


def _passwords_for_other_processes(*users: User) -> None:
    """The test settings hash with MD5, which the servers don't accept; a
    PBKDF2 hash with few iterations they verify quickly (and upgrade on login)."""
    hashed = PBKDF2PasswordHasher().encode(TEST_PASSWORD, "twomachines", iterations=1000)
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=hashed)


def _token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, page[:2000]
    return found.group(1)


def _signed_in(base: str, user: User) -> requests.Session:
    browser = requests.Session()
    login = browser.get(f"{base}/accounts/login/", timeout=10)
    response = browser.post(
        f"{base}/accounts/login/",
        {"csrfmiddlewaretoken": _token(login.text), "login": user.email, "password": TEST_PASSWORD},
        allow_redirects=False,
        timeout=20,
    )
    assert response.status_code == 302, response.text[:2000]
    assert "/accounts/login/" not in response.headers["Location"]
    return browser


def _post(browser: requests.Session, url: str, data: dict, **kwargs) -> requests.Response:
    form = browser.get(url, timeout=10)
    assert form.status_code == 200, form.text[:2000]
    return browser.post(
        url,
        {"csrfmiddlewaretoken": _token(form.text), **data},
        allow_redirects=False,
        timeout=20,
        **kwargs,
    )


def _offered_times(page: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(r'name="starts_at" value="([^"]+)"', page)]


@pytest.fixture
def open_all_week(mentor):
    for weekday in range(7):
        f.WeeklyHoursFactory(mentor=mentor, weekday=weekday, start_time=hour(9), end_time=hour(21))


# --- the test ---------------------------------------------------------------


def test_two_web_servers_and_two_workers_on_one_database(
    machines, smtp, bucket, program, mentor, mentee, other_mentee, open_all_week
):
    _port, inbox = smtp
    a, b = machines.web
    _passwords_for_other_processes(mentor, mentee, other_mentee)
    mentorship = mentee.mentorships_as_mentee.get()
    other = other_mentee.mentorships_as_mentee.get()

    # A booking made on A is refused on B.
    on_a = _signed_in(a, mentee)
    book = reverse("session_book", args=[program.slug, mentorship.pk])
    picker = on_a.get(f"{a}{book}", params={"week": "1"}, timeout=20)
    starts_at = _offered_times(picker.text)[0]
    booked = _post(on_a, f"{a}{book}", {"starts_at": starts_at, "confirm": "1"})
    assert booked.status_code == 302, booked.text[:2000]
    session = Session.objects.get(mentorship=mentorship)

    on_b = _signed_in(b, other_mentee)
    book_other = reverse("session_book", args=[program.slug, other.pk])
    refused = _post(on_b, f"{b}{book_other}", {"starts_at": starts_at, "confirm": "1"})
    assert refused.status_code == 409
    assert "That time was just taken" in refused.text
    assert Session.objects.filter(mentor=mentor).count() == 1

    # The session signed in on A is signed in on B too.
    home = reverse("program_home", args=[program.slug])
    assert on_a.get(f"{b}{home}", allow_redirects=False, timeout=20).status_code == 200

    # A file uploaded on A is downloaded from B.
    agenda = reverse("agenda", args=[program.slug, session.pk])
    uploaded = _post(
        on_a,
        f"{a}{agenda}",
        {**dict.fromkeys(AGENDA_FIELDS, ""), "action": "file_add"},
        files={"upload": ("cv.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status_code == 302, uploaded.text[:2000]
    stored = AgendaFile.objects.get(agenda__session=session)
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [f"uploads/{stored.file.name}"]
    mentor_on_b = _signed_in(b, mentor)
    download = reverse("agenda_file", args=[program.slug, session.pk, stored.token])
    got = mentor_on_b.get(f"{b}{download}", timeout=20)
    assert got.status_code == 200
    assert got.content == PDF

    # Every reminder due is delivered once. Both workers run the look-ahead
    # every second and both take tasks; the first reminders fall due a few
    # seconds from now (the last ones, at the start, are not due in the test).
    Program.objects.filter(pk=program.pk).update(first_reminder_hours=1, second_reminder_hours=0)
    starts = timezone.now() + timedelta(hours=1, seconds=6)
    people = []
    for n in range(PAIRS):
        pair_mentor = f.UserFactory(email=f"mentor{n}@example.org", name=f"Mentor {n}")
        pair_mentee = f.UserFactory(email=f"mentee{n}@example.org", name=f"Mentee {n}")
        f.MembershipFactory(user=pair_mentor, program=program, role=Role.MENTOR)
        f.MembershipFactory(user=pair_mentee, program=program, role=Role.MENTEE)
        pair = f.MentorshipFactory(program=program, mentor=pair_mentor, mentee=pair_mentee)
        f.SessionFactory(mentorship=pair, starts_at=starts)
        people += [pair_mentor.email, pair_mentee.email]
    PeriodicRun.objects.update_or_create(
        name="reminders", defaults={"covered_until": timezone.now() - timedelta(hours=1)}
    )

    def reminders() -> Counter[str]:
        return Counter(
            to
            for recipients, subject in inbox.received
            if "session with" in subject
            for to in recipients
            if to in people
        )

    _wait_until(
        lambda: sum(reminders().values()) >= len(people),
        DELIVERY,
        "the reminders did not all arrive",
        machines,
    )
    time.sleep(2)  # a duplicate would arrive now
    assert reminders() == Counter(dict.fromkeys(people, 1))
    sent = Delivery.objects.filter(
        channel=Channel.EMAIL, key__startswith="reminder:", recipient__email__in=people
    )
    assert sent.filter(status=DeliveryStatus.SENT).count() == len(people) == sent.count()
    tasks = DBTaskResult.objects.filter(
        task_path="mentora.notifications.tasks.deliver_event",
        args_kwargs__args__0="session_reminder",
        args_kwargs__args__2__which="first",
    ).exclude(args_kwargs__args__1=session.pk)
    assert [t.status for t in tasks] == [TaskResultStatus.SUCCESSFUL] * PAIRS
    by_worker = Counter(t.worker_ids[-1] for t in tasks)
    print(f"\nreminder tasks run by: {dict(by_worker)}; emails: {sum(reminders().values())}")
