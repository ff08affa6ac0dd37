"""The caseload and program-insights pages on a big program (target: 200 ms server time each).

`manage.py seed` makes 2,000 mentees, 400 mentors and 4 success managers (500
mentees each); then, all in bulk, every mentee gets one mentorship and a weekly
session for 50 weeks (47 past, 3 ahead): 100,000 sessions, most held, some
cancelled on time or late, some no-shows, a few never marked; agendas with a goal
on most held ones, the mentee's reflection and feedback on many, action items
(some overdue), a few open concerns and "not a fit" pulses. The data is kept
between runs (it takes a while to write) and rebuilt when it doesn't match.

Timed: a full GET of each page through Django's test client (URL routing,
session, permission checks, queries, template and, for insights, six SVG
charts): the server's time for the request, without a network in between.
"""

from __future__ import annotations

import io
import random
import statistics
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import connection
from django.db.models import F, OuterRef, Subquery
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.pages import timed_page
from bench.report import Result, time_ms
from mentora.accounts.models import User
from mentora.insights.access import Scope
from mentora.insights.figures import Period
from mentora.insights.service_levels import service_levels
from mentora.matching.models import Concern, ConcernReason, Pulse, PulseAnswer
from mentora.mentoring.models import ActionItem, Agenda, Feedback, Reflection
from mentora.programs.models import Membership, Mentorship, Program, Role
from mentora.scheduling.models import (
    CancellationKind,
    CancelReason,
    Session,
    SessionStatus,
)

SLUG = "bench-insights"
MENTEES, MENTORS, MANAGERS = 2000, 400, 4  # 500 mentees per success manager
WEEKS_PAST, WEEKS_AHEAD = 47, 3
SESSIONS = MENTEES * (WEEKS_PAST + WEEKS_AHEAD)  # 100,000
BATCH = 5000
REPEAT = 20
TARGET_MS = 200.0


def _program() -> Program | None:
    program = Program.objects.filter(slug=SLUG).first()
    if program and Session.objects.filter(program=program).count() == SESSIONS:
        return program
    return None


def _status(rng: random.Random) -> tuple[str, str]:
    """(status, cancellation kind) of a past session."""
    roll = rng.random()
    if roll < 0.06:
        return SessionStatus.CANCELLED, CancellationKind.ON_TIME
    if roll < 0.10:
        return SessionStatus.CANCELLED, CancellationKind.LATE
    if roll < 0.14:
        return SessionStatus.MENTEE_NO_SHOW, ""
    if roll < 0.16:
        return SessionStatus.MENTOR_NO_SHOW, ""
    if roll < 0.17:
        return SessionStatus.SCHEDULED, ""  # attendance never recorded
    return SessionStatus.HELD, ""


