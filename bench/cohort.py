"""The "Match a cohort" form and a bulk preview at national size (target: 300 ms each).

Built in bulk and kept between runs: a program with 10,000 unmatched mentees in
five cohorts and 2,000 mentors with capacities 1 to 8, and one preview run whose
10,000 rows carry reasons like a real run's (a run of the engine is measured by
the "matching" benchmark; this one measures the pages).

Timed through Django's test client as a program admin: the form for every
cohort, the form narrowed by a search, the preview's first page and a page deep
in it, each with its query count.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.pages import timed_page
from bench.report import Result
from mentora.accounts.models import MenteeProfile, MentorProfile, User
from mentora.matching.models import BulkMatchRow, BulkMatchRun, BulkObjective
from mentora.programs.models import Cohort, Membership, Program, Role

SLUG = "bench-cohort"
MENTEES, MENTORS = 10_000, 2_000
BATCH = 2_000
REPEAT = 10
TARGET_MS = 300.0
DOMAIN = "@cohort.bench.example"
FACTORS = (
    ("skills", "Skills", 40.0, "Knows Python, Django and SQL"),
    ("availability", "Time", 25.0, "4 h a week inside the mentee's day"),
    ("goals", "Goals", 20.0, "Has helped people change careers"),
    ("language", "Language", 15.0, "Both speak English"),
)


def _program() -> Program | None:
    program = Program.objects.filter(slug=SLUG).first()
    if program and BulkMatchRow.objects.filter(run__program=program).count() == MENTEES:
        return program
    return None


def _reasons(rng: random.Random) -> list[dict[str, object]]:
    return [
        {
            "name": name,
            "label": label,
            "points": round(rng.uniform(0, most), 1),
            "max_points": most,
            "reason": reason,
        }
        for name, label, most, reason in FACTORS
    ]


def build() -> Program:
    program = _program()
    if program is not None:
        # A benchmark signs in with force_login: no second factor to pass.
        Program.objects.filter(pk=program.pk).update(staff_need_second_factor=False)
        return program
    now = timezone.now()
    BulkMatchRun.objects.filter(program__slug=SLUG).delete()
    Program.objects.filter(slug=SLUG).delete()
    User.objects.filter(email__endswith=DOMAIN).delete()
    program = Program.objects.create(name="Bench cohort", slug=SLUG, staff_need_second_factor=False)
    cohorts = [Cohort.objects.create(program=program, name=f"Spring {i}") for i in range(5)]
    rng = random.Random(7)
    users = User.objects.bulk_create(
        (
            User(
                email=f"c{i}{DOMAIN}",
                name=f"Person {i:05d}",
                password="!",
                activated_at=now - timedelta(days=10),
                onboarded_at=now - timedelta(days=9),
            )
            for i in range(MENTEES + MENTORS + 1)
        ),
        batch_size=BATCH,
    )
    mentees, mentors, admin = users[:MENTEES], users[MENTEES:-1], users[-1]
    Membership.objects.bulk_create(
        [
            *(
                Membership(user=u, program=program, role=Role.MENTEE, cohort=cohorts[i % 5])
                for i, u in enumerate(mentees)
            ),
            *(Membership(user=u, program=program, role=Role.MENTOR) for u in mentors),
            Membership(user=admin, program=program, role=Role.ADMIN),
        ],
        batch_size=BATCH,
    )
    MenteeProfile.objects.bulk_create((MenteeProfile(user=u) for u in mentees), batch_size=BATCH)
    MentorProfile.objects.bulk_create(
        (MentorProfile(user=u, capacity=1 + i % 8) for i, u in enumerate(mentors)),
        batch_size=BATCH,
    )
    run = BulkMatchRun.objects.create(
        program=program,
        created_by=admin,
        created_at=now,
        objective=BulkObjective.TOTAL_FIT,
        parameters={"mentees": [u.pk for u in mentees], "mentors": [u.pk for u in mentors]},
    )
    rows = []
    for i, mentee in enumerate(mentees):
        if i % 10 == 9:  # a tenth unmatched
            rows.append(BulkMatchRow(run=run, mentee=mentee, unmatched_reason="no capacity left"))
        else:
            reasons = _reasons(rng)
            score = sum(float(str(r["points"])) for r in reasons)
            rows.append(
                BulkMatchRow(
                    run=run,
                    mentee=mentee,
                    mentor=mentors[i % MENTORS],
                    score=score,
                    reasons=reasons,
                )
            )
    BulkMatchRow.objects.bulk_create(rows, batch_size=BATCH)
    run.total_score = sum(r.score for r in rows)
    run.save(update_fields=["total_score"])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return program


def _client(program: Program) -> Client:
    admin = User.objects.get(memberships__program=program, memberships__role=Role.ADMIN)
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    return client


def _page(name: str, url: str, client: Client, note: str) -> Result:
    return timed_page(name, url, client, note, target_ms=TARGET_MS, repeat=REPEAT)


def run() -> list[Result]:
    program = build()
    client = _client(program)
    form = reverse("bulk_match_new", args=[program.slug])
    run = BulkMatchRun.objects.get(program=program)
    preview = reverse("bulk_match_preview", args=[program.slug, run.pk])
    return [
        _page("cohort form, 10,000 mentees", form, client, "every cohort, 2,000 mentors"),
        _page("cohort form, search", f"{form}?q=person%200042", client, "name search"),
        _page("bulk preview, 10,000 rows", preview, client, "first page"),
        _page("bulk preview, deep page", f"{preview}?page=150", client, "page 150"),
    ]
