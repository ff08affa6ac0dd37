"""`manage.py seed`: a large program for benchmarks, written with bulk inserts.

Nobody logs in as these people, so they get an unusable password (no hashing,
which would dominate the run time) and no EmailAddress rows. Everything is
derived from `--seed`, so two runs with the same arguments give the same data.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_slug
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from mentora.accounts.choices import (
    FLAG_BACKGROUND_FIELDS,
    BackgroundField,
    CareerStage,
    EducationPath,
    KnowledgeArea,
    SpokenLanguage,
    Visibility,
)
from mentora.accounts.models import (
    BackgroundAnswer,
    MenteeProfile,
    MentorProfile,
    Technology,
    User,
)
from mentora.programs import demo
from mentora.programs.models import Cohort, Membership, Program, Role

EMAIL_DOMAIN = "bench.example"
BATCH_SIZE = 2000
MAX_CAPACITY = 8

M = TypeVar("M", bound=models.Model)
P = TypeVar("P", MentorProfile, MenteeProfile)

# Reuse the demo's hand-written people so the benchmark directory reads naturally.
_DEMO_NAMES = [s.name for s in demo.MENTORS] + [s.name for s in demo.MENTEES]
FIRST_NAMES = sorted({name.split()[0] for name in _DEMO_NAMES})
LAST_NAMES = sorted({name.split(maxsplit=1)[1] for name in _DEMO_NAMES})
PRIOR_BACKGROUNDS = sorted({s.prior for s in demo.MENTEES})
COMPANIES = [
    *sorted({s.company for s in demo.MENTORS}),
    "Bluefin Software",
    "Cobalt Health",
    "Driftwood Games",
    "Fernhill Energy",
    "Gannet Mobility",
    "Juniper Retail",
    "Marigold Media",
    "Quarry Labs",
]
# (zone, weight): mentors are spread worldwide, mentees are mostly in Europe.
MENTOR_ZONES = (
    ("Europe/Berlin", 6),
    ("Europe/London", 5),
    ("America/New_York", 4),
    ("America/Los_Angeles", 2),
    ("America/Sao_Paulo", 2),
    ("Europe/Warsaw", 2),
    ("Europe/Madrid", 2),
    ("Asia/Kolkata", 2),
    ("Africa/Lagos", 1),
    ("Australia/Sydney", 1),
    ("Asia/Singapore", 1),
    ("Europe/Istanbul", 1),
)
MENTEE_ZONES = (
    ("Europe/Berlin", 10),
    ("Europe/London", 5),
    ("Europe/Paris", 4),
    ("Europe/Madrid", 3),
    ("Europe/Amsterdam", 2),
    ("Europe/Warsaw", 2),
    ("Europe/Rome", 2),
    ("Europe/Stockholm", 1),
    ("Africa/Cairo", 1),
    ("America/Mexico_City", 1),
    ("Asia/Dubai", 1),
    ("Asia/Singapore", 1),
)
SECOND_LANGUAGES = [c for c in SpokenLanguage.values if c != SpokenLanguage.ENGLISH]
GENDERS = ("Woman", "Man", "Non-binary")
ETHNICITIES = ("Black African", "Black British", "South Asian", "East Asian", "Latina/o", "Arab")


def bench_email(slug: str, role: str, i: int) -> str:
    # Slugs never contain dots, so "<slug>." marks this program's seeded people.
    return f"{slug}.{role}{i:05d}@{EMAIL_DOMAIN}"


def weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def some(rng: random.Random, items: Sequence[str], low: int, high: int) -> list[str]:
    return rng.sample(list(items), rng.randint(low, min(high, len(items))))


def stage_for(years: int, rng: random.Random) -> CareerStage:
    if years < 2:
        return CareerStage.JUNIOR
    if years < 5:
        return CareerStage.MID
    if years < 10:
        return CareerStage.SENIOR
    return rng.choice([CareerStage.STAFF, CareerStage.MANAGER, CareerStage.SENIOR])


def in_batches(model: type[M], objs: Iterable[M]) -> list[M]:
    return model._default_manager.bulk_create(list(objs), batch_size=BATCH_SIZE)


@dataclass
class Seeder:
    """Builds one benchmark program; each method writes one table in bulk."""

    slug: str
    rng: random.Random
    techs: dict[str, Technology]
    counts: dict[str, int] = field(default_factory=dict)

    def users(self, role: str, n: int, zones: Sequence[tuple[str, int]]) -> list[User]:
        password = UNUSABLE_PASSWORD_PREFIX + "seeded"  # unusable: nobody logs in as these
        people = [
            User(
                email=bench_email(self.slug, role, i),
                name=f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
                time_zone=weighted(self.rng, zones),
                password=password,
            )
            for i in range(n)
        ]
        created = in_batches(User, people)
        if any(u.pk is None for u in created):  # databases that cannot return ids
            ids = dict(
                User.objects.filter(email__in=[u.email for u in created]).values_list("email", "pk")
            )
            for u in created:
                u.pk = ids[u.email]
        self.counts["users"] = self.counts.get("users", 0) + len(created)
        return created

    def memberships(
        self,
        program: Program,
        users: Sequence[User],
        role: Role,
        *,
        cohort: Cohort | None = None,
        managers: Sequence[User] = (),
    ) -> None:
        rows = [
            Membership(
                user=u,
                program=program,
                role=role,
                cohort=cohort,
                success_manager=managers[i % len(managers)] if managers else None,
            )
            for i, u in enumerate(users)
        ]
        self.counts["memberships"] = self.counts.get("memberships", 0) + len(
            in_batches(Membership, rows)
        )

    def mentor_profile(self, user: User) -> tuple[MentorProfile, list[str]]:
        rng = self.rng
        track = rng.choice(list(demo.TRACKS.values()))
        stack = some(rng, track.stack, 2, 5) + some(rng, list(demo.TECHNOLOGIES), 0, 2)
        areas = some(rng, [str(a) for a in track.areas], 1, 3)
        if rng.random() < 0.3:
            areas.append(rng.choice([KnowledgeArea.CAREER, KnowledgeArea.LEADERSHIP]))
        years = rng.randint(1, 25)
        role, company = rng.choice(track.mentor_roles), rng.choice(COMPANIES)
        handle = user.email.split("@")[0].replace(".", "-")
        profile = MentorProfile(
            user=user,
            headline=f"{role} at {company}",
            bio=f"{years} years in the industry, working mostly with {', '.join(stack[:3])}.",
            knowledge_areas=sorted(set(areas)),
            years_experience=years,
            career_stage=stage_for(years, rng),
            current_role=role,
            company=company,
            education_path=rng.choice(EducationPath.values),
            languages=["en", *some(rng, SECOND_LANGUAGES, 0, 2)],
            capacity=rng.randint(1, MAX_CAPACITY),
            meeting_link=f"https://meet.example.com/{handle}",
            github_url=f"https://github.example.com/{handle}",
        )
        return profile, sorted(set(stack))

    def mentee_profile(self, user: User) -> tuple[MenteeProfile, list[str]]:
        rng = self.rng
        track = rng.choice(list(demo.TRACKS.values()))
        profile = MenteeProfile(
            user=user,
            learning=track.learning,
            target_roles=track.target_roles,
            interests=some(rng, [str(a) for a in track.areas], 1, 3),
            prior_background=rng.choice(PRIOR_BACKGROUNDS),
            wants_shared_background=rng.random() < 0.15,
            education_path=rng.choice([EducationPath.BOOTCAMP] * 3 + EducationPath.values),
            languages=["en", *some(rng, SECOND_LANGUAGES, 0, 1)],
        )
        return profile, some(rng, track.stack, 1, 4)

    def profiles(self, model: type[P], built: list[tuple[P, list[str]]]) -> None:
        """Insert the profiles, then their stack rows straight into the through table."""
        profiles = in_batches(model, [p for p, _ in built])
        through = model.stack.through
        owner = f"{model._meta.model_name}_id"
        rows = [
            through(**{owner: p.pk, "technology_id": self.techs[name].pk})
            for p, (_, names) in zip(profiles, built, strict=True)
            for name in names
        ]
        in_batches(through, rows)
        self.counts[str(model._meta.verbose_name_plural)] = len(profiles)
        self.counts["stack rows"] = self.counts.get("stack rows", 0) + len(rows)

    def background(self, users: Sequence[User], share: float = 0.15) -> None:
        rng = self.rng
        answers = []
        for user in users:
            if rng.random() >= share:
                continue
            for bg_field in rng.sample(list(BackgroundField), rng.randint(1, 2)):
                answers.append(
                    BackgroundAnswer(
                        user=user,
                        field=bg_field,
                        value=self.background_value(bg_field),
                        visibility=rng.choice(Visibility.values),
                    )
                )
        self.counts["background answers"] = len(in_batches(BackgroundAnswer, answers))

    def background_value(self, bg_field: BackgroundField) -> str:
        if bg_field in FLAG_BACKGROUND_FIELDS:
            return "yes"
        return self.rng.choice(GENDERS if bg_field == BackgroundField.GENDER else ETHNICITIES)


def technologies() -> dict[str, Technology]:
    existing = {t.name.lower(): t for t in Technology.objects.all()}
    missing = [
        Technology(name=name, kind=kind)
        for name, kind in demo.TECHNOLOGIES.items()
        if name.lower() not in existing
    ]
    for tech in in_batches(Technology, missing):
        existing[tech.name.lower()] = tech
    return {name: existing[name.lower()] for name in demo.TECHNOLOGIES}


def clear_previous(slug: str, *, replace: bool) -> None:
    """Refuse, or with --replace delete, an earlier program with this slug and its people."""
    program = Program.objects.filter(slug=slug).first()
    seeded = User.objects.filter(email__startswith=f"{slug}.", email__endswith=f"@{EMAIL_DOMAIN}")
    if program is None and not seeded.exists():
        return
    if not replace:
        raise CommandError(
            f"A program with slug '{slug}' (or people seeded for it) already exists. "
            "Pass --replace to delete it and seed again, or choose another --program-slug."
        )
    try:
        if program is not None:
            delete_program_data(program)
        seeded.delete()
    except ProtectedError as error:
        raise CommandError(f"Cannot replace '{slug}': {error.args[0]}") from error


def delete_program_data(program: Program) -> None:
    """Delete a used program: the rows that protect others go first, then the program
    (whose cascade takes the rest: cohorts, notifications, questions, settings...).

    The higher apps' models are named, not imported: programs sits below them."""

    def rows(label: str) -> models.QuerySet[Any]:
        return apps.get_model(label)._default_manager.filter(program=program)

    # Concerns, bulk-match rows and accepted requests protect their mentorships.
    for label in ("matching.Concern", "matching.BulkMatchRun", "matching.MentorRequest"):
        rows(label).delete()
    # A make-up protects the session it makes up for (which may be a make-up itself):
    # delete the sessions nothing points to, until none is left.
    sessions = rows("scheduling.Session")
    while sessions.exists():
        deleted, _ = sessions.filter(makeups__isnull=True).delete()
        if not deleted:  # a make-up comes after its session, but never loop forever
            raise CommandError(f"Cannot replace '{program.slug}': make-up sessions in a cycle.")
    # Mentorships protect their people, memberships their cohort; audit entries and
    # erasure records protect the program itself.
    for label in (
        "programs.Mentorship",
        "programs.Membership",
        "programs.AccessAuditEntry",
        "privacy.PersonErasure",
    ):
        rows(label).delete()
    program.delete()


