"""The people page on a program of 10,000 members (target: 200 ms server time each).

Built in bulk: 8,000 mentees in four cohorts (most with a success manager, 70%
with a live mentor, a tenth still invited: some not sent, some sent, some
expired), 1,900 mentors, 80 success managers, 20 admins, and a hundred people
with two roles. The data is kept between runs and rebuilt when it doesn't match.

Timed: a full GET through Django's test client (routing, session, access,
queries, template) of the unfiltered first page, a search by name, and a
combination of filters, each with its query count; a page deep in the list
shows the count doesn't grow with the page number.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.pages import timed_page
from bench.report import Result
from mentora.accounts.models import User
from mentora.programs.models import Cohort, Membership, Mentorship, Program, Role

SLUG = "bench-people"
MENTEES, MENTORS, MANAGERS, ADMINS = 8000, 1900, 80, 20
MEMBERS = MENTEES + MENTORS + MANAGERS + ADMINS  # 10,000 people
DOUBLE_ROLES = 100  # mentors who are also success managers
BATCH = 2000
REPEAT = 20
TARGET_MS = 200.0
FIRST = [
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Femi",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kai",
    "Lea",
    "Mo",
    "Nia",
    "Oto",
    "Pia",
    "Rui",
    "Sol",
    "Tam",
    "Uma",
]
LAST = [
    "Smith",
    "Okafor",
    "Müller",
    "García",
    "Tanaka",
    "Novak",
    "Silva",
    "Kowalski",
    "Haddad",
    "Ivanova",
    "Nguyen",
    "Berg",
]


def _program() -> Program | None:
    program = Program.objects.filter(slug=SLUG).first()
    if program and Membership.objects.filter(program=program).count() == MEMBERS + DOUBLE_ROLES:
        return program
    return None


def build(now: datetime) -> Program:
    program = _program()
    if program is not None:
        return program
    Program.objects.filter(slug=SLUG).delete()
    User.objects.filter(email__endswith="@people.bench.example").delete()
    program = Program.objects.create(name="Bench people", slug=SLUG)
    cohorts = [Cohort.objects.create(program=program, name=f"Cohort {i}") for i in range(4)]
    rng = random.Random(13)
    users = User.objects.bulk_create(
        (
            User(
                email=f"p{i}@people.bench.example",
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                password="!",
                activated_at=now - timedelta(days=30),
                onboarded_at=now - timedelta(days=29) if rng.random() < 0.9 else None,
            )
            for i in range(MEMBERS)
        ),
        batch_size=BATCH,
    )
    mentees = users[:MENTEES]
    mentors = users[MENTEES : MENTEES + MENTORS]
    managers = users[MENTEES + MENTORS : MENTEES + MENTORS + MANAGERS]
    admins = users[MENTEES + MENTORS + MANAGERS :]
    invited = []
    memberships = []
    for i, user in enumerate(mentees):
        sent = None
        if i % 10 == 0:  # a tenth still invited: not sent, sent, expired
            invited.append(user.pk)
            sent = [None, now - timedelta(days=2), now - timedelta(days=30)][i // 10 % 3]
        memberships.append(
            Membership(
                user=user,
                program=program,
                role=Role.MENTEE,
                cohort=cohorts[i % 4],
                success_manager=managers[i % MANAGERS] if i % 7 else None,
                invitation_sent_at=sent,
            )
        )
    memberships += [Membership(user=u, program=program, role=Role.MENTOR) for u in mentors]
    memberships += [
        Membership(user=u, program=program, role=Role.SUCCESS_MANAGER)
        for u in managers + mentors[:DOUBLE_ROLES]
    ]
    memberships += [Membership(user=u, program=program, role=Role.ADMIN) for u in admins]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    # Staff have finished onboarding (the app would ask them first otherwise).
    User.objects.filter(pk__in=[u.pk for u in managers + admins]).update(onboarded_at=now)
    User.objects.filter(pk__in=invited).update(activated_at=None, onboarded_at=None)
    Mentorship.objects.bulk_create(
        (
            Mentorship(
                program=program,
                mentor=mentors[i % MENTORS],
                mentee=user,
                started_at=now - timedelta(days=20),
            )
            for i, user in enumerate(mentees)
            if i % 10 < 7
        ),
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return program


def _page(name: str, url: str, client: Client, note: str) -> Result:
    return timed_page(name, url, client, note, target_ms=TARGET_MS, repeat=REPEAT)


def _client(program: Program) -> Client:
    admin = (
        User.objects.filter(memberships__program=program, memberships__role=Role.ADMIN)
        .order_by("pk")
        .first()
    )
    assert admin is not None
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    return client


def run_first_page() -> Result:
    program = build(timezone.now())
    url = reverse("program_people", args=[program.slug])
    client = _client(program)
    deep = _page("people, page 150", f"{url}?page=150", client, "")
    return _page(
        "people, 10,000 members",
        url,
        client,
        f"first page, everyone (page 150: {deep.note.split('; ')[1]}, "
        f"median {deep.median_ms:.0f} ms, {deep.note.split('; ')[2]})",
    )


def run_search() -> Result:
    program = build(timezone.now())
    url = reverse("program_people", args=[program.slug])
    return _page("people, search", f"{url}?q=müller", _client(program), "name contains 'müller'")


def run_filters() -> Result:
    program = build(timezone.now())
    cohort = Cohort.objects.filter(program=program).order_by("pk").first()
    assert cohort is not None
    url = reverse("program_people", args=[program.slug])
    query = f"?role=mentee&cohort={cohort.pk}&has_mentor=no&status=active"
    return _page(
        "people, filters", url + query, _client(program), "mentees of a cohort without a mentor"
    )


def run_all() -> list[Result]:
    return [run_first_page(), run_search(), run_filters()]
