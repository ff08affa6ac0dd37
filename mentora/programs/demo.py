"""The demo program "Northwind Coding Bootcamp": the builders that load it.

The data (people, tracks, vocabulary) lives in `demo_people.py`; the few
choices left to chance (who mentors whom, start dates) come from a fixed seed so
every run produces the same people and pairings. The builders are idempotent:
everything is keyed on a natural key (email, slug, cohort name, mentor-mentee
pair), so loading twice changes nothing but the password hash.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from mentora.accounts.models import (
    BackgroundAnswer,
    MenteeProfile,
    MentorProfile,
    Technology,
    User,
)
from mentora.programs.demo_people import (
    ADMIN,
    COHORTS,
    ENDED,
    MENTEES,
    MENTORS,
    PROGRAM_DATA,
    PROGRAM_SLUG,
    SAMPLE_MENTEES,
    SAMPLE_MENTORS,
    SPRING,
    SUCCESS_MANAGERS,
    TECHNOLOGIES,
    TRACKS,
    Background,
    EndedSpec,
    MenteeSpec,
    MentorSpec,
    email_for,
    handle_for,
)
from mentora.programs.demo_plans import PLANS
from mentora.programs.models import (
    Cohort,
    Membership,
    Mentorship,
    MentorshipStatus,
    Program,
    Role,
)

DEMO_PASSWORD = "mentora-demo"
DEMO_SEED = 2026


# --- Builders ---------------------------------------------------------------


@dataclass
class DemoResult:
    program: Program
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, name, email)
    mentorships_created: int = 0


def upsert_user(
    *, email: str, name: str, time_zone: str, password_hash: str, staff: bool = False
) -> User:
    """A demo user with a known password and a verified email, so login just works.

    `staff` opens Django admin (staff and superuser) and nothing in a program:
    what a demo person sees there comes from the roles `join` gives them."""
    user, _ = User.objects.update_or_create(
        email=email,
        defaults={
            "name": name,
            "time_zone": time_zone,
            "password": password_hash,
            "is_active": True,
            "is_staff": staff,
            "is_superuser": staff,
            # Demo people have accepted and filled their profiles (see `not_onboarded`).
            "activated_at": user_moment(email),
            "onboarded_at": user_moment(email),
            "onboarding_skipped_at": None,
        },
    )
    # Email verification is mandatory: without this the login page asks to verify first.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def user_moment(email: str) -> datetime:
    """When an existing demo person was activated and onboarded: kept on reload."""
    found = User.objects.filter(email=email).values_list("onboarded_at", flat=True).first()
    return found or timezone.now()


# How many invited mentees without a mentor are left mid-onboarding, so staff see the need.
NOT_ONBOARDED = 2


def not_onboarded(program: Program, mentees: dict[str, User]) -> list[User]:
    """Two mentees without a mentor (never the sample logins) who accepted their
    invitation but haven't finished their profile: the welcome steps greet them
    and the staff's home counts them."""
    paired = set(Mentorship.objects.filter(program=program).values_list("mentee_id", flat=True))
    waiting = [
        u
        for name, u in sorted(mentees.items())
        if u.pk not in paired and name not in SAMPLE_MENTEES
    ][:NOT_ONBOARDED]
    User.objects.filter(pk__in=[u.pk for u in waiting]).update(onboarded_at=None)
    return waiting


def technologies() -> dict[str, Technology]:
    """The vocabulary as rows, matched case-insensitively to what may already exist."""
    rows: dict[str, Technology] = {}
    for name, kind in TECHNOLOGIES.items():
        tech = Technology.objects.filter(name__iexact=name).first()
        if tech is None:
            tech = Technology.objects.create(name=name, kind=kind)
        elif tech.kind != kind:
            tech.kind = kind
            tech.save(update_fields=["kind"])
        rows[name] = tech
    return rows


def set_background(user: User, answers: tuple[Background, ...]) -> None:
    for bg_field, value, visibility in answers:
        BackgroundAnswer.objects.update_or_create(
            user=user, field=bg_field, defaults={"value": value, "visibility": visibility}
        )


def upsert_program() -> tuple[Program, dict[str, Cohort]]:
    program, _ = Program.objects.update_or_create(slug=PROGRAM_SLUG, defaults=PROGRAM_DATA)
    cohorts = {}
    for name, (starts_on, ends_on) in COHORTS.items():
        cohorts[name], _ = Cohort.objects.update_or_create(
            program=program, name=name, defaults={"starts_on": starts_on, "ends_on": ends_on}
        )
    return program, cohorts


def join(
    user: User,
    program: Program,
    role: Role,
    *,
    cohort: Cohort | None = None,
    manager: User | None = None,
) -> bool:
    """The role, unless the person has it already: a rerun leaves what staff
    changed in the app (a new cohort or success manager, a graduation, someone
    who left) as it is. True when the membership is new."""
    _membership, created = Membership.objects.get_or_create(
        user=user,
        program=program,
        role=role,
        defaults={"cohort": cohort, "success_manager": manager},
    )
    return created


