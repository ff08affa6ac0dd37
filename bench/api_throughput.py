"""Requests a second on the sessions API, served by gunicorn with 2 workers, as a
ratio of a trivial Django view's in the same run.

The program is the insights benchmark's (bench/insights.py: 2,000 mentees, 400
mentors, 100,000 sessions; kept between runs), served as bench/throughput.py
serves it: gunicorn with 2 sync workers runs bench.throughput_app, and
CONNECTIONS client threads, each on its own connection, drive one request for
DURATION_S seconds, then the next. Measured, in this order:

- the baseline: the trivial signed-in page (session, user, middleware only);
- GET /api/v1/programs/bench-insights/sessions, the first page of a mentee's
  sessions (about 50), with a personal access token (`Authorization: Bearer`);
- the same for a mentor (about 250 sessions with 5 mentees: the first page of 50).
  An admin isn't measured: the endpoint lists the caller's own sessions, so an
  admin's first page is empty (no one lists the whole program through it);
- POST /api/v1/programs/bench-insights/sessions, booking. Every request is a real
  booking through the real service (locks on mentor and mentee, every time rule,
  the exclusion constraint, the change log, the hooks and the notification and
  webhook tasks they queue), and only 201 counts: prepared beforehand is a queue
  of jobs, each a different mentee's token, their live mentorship and one of its
  open slots (queries.bookable_slots, what the slots endpoint answers), no two on
  one mentor's day; client threads take the next job until the time is up or the
  jobs run out. The mentors get weekly hours (Monday to Friday, 9 to 5) for it.
  Afterwards the booked sessions (and the notification tasks they queued), the
  tokens and the hours added are deleted, so a rerun starts from the same program.

The server's API rate limit (MENTORA_API_RATE_PER_MINUTE, 600 a caller) is raised
for the run: one token asking 8 at a time passes it within seconds, and what is
measured is serving, not refusing (the limit's cache round trip is still paid).

Printed for each: requests a second, p50 and p95 latency as the client sees them
(8 connections on 2 workers: a request mostly waits for a worker), its query
count (one request through Django's test client) and its throughput as a share of
the baseline's, the ratio that matters (absolute figures move with the machine's
other work: the load average before and after is printed). Each is judged
against a p95 target, as the pages are: 250 ms for the reads (what a client
waits for a page under this load), 500 ms for a booking (a write that locks,
checks and queues, still answered within half a second).

Set BENCH_THROUGHPUT_SECONDS to drive each for another time than 10 s.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time
from typing import Any

from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bench import insights, throughput
from bench.report import Result, p95
from mentora.accounts.models import User
from mentora.api.models import PersonalAccessToken
from mentora.api.tokens import token_create
from mentora.programs.models import Mentorship, Program
from mentora.scheduling import queries
from mentora.scheduling.models import Session, WeeklyHours

READ_TARGET_P95_MS = throughput.TARGET_P95_MS
BOOK_TARGET_P95_MS = 500.0
# Bookings to prepare: enough for the warm-up and DURATION_S at a few dozen a second.
JOBS = int(os.environ.get("BENCH_API_BOOKINGS", "1500"))
SLOT_WINDOW = (timedelta(days=2), timedelta(days=16))
RATE_PER_MINUTE = "1000000"
DELIVER_TASK = "mentora.notifications.tasks.deliver_event"


@dataclass(frozen=True)
class Job:
    bearer: str
    mentorship_id: int
    starts_at: datetime


@dataclass(frozen=True)
class Prepared:
    jobs: list[Job]
    tokens: list[int]  # the PersonalAccessToken pks made for the run
    hours: list[int]  # the WeeklyHours pks added for the run
    mentorships: list[int]


def _token(user: User, made: list[int]) -> str:
    new = token_create(owner=user, name="bench", scope="write", days=30)
    made.append(new.token.pk)
    return new.secret


def _hours(mentor_ids: set[int], added: list[int]) -> None:
    for mentor_id in sorted(mentor_ids):
        for weekday in range(1, 6):
            row, created = WeeklyHours.objects.get_or_create(
                mentor_id=mentor_id,
                weekday=weekday,
                start_time=clock_time(9),
                defaults={"end_time": clock_time(17)},
            )
            if created:
                added.append(row.pk)


def _prepare(program: Program, now: datetime) -> Prepared:
    """One job a mentee: their mentorship and an open slot on a day none of the
    mentor's other jobs uses (so no two jobs can take each other's time)."""
    pairs = list(
        Mentorship.objects.live()
        .filter(program=program)
        .select_related("mentor", "mentee", "program")
        .order_by("pk")[:JOBS]
    )
    tokens: list[int] = []
    hours: list[int] = []
    _hours({p.mentor_id for p in pairs}, hours)
    window = (now + SLOT_WINDOW[0], now + SLOT_WINDOW[1])
    days_taken: set[tuple[int, object]] = set()
    jobs = []
    for pair in pairs:
        bookable = queries.bookable_slots(pair, window=window, now=now)
        for start in bookable.starts:
            day = (pair.mentor_id, start.date())
            if day in days_taken or start in bookable.mentee_clashes:
                continue
            days_taken.add(day)
            jobs.append(Job(_token(pair.mentee, tokens), pair.pk, start))
            break
    return Prepared(jobs, tokens, hours, [p.pk for p in pairs])


class Queue:
    """The jobs, taken one at a time by the client threads."""

    def __init__(self, jobs: list[Job]) -> None:
        self._jobs = iter(jobs)
        self._lock = threading.Lock()
        self.taken = 0

    def next(self) -> tuple[bytes, dict[str, str]] | None:
        with self._lock:
            job = next(self._jobs, None)
            if job is None:
                return None
            self.taken += 1
        body = json.dumps(
            {"mentorship_id": job.mentorship_id, "starts_at": job.starts_at.isoformat()}
        ).encode()
        return body, {
            "Authorization": f"Bearer {job.bearer}",
            "Content-Type": "application/json",
        }


def _count(send: Callable[[], Any]) -> tuple[int, int]:
    """(status, queries) of one call of `send` (a test client request)."""
    statements: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = send()
    return response.status_code, len(statements)


def _read_queries(url: str, bearer: str) -> tuple[int, int]:
    client = Client(HTTP_HOST="localhost")
    auth = {"Authorization": f"Bearer {bearer}"}
    client.get(url, headers=auth)  # warm
    return _count(lambda: client.get(url, headers=auth))


def _book_queries(url: str, job: Job) -> tuple[int, int]:
    client = Client(HTTP_HOST="localhost")
    body = {"mentorship_id": job.mentorship_id, "starts_at": job.starts_at.isoformat()}
    return _count(
        lambda: client.post(
            url,
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {job.bearer}"},
        )
    )


def _clean_up(program: Program, prepared: Prepared, since: datetime) -> int:
    """Delete what the run made: its bookings, the notification tasks they queued
    (no worker runs here; each booking queues its event and two reminders), its
    tokens and weekly hours."""
    booked = Session.objects.filter(
        program=program,
        mentorship_id__in=prepared.mentorships,
        created_at__gte=since,
        starts_at__gte=since + SLOT_WINDOW[0] - timedelta(hours=1),
    )
    ids = set(booked.values_list("pk", flat=True))
    tasks = DBTaskResult.objects.filter(enqueued_at__gte=since, task_path=DELIVER_TASK)
    queued = [t.pk for t in tasks.only("pk", "args_kwargs") if _task_session(t) in ids]
    DBTaskResult.objects.filter(pk__in=queued).delete()
    booked.delete()
    PersonalAccessToken.objects.filter(pk__in=prepared.tokens).delete()
    WeeklyHours.objects.filter(pk__in=prepared.hours).delete()
    return len(ids)


def _task_session(task: DBTaskResult) -> object:
    """The session a notification task is about (its second argument), if any."""
    args = (task.args_kwargs or {}).get("args") or []
    return args[1] if len(args) > 1 else None


def run() -> list[Result]:
    seconds = throughput.DURATION_S
    warm = min(2.0, seconds)
    since = timezone.now()
    program = insights.build(since)
    slug = program.slug
    people = throughput._people(program)
    mentee, mentor = people["mentee"], people["mentor"]
    _client, cookie = throughput._signed_in(mentee)
    prepared = _prepare(program, since)
    tokens = prepared.tokens
    mentee_bearer = _token(mentee, tokens)
    mentor_bearer = _token(mentor, tokens)
    url = f"/api/v1/programs/{slug}/sessions"
    jobs = list(prepared.jobs)
    try:
        counts = {
            "mentee": _read_queries(url, mentee_bearer),
            "mentor": _read_queries(url, mentor_bearer),
            "book": _book_queries(url, jobs.pop()),
        }
        connection.close()  # the server opens its own connections
        port = throughput._free_port()
        load_before = os.getloadavg()
        server = throughput._serve(port, env={"MENTORA_API_RATE_PER_MINUTE": RATE_PER_MINUTE})
        loads: dict[str, throughput.Load] = {}
        queue = Queue(jobs)
        try:
            reads = {
                "baseline": (throughput.PING, cookie, {}),
                "mentee": (url, "", {"Authorization": f"Bearer {mentee_bearer}"}),
                "mentor": (url, "", {"Authorization": f"Bearer {mentor_bearer}"}),
            }
            for name, (path, signed, headers) in reads.items():
                throughput._drive(port, path, signed, warm, headers=headers)
                loads[name] = throughput._drive(port, path, signed, seconds, headers=headers)
                print(f"  api {name}: {loads[name].per_second:.1f} req/s", flush=True)
            for timed in (warm, seconds):
                warmed = queue.taken
                loads["book"] = throughput._drive(
                    port, url, "", timed, method="POST", body=queue.next, ok=(201,)
                )
            print(f"  api book: {loads['book'].per_second:.1f} req/s", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
        load_after = os.getloadavg()
    finally:
        connection.close()
        deleted = _clean_up(program, prepared, since)
    ran_dry = queue.taken >= len(jobs)
    baseline = loads["baseline"].per_second or 1.0
    labels = {
        "baseline": ("baseline: trivial signed-in view", READ_TARGET_P95_MS, (200, 2)),
        "mentee": ("GET sessions, a mentee (token)", READ_TARGET_P95_MS, counts["mentee"]),
        "mentor": ("GET sessions, a mentor (token)", READ_TARGET_P95_MS, counts["mentor"]),
        "book": ("POST sessions, booking (201 only)", BOOK_TARGET_P95_MS, counts["book"]),
    }
    results = []
    for name, (label, target, (status, queries_n)) in labels.items():
        got = loads[name]
        timings = got.latencies_ms or [float("inf")]
        expected = 201 if name == "book" else 200
        results.append(
            Result(
                name=f"api throughput, {label}",
                timings_ms=timings,
                target_ms=target,
                judged_by="p95",
                note=(
                    f"{got.per_second:.1f} req/s ({got.per_second / baseline:.0%} of the "
                    f"baseline), p50 {statistics.median(timings):.0f} ms, "
                    f"p95 {p95(timings):.0f} ms, {queries_n} queries"
                    + (f" (test client status {status})" if status != expected else "")
                    + f", {got.errors} errors"
                    + (f", {got.requests + got.errors} bookings" if name == "book" else "")
                ),
            )
        )
    print(
        f"  api throughput: gunicorn {throughput.WORKERS} sync workers, "
        f"{throughput.CONNECTIONS} connections, {seconds:g} s each; "
        f"{len(prepared.jobs)} booking jobs ({warmed} in the warm-up"
        + (", ran out before the time was up" if ran_dry else "")
        + f"), {deleted} booked sessions deleted afterwards; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after, on {os.cpu_count()} cores",
        flush=True,
    )
    return results