def seed(
    *, slug: str, mentees: int, mentors: int, managers: int, rng: random.Random
) -> dict[str, int]:
    program = Program.objects.create(
        name=f"Benchmark program ({slug})",
        slug=slug,
        time_zone="Europe/Berlin",
        description="Generated by `manage.py seed` for benchmarks.",
    )
    today = timezone.localdate()
    cohort = Cohort.objects.create(
        program=program,
        name="Benchmark cohort",
        starts_on=today,
        ends_on=today + timedelta(days=300),
    )
    seeder = Seeder(slug=slug, rng=rng, techs=technologies())

    manager_users = seeder.users("manager", managers, MENTOR_ZONES)
    seeder.memberships(program, manager_users, Role.SUCCESS_MANAGER)

    mentor_users = seeder.users("mentor", mentors, MENTOR_ZONES)
    seeder.memberships(program, mentor_users, Role.MENTOR)
    mentor_profiles = [seeder.mentor_profile(u) for u in mentor_users]
    seeder.profiles(MentorProfile, mentor_profiles)
    # Worth knowing for the matching benchmark: whether every mentee can be placed.
    seeder.counts["total mentor capacity"] = sum(p.capacity for p, _ in mentor_profiles)

    mentee_users = seeder.users("mentee", mentees, MENTEE_ZONES)
    seeder.memberships(program, mentee_users, Role.MENTEE, cohort=cohort, managers=manager_users)
    seeder.profiles(MenteeProfile, [seeder.mentee_profile(u) for u in mentee_users])

    seeder.background([*mentor_users, *mentee_users])
    return seeder.counts