def _sessions(program: Program, pairs: list[Mentorship], now: datetime) -> None:
    """One session a week per mentorship. A mentor's five mentees meet on the same
    day two hours apart, so no two sessions of a mentor overlap."""
    rng = random.Random(6)
    monday = (now - timedelta(weeks=WEEKS_PAST, days=now.weekday())).date()
    base = datetime.combine(monday, time(8), now.tzinfo)
    length = timedelta(minutes=45)
    rows = []
    for i, m in enumerate(pairs):
        offset = timedelta(days=i % 5, hours=2 * (i // MENTORS))
        for week in range(WEEKS_PAST + WEEKS_AHEAD):
            starts_at = base + offset + timedelta(weeks=week)
            status, kind = _status(rng) if starts_at < now else (SessionStatus.SCHEDULED, "")
            cancelled = status == SessionStatus.CANCELLED
            rows.append(
                Session(
                    program=program,
                    mentorship=m,
                    mentor_id=m.mentor_id,
                    mentee_id=m.mentee_id,
                    status=status,
                    starts_at=starts_at,
                    ends_at=starts_at + length,
                    blocked_from=starts_at,
                    blocked_until=starts_at + length + timedelta(minutes=10),
                    cancelled_at=starts_at - timedelta(hours=2 if kind == "late" else 48)
                    if cancelled
                    else None,
                    cancel_reason=CancelReason.OTHER if cancelled else "",
                    cancellation_kind=kind,
                )
            )
    Session.objects.bulk_create(rows, batch_size=BATCH)


def _workspace(program: Program, now: datetime) -> None:
    """Agendas, reflections, feedback and action items on held sessions, in bulk."""
    rng = random.Random(7)
    held = Session.objects.filter(program=program, status=SessionStatus.HELD).values_list(
        "pk", "mentee_id", "mentorship_id", "starts_at"
    )
    agendas, reflections, feedback, items = [], [], [], []
    for pk, mentee_id, mentorship_id, starts_at in held.iterator(chunk_size=BATCH):
        if rng.random() < 0.8:
            agendas.append(Agenda(session_id=pk, goal="Unblock me on my project"))
        if rng.random() < 0.7:
            goal_met = rng.choice(["yes", "yes", "yes", "partly", "partly", "no"])
            reflections.append(
                Reflection(
                    session_id=pk, author_id=mentee_id, goal_met=goal_met, still_makes_sense="yes"
                )
            )
        if rng.random() < 0.5:
            feedback.append(Feedback(session_id=pk, rating=rng.choice([5, 5, 4, 4, 4, 3, 2, 1])))
        if rng.random() < 0.5:
            due = starts_at + timedelta(days=5)
            done = starts_at + timedelta(days=3) if rng.random() < 0.85 else None
            items.append(
                ActionItem(
                    mentorship_id=mentorship_id,
                    session_id=pk,
                    title="Practise one interview question",
                    owner_id=mentee_id,
                    due_on=due.date(),
                    done_at=done,
                )
            )
    Agenda.objects.bulk_create(agendas, batch_size=BATCH)
    Reflection.objects.bulk_create(reflections, batch_size=BATCH)
    Feedback.objects.bulk_create(feedback, batch_size=BATCH)
    ActionItem.objects.bulk_create(items, batch_size=BATCH)

    # auto_now(_add) stamped everything "now": put each row back where it belongs in
    # the session's life (one UPDATE each): agenda before it, the rest after it.
    def at(shift: timedelta) -> Subquery:
        session = Session.objects.filter(pk=OuterRef("session_id"))
        return Subquery(session.annotate(at=F("starts_at") + shift).values("at")[:1])

    in_program = {"session__program": program}
    ActionItem.objects.filter(**in_program).update(created_at=at(timedelta(hours=1)))
    Agenda.objects.filter(**in_program).update(updated_at=at(-timedelta(days=1)))
    Reflection.objects.filter(**in_program).update(
        created_at=at(timedelta(days=1)), updated_at=at(timedelta(days=1))
    )
    Feedback.objects.filter(**in_program).update(created_at=at(timedelta(days=1)))


def _health(program: Program, pairs: list[Mentorship], now: datetime) -> None:
    rng = random.Random(8)
    concerns = [
        Concern(
            program=program,
            mentorship=m,
            raised_by_id=m.mentee_id,
            reason=ConcernReason.MISSED_SESSIONS,
            created_at=now - timedelta(days=rng.randint(0, 20)),
        )
        for m in rng.sample(pairs, 60)
    ]
    Concern.objects.bulk_create(concerns)
    pulses = [
        Pulse(
            mentorship=m,
            respondent_id=m.mentor_id,
            asked_at=now - timedelta(days=10),
            answer=PulseAnswer.NOT_A_FIT,
            answered_at=now - timedelta(days=9),
        )
        for m in rng.sample(pairs, 40)
    ]
    Pulse.objects.bulk_create(pulses)


def build(now: datetime) -> Program:
    program = _program()
    if program is not None:
        return program
    call_command(
        "seed",
        mentees=MENTEES,
        mentors=MENTORS,
        success_managers=MANAGERS,
        program_slug=SLUG,
        replace=True,
        stdout=io.StringIO(),
    )
    program = Program.objects.get(slug=SLUG)
    mentees = list(
        Membership.objects.filter(program=program, role=Role.MENTEE)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    mentors = list(
        Membership.objects.filter(program=program, role=Role.MENTOR)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    started = now - timedelta(weeks=WEEKS_PAST + 1)
    pairs = Mentorship.objects.bulk_create(
        Mentorship(program=program, mentor_id=mentors[i % MENTORS], mentee_id=e, started_at=started)
        for i, e in enumerate(mentees)
    )
    _sessions(program, pairs, now)
    _workspace(program, now)
    _health(program, pairs, now)
    # Planner statistics (and, on PostgreSQL, the rows the UPDATEs above left behind
    # cleared) as autovacuum keeps a live database; without them both databases
    # pick poor plans for freshly bulk-loaded tables.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return program


def _logged_in(user: User) -> Client:
    # Onboarded, so the first-login steps don't redirect the timed pages; and no
    # second factor for the program's staff (new programs ask for one), or the
    # timed page would be the set-up page's redirect.
    User.objects.filter(pk=user.pk, onboarded_at__isnull=True).update(onboarded_at=timezone.now())
    Program.objects.filter(slug=SLUG).update(staff_need_second_factor=False)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _admin(program: Program) -> User:
    user, _ = User.objects.get_or_create(
        email=f"{SLUG}.admin@bench.example", defaults={"name": "Bench Admin"}
    )
    Membership.objects.get_or_create(user=user, program=program, role=Role.ADMIN)
    return user


def _page(name: str, url: str, client: Client, note: str) -> Result:
    return timed_page(name, url, client, note, target_ms=TARGET_MS, repeat=REPEAT)


def run_caseload() -> Result:
    program = build(timezone.now())
    manager = (
        User.objects.filter(memberships__program=program, memberships__role=Role.SUCCESS_MANAGER)
        .order_by("pk")
        .first()
    )
    assert manager is not None
    mentees = Membership.objects.filter(program=program, success_manager=manager).count()
    return _page(
        "caseload, 500 mentees",
        reverse("caseload", args=[program.slug]),
        _logged_in(manager),
        f"a success manager's {mentees} mentees ordered by risk; {SESSIONS:,} sessions",
    )


def run_insights() -> Result:
    program = build(timezone.now())
    client = _logged_in(_admin(program))
    url = reverse("insights", args=[program.slug])
    year = _page("insights, a year", f"{url}?start={_weeks_ago(52)}", client, "52 weeks")
    # Two weeks read a sixth of what twelve do, if the work follows the period (#18).
    two = _page("insights, 2 weeks", f"{url}?start={_weeks_ago(1)}", client, "2 weeks")
    return _page(
        "insights, 100,000 sessions",
        url,
        client,
        f"whole program, default 12 weeks (a year: median {year.median_ms:.0f} ms, "
        f"p95 {year.p95_ms:.0f} ms; 2 weeks: median {two.median_ms:.0f} ms); "
        f"{_service_levels_note(program)}",
    )


def _service_levels_note(program: Program) -> str:
    """The page's service levels alone (three queries over every mentee, mentorship
    and concern of the program), timed over a year."""
    now = timezone.now()
    zone = ZoneInfo(program.time_zone)
    period = Period.covering((now - timedelta(weeks=52)).date(), now.date(), zone)
    scope = Scope(program, None)
    timings = time_ms(lambda: service_levels(scope, period, None, now), repeat=REPEAT)
    levels = service_levels(scope, period, None, now)
    waiting = ", ".join(f"{len(level.waiting)} waiting" for level in levels)
    return f"service levels over a year: median {statistics.median(timings):.0f} ms ({waiting})"


def _weeks_ago(weeks: int) -> str:
    return (timezone.now() - timedelta(weeks=weeks)).date().isoformat()