def upsert_mentor(spec: MentorSpec, techs: dict[str, Technology], password_hash: str) -> User:
    user = upsert_user(
        email=spec.email, name=spec.name, time_zone=spec.time_zone, password_hash=password_hash
    )
    handle = handle_for(spec.name)
    profile, _ = MentorProfile.objects.update_or_create(
        user=user,
        defaults={
            "headline": spec.headline,
            "bio": spec.bio,
            "knowledge_areas": [str(a) for a in spec.areas],
            "years_experience": spec.years,
            "career_stage": spec.stage,
            "current_role": spec.role,
            "company": spec.company,
            "education_path": spec.education,
            "languages": list(spec.languages),
            "capacity": spec.capacity,
            "meeting_link": f"https://meet.example.com/{handle}",
            "github_url": f"https://github.example.com/{handle}",
            "linkedin_url": f"https://linkedin.example.com/in/{handle}",
        },
    )
    profile.stack.set([techs[n] for n in spec.stack])
    set_background(user, spec.background)
    return user


def mentee_stack(spec: MenteeSpec, rng: random.Random) -> list[str]:
    # Bootcamp students know the first few tools of their track, not all of them.
    track = TRACKS[spec.track]
    return list(track.stack[: rng.randint(2, len(track.stack))])


def upsert_mentee(
    spec: MenteeSpec, techs: dict[str, Technology], password_hash: str, rng: random.Random
) -> User:
    user = upsert_user(
        email=spec.email, name=spec.name, time_zone=spec.time_zone, password_hash=password_hash
    )
    track = TRACKS[spec.track]
    interests = [str(a) for a in track.areas]
    profile, _ = MenteeProfile.objects.update_or_create(
        user=user,
        defaults={
            # Each mentee's own track and aim, in their words; the track's
            # general wording is the fallback for a mentee without a plan.
            "learning": PLANS[spec.name].learning if spec.name in PLANS else track.learning,
            "target_roles": PLANS[spec.name].aim if spec.name in PLANS else track.target_roles,
            "interests": interests,
            "prior_background": spec.prior,
            "wants_shared_background": spec.shared,
            "education_path": spec.education,
            "languages": ["en", *spec.languages],
        },
    )
    profile.stack.set([techs[n] for n in mentee_stack(spec, rng)])
    set_background(user, spec.background)
    return user


def fit(mentee: MenteeSpec, mentor: MentorSpec) -> int:
    """A rough score for the demo pairings: shared stack, areas and a second language."""
    track = TRACKS[mentee.track]
    score = 2 * len(set(track.stack) & set(mentor.stack))
    score += 2 * len(set(track.areas) & set(mentor.areas))
    score += 3 * len(set(mentee.languages) & set(mentor.languages))
    return score


def plan_pairings(rng: random.Random) -> dict[str, str]:
    """Mentee name -> mentor name for every matched mentee, never over capacity."""
    free = {m.name: m.capacity for m in MENTORS}
    by_name = {m.name: m for m in MENTORS}
    ended_with = {e.mentee: e.mentor for e in ENDED}
    plan: dict[str, str] = {}
    for mentee in (m for m in MENTEES if m.matched):
        options = [
            name for name, left in free.items() if left > 0 and name != ended_with.get(mentee.name)
        ]
        # The jitter breaks ties differently per mentee so pairings look organic.
        best = max(options, key=lambda name: fit(mentee, by_name[name]) + rng.random() * 3)
        plan[mentee.name] = best
        free[best] -= 1
    return plan


def ensure_ended(
    program: Program, mentor: User, mentee: User, spec: EndedSpec, now: datetime, rng: random.Random
) -> datetime:
    """The ended first pairing; returns when it ended (the re-match starts after it)."""
    started = now - timedelta(days=rng.randint(70, 84))
    ended = now - timedelta(days=rng.randint(21, 35))
    existing = Mentorship.objects.filter(
        program=program, mentor=mentor, mentee=mentee, status=MentorshipStatus.ENDED
    ).first()
    if existing is not None and existing.ended_at is not None:
        return existing.ended_at
    Mentorship.objects.create(
        program=program,
        mentor=mentor,
        mentee=mentee,
        status=MentorshipStatus.ENDED,
        started_at=started,
        ended_at=ended,
        end_reason=spec.reason,
        end_note=spec.note,
    )
    return ended