class Command(BaseCommand):
    help = "Create a large program (default 10,000 mentees, 2,000 mentors) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mentees", type=int, default=10_000)
        parser.add_argument("--mentors", type=int, default=2_000)
        parser.add_argument("--success-managers", type=int, default=20)
        parser.add_argument("--program-slug", default="bench")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: same seed, same data."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete an existing program with this slug first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mentees, mentors, managers = (
            options["mentees"],
            options["mentors"],
            options["success_managers"],
        )
        slug: str = options["program_slug"]
        if min(mentees, mentors, managers) < 0 or (mentees and not managers):
            raise CommandError(
                "Counts must be zero or more, with at least one success manager for mentees."
            )
        try:
            validate_slug(slug)
        except ValidationError as error:
            raise CommandError(f"--program-slug: {error.messages[0]}") from error
        if len(slug) > 60:
            raise CommandError("--program-slug: at most 60 characters.")

        started = time.perf_counter()
        with transaction.atomic():
            clear_previous(slug, replace=options["replace"])
            counts = seed(
                slug=slug,
                mentees=mentees,
                mentors=mentors,
                managers=managers,
                rng=random.Random(options["seed"]),
            )
        elapsed = time.perf_counter() - started

        summary = ", ".join(f"{n:,} {what}" for what, n in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Seeded program '{slug}' in {elapsed:.1f} s: {summary}.")
        )
