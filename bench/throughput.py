"""Requests a second on the main pages, served by gunicorn with 2 workers.

The program is the insights benchmark's (bench/insights.py: 2,000 mentees, 400
mentors, 100,000 sessions with agendas, reflections, action items, concerns and
pulses; kept between runs). Its people are signed in by real sessions (a row in
the session table, its cookie sent with each request). gunicorn serves
bench.throughput_app (Mentora plus one trivial signed-in page, the baseline) on a
free port; CONNECTIONS client threads, each on its own connection, ask for one
page for DURATION_S seconds, then the next page.

Printed for each page: requests a second, the median and p95 latency as the
client sees them (with 8 connections on 2 workers a request mostly waits for a
worker: latency is about 4 times the server time), its query count (one request
through Django's test client), and its throughput as a share of the baseline's.
Measure on PostgreSQL (DATABASE_URL); the machine's load average is printed with
the figures, since other work on the machine takes cores from the server.

Set BENCH_THROUGHPUT_SECONDS to drive each page for another time than 10 s.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import time as clock_time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench import insights
from bench.report import Result, p95
from mentora.accounts.models import User
from mentora.programs.models import Membership, Mentorship, Program, Role
from mentora.scheduling.models import Session, SessionStatus, WeeklyHours

REPO = Path(__file__).resolve().parent.parent
WORKERS = 2
CONNECTIONS = 8
DURATION_S = float(os.environ.get("BENCH_THROUGHPUT_SECONDS", "10"))
# What a person waits for a main page under this load (8 waiting on 2 workers).
TARGET_P95_MS = 250.0
PING = "/bench/ping/"


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    user: User


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _people(program: Program) -> dict[str, User]:
    pair = (
        Mentorship.objects.live()
        .filter(program=program)
        .select_related("mentor", "mentee")
        .order_by("pk")
        .first()
    )
    assert pair is not None, "the insights program has no live mentorship"
    manager = (
        User.objects.filter(memberships__program=program, memberships__role=Role.SUCCESS_MANAGER)
        .order_by("pk")
        .first()
    )
    assert manager is not None
    # Weekly hours for the mentor, so the slot picker has times to offer.
    for weekday in range(1, 6):
        WeeklyHours.objects.get_or_create(
            mentor=pair.mentor,
            weekday=weekday,
            start_time=clock_time(9),
            defaults={"end_time": clock_time(17)},
        )
    return {
        "mentee": pair.mentee,
        "mentor": pair.mentor,
        "manager": manager,
        "admin": insights._admin(program),
    }


def _pages(program: Program, people: dict[str, User]) -> list[Page]:
    slug = program.slug
    pair = Mentorship.objects.live().get(program=program, mentee=people["mentee"])
    session = (
        Session.objects.filter(
            mentorship=pair, status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now()
        )
        .order_by("starts_at")
        .first()
    ) or Session.objects.filter(mentorship=pair).order_by("-starts_at").first()
    assert session is not None
    mentee, mentor = people["mentee"], people["mentor"]
    manager, admin = people["manager"], people["admin"]
    home = reverse("program_home", args=[slug])
    return [
        Page("baseline: trivial signed-in view", PING, mentee),
        Page("mentee home", home, mentee),
        Page("mentor home", home, mentor),
        Page("slot picker", reverse("session_book", args=[slug, pair.pk]), mentee),
        Page("session page", reverse("session_detail", args=[slug, session.pk]), mentee),
        Page("caseload (500 mentees)", reverse("caseload", args=[slug]), manager),
        Page("mentor directory", reverse("mentor_directory", args=[slug]), mentee),
        Page("insights", reverse("insights", args=[slug]), admin),
        Page("program people", reverse("program_people", args=[slug]), admin),
    ]


def _signed_in(user: User) -> tuple[Client, str]:
    """A test client signed in as `user`, and its session cookie for the server."""
    client = insights._logged_in(user)
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def _queries(client: Client, url: str) -> tuple[int, int]:
    """(status, queries) of one request through the test client, after a warm one."""
    if url == PING:  # not in the product's URLs: the server's own page
        return 200, 2  # the session and the user
    client.get(url)
    statements: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    return response.status_code, len(statements)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """gunicorn on `port`, with `env` added to this process's environment."""
    gunicorn = REPO / ".venv" / "bin" / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "bench.throughput_app:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(REPO)},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited at start") from None
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def _drive(
    port: int,
    url: str,
    cookie: str,
    seconds: float,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: Callable[[], tuple[bytes, dict[str, str]] | None] | None = None,
    ok: Collection[int] = (200,),
) -> Load:
    """CONNECTIONS threads asking for `url` for `seconds`, each on its own connection
    (reopened when the server closes it: gunicorn's sync workers close each one).

    `cookie` (when not empty) signs the requests in, `headers` are sent with each;
    `body`, when given, is called before each request for its body and its own
    headers, and None from it stops that thread (no more work). A status in `ok`
    counts as a success, any other as an error."""
    common = {"Host": "127.0.0.1", **(headers or {})}
    if cookie:
        common["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    latencies: list[list[float]] = [[] for _ in range(CONNECTIONS)]
    errors = [0] * CONNECTIONS
    stop_at = time.perf_counter() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop_at:
            payload: bytes | None = None
            sent = common
            if body is not None:
                job = body()
                if job is None:
                    break
                payload, own = job
                sent = {**common, **own}
            started = time.perf_counter()
            try:
                conn.request(method, url, body=payload, headers=sent)
                response = conn.getresponse()
                response.read()
                good = response.status in ok
            except (OSError, http.client.HTTPException):
                conn.close()
                good = False
            if good:
                latencies[i].append((time.perf_counter() - started) * 1000)
            else:
                errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONNECTIONS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [ms for per in latencies for ms in per]
    return Load(len(flat), elapsed, flat, sum(errors))


def run() -> list[Result]:
    program = insights.build(timezone.now())
    people = _people(program)
    pages = _pages(program, people)
    signed_in = {user.pk: _signed_in(user) for user in people.values()}
    counts = {p.name: _queries(signed_in[p.user.pk][0], p.url) for p in pages}
    members = Membership.objects.filter(program=program).count()
    # The server opens its own database connections: let go of ours.
    connection.close()
    port = _free_port()
    load_before = os.getloadavg()
    server = _serve(port)
    loads: dict[str, Load] = {}
    try:
        for page in pages:
            cookie = signed_in[page.user.pk][1]
            _drive(port, page.url, cookie, min(2.0, DURATION_S))  # warm both workers
            loads[page.name] = _drive(port, page.url, cookie, DURATION_S)
            print(
                f"  {page.name}: {loads[page.name].per_second:.1f} req/s",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    load_after = os.getloadavg()
    baseline = loads[pages[0].name].per_second or 1.0
    results = []
    for page in pages:
        got = loads[page.name]
        status, queries = counts[page.name]
        timings = got.latencies_ms or [float("inf")]
        results.append(
            Result(
                name=f"throughput, {page.name}",
                timings_ms=timings,
                target_ms=TARGET_P95_MS,
                judged_by="p95",
                note=(
                    f"{got.per_second:.1f} req/s ({got.per_second / baseline:.0%} of the "
                    f"baseline), p50 {statistics.median(timings):.0f} ms, "
                    f"p95 {p95(timings):.0f} ms, {queries} queries"
                    + (f" (test client status {status})" if status != 200 else "")
                    + (f", {got.errors} errors" if got.errors else "")
                ),
            )
        )
    print(
        f"  throughput: gunicorn {WORKERS} sync workers, {CONNECTIONS} connections, "
        f"{DURATION_S:g} s a page, {members:,} memberships; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after, on {os.cpu_count()} cores",
        flush=True,
    )
    return results