def ensure_active(
    program: Program, mentor: User, mentee: User, started: datetime, capacity: int
) -> bool:
    """Create the live pairing unless the pair (or a change made in the app) is there."""
    pairs = Mentorship.objects.filter(program=program)
    if pairs.filter(mentor=mentor, mentee=mentee).exclude(status=MentorshipStatus.ENDED).exists():
        return False
    # Someone graduated or left in the running demo is not paired again.
    still_in = Membership.objects.active().filter(program=program)
    if not (
        still_in.filter(user=mentee, role=Role.MENTEE).exists()
        and still_in.filter(user=mentor, role=Role.MENTOR).exists()
    ):
        return False
    # Someone may have re-matched people in the running demo: respect that and capacity.
    if pairs.live().filter(mentee=mentee).exists():
        return False
    if pairs.live().filter(mentor=mentor).count() >= capacity:
        return False
    Mentorship.objects.create(program=program, mentor=mentor, mentee=mentee, started_at=started)
    return True


def create_history(
    program: Program,
    mentors: dict[str, User],
    mentees: dict[str, User],
    rng: random.Random,
    now: datetime,
) -> int:
    plan = plan_pairings(rng)
    ended = {e.mentee: e for e in ENDED}
    capacity = {m.name: m.capacity for m in MENTORS}
    cohort_of = {m.name: m.cohort for m in MENTEES}
    created = 0
    for mentee_name, mentor_name in plan.items():
        mentee, mentor = mentees[mentee_name], mentors[mentor_name]
        # Spring mentees were matched earlier than Autumn ones; days vary per person.
        weeks_ago = (5, 11) if cohort_of[mentee_name] == SPRING else (1, 9)
        started = now - timedelta(days=rng.randint(7 * weeks_ago[0], 7 * weeks_ago[1]))
        if mentee_name in ended:
            spec = ended[mentee_name]
            ended_at = ensure_ended(program, mentors[spec.mentor], mentee, spec, now, rng)
            started = ended_at + timedelta(days=rng.randint(2, 6))
        created += ensure_active(program, mentor, mentee, started, capacity[mentor_name])
    return created


def backdate_joining(program: Program, mentees: list[User], now: datetime) -> None:
    """Mentees joined some days before their first mentor (or, still waiting,
    some days ago), so "waiting since" and the service levels read like a real
    program's. Only memberships this run created: a rerun changes nothing."""
    rng = random.Random(DEMO_SEED + 1)  # its own draws: the pairings stay as they were
    first_match = dict(
        Mentorship.objects.filter(program=program, mentee__in=mentees)
        .values("mentee_id")
        .annotate(first=Min("started_at"))
        .values_list("mentee_id", "first")
    )
    for mentee in mentees:
        anchor = first_match.get(mentee.pk, now)
        joined = anchor - timedelta(days=rng.randint(3, 21), hours=rng.randint(0, 8))
        Membership.objects.filter(program=program, user=mentee, role=Role.MENTEE).update(
            joined_at=joined
        )


@transaction.atomic
def load_demo(now: datetime | None = None) -> DemoResult:
    """Create or refresh the whole demo program in one transaction."""
    now = now or timezone.now()
    rng = random.Random(DEMO_SEED)
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
    program, cohorts = upsert_program()
    techs = technologies()

    admin = upsert_user(
        email=ADMIN.email,
        name=ADMIN.name,
        time_zone=ADMIN.time_zone,
        password_hash=password_hash,
        staff=True,
    )
    join(admin, program, Role.ADMIN)
    managers = []
    for sm in SUCCESS_MANAGERS:
        user = upsert_user(
            email=sm.email, name=sm.name, time_zone=sm.time_zone, password_hash=password_hash
        )
        join(user, program, Role.SUCCESS_MANAGER)
        managers.append(user)

    mentors = {}
    for mentor_spec in MENTORS:
        mentors[mentor_spec.name] = upsert_mentor(mentor_spec, techs, password_hash)
        join(mentors[mentor_spec.name], program, Role.MENTOR)

    mentees = {}
    joined_now = []
    for i, mentee_spec in enumerate(MENTEES):
        user = upsert_mentee(mentee_spec, techs, password_hash, rng)
        # Alternate the caseloads so both managers see both cohorts.
        if join(
            user,
            program,
            Role.MENTEE,
            cohort=cohorts[mentee_spec.cohort],
            manager=managers[i % len(managers)],
        ):
            joined_now.append(user)
        mentees[mentee_spec.name] = user

    result = DemoResult(program=program)
    result.mentorships_created = create_history(program, mentors, mentees, rng, now)
    backdate_joining(program, joined_now, now)
    not_onboarded(program, mentees)
    result.logins = sample_logins()
    return result


def sample_logins() -> list[tuple[str, str, str]]:
    rows = [("Program admin", ADMIN.name, ADMIN.email)]
    rows += [("Success manager", sm.name, sm.email) for sm in SUCCESS_MANAGERS]
    rows += [("Mentor", name, email_for(name)) for name in SAMPLE_MENTORS]
    rows += [("Mentee", name, email_for(name)) for name in SAMPLE_MENTEES]
    return rows
