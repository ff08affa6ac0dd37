"""Matching history for the demo: mentor requests from mentees still without a
mentor, relationship pulses on live mentorships, an open concern, and the
resolved concerns behind the demo's re-matches. Idempotent: a program that
already has requests or pulses is left alone (people may have acted in it)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Q

from mentora.accounts.models import User
from mentora.matching.models import (
    Concern,
    ConcernOutcome,
    ConcernReason,
    ConcernStatus,
    DeclineReason,
    MentorRequest,
    Pulse,
    PulseAnswer,
    RequestStatus,
)
from mentora.mentoring.demo import my_project
from mentora.programs.demo_people import MENTEES, REQUESTED_MENTOR, UNMATCHED_MENTEE
from mentora.programs.demo_plans import PLANS
from mentora.programs.models import (
    LIVE_MENTORSHIP_STATUSES,
    EndReason,
    Membership,
    Mentorship,
    MentorshipStatus,
    Program,
    Role,
)
from mentora.scheduling.models import Session, SessionStatus

SPEC_OF = {spec.name: spec for spec in MENTEES}

REQUEST_ASKS = (
    "Could you help me plan {project} so it shows what a team would expect from a junior?",
    "I'd love weekly code reviews on {project} and honest advice on when I'm ready to apply.",
    "I learn best by building: could we work on {project} together and talk careers on the side?",
    "Your profile says you've hired juniors; I'd value help turning {project} into interviews.",
    "I'm stuck between learning more and applying now. Could you help me decide, "
    "starting from {project}?",
    "I want someone who will tell me what to ignore. My project is {project}.",
)
DECLINE_NOTES = (
    "My hours are full with work this month; someone with more room will serve you better.",
    "Your goals sit outside what I do every day; a mentor with your stack on their "
    "profile will help you more.",
)
OPEN_CONCERN = (
    "Our last two sessions were cancelled at short notice and I'm not sure we're a good fit for "
    "what I need right now: hands-on help with {project}."
)


def request_message(mentee_name: str, rng: random.Random) -> str:
    """In the mentee's words: where they come from, what they learn, what they ask."""
    spec = SPEC_OF.get(mentee_name)
    plan = PLANS.get(mentee_name)
    if spec is None or plan is None:
        return "I'd like a mentor to help me plan my learning and my first applications."
    ask = rng.choice(REQUEST_ASKS).format(project=my_project(plan.project))
    return (
        f"{spec.prior} My focus here is {in_sentence(plan.learning)}, and my aim is a job as "
        f"{in_sentence(plan.aim)}. {ask}"
    )


PROPER = ("Python", "Django", "Java", "Spring", "React", "Linux", "TypeScript", "Kubernetes")


def in_sentence(phrase: str) -> str:
    """A capitalised phrase for the middle of a sentence: 'Data analyst' ->
    'data analyst', but 'SQL and Python' and 'Python developer' stay."""
    first = phrase.split(" ", 1)[0].rstrip(",")
    if first in PROPER or first[1:2].isupper():
        return phrase
    return phrase[:1].lower() + phrase[1:]


def _unmatched_mentees(program: Program) -> list[int]:
    live = Mentorship.objects.live().filter(program=program).values("mentee_id")
    return list(
        Membership.objects.active()
        .filter(program=program, role=Role.MENTEE)
        .exclude(user_id__in=live)
        .exclude(user__name=UNMATCHED_MENTEE)  # the sample login finds a mentor herself
        .order_by("user__name")
        .values_list("user_id", flat=True)
    )


def _mentors_with_room(program: Program) -> list[int]:
    live = Q(
        user__mentorships_as_mentor__program=program,
        user__mentorships_as_mentor__status__in=LIVE_MENTORSHIP_STATUSES,
    )
    mentors = (
        Membership.objects.active()
        .filter(program=program, role=Role.MENTOR)
        .annotate(load=Count("user__mentorships_as_mentor", filter=live))
        .filter(load__lt=F("user__mentor_profile__capacity"))
        .order_by("user__name")
    )
    # The sample mentor first, so their login has requests waiting.
    rows = sorted(
        mentors.values_list("user__name", "user_id"), key=lambda r: r[0] != REQUESTED_MENTOR
    )
    return [user_id for _name, user_id in rows]


def _requests(program: Program, now: datetime, rng: random.Random) -> int:
    mentees = _unmatched_mentees(program)
    mentors = _mentors_with_room(program) or list(
        Membership.objects.filter(program=program, role=Role.MENTOR).values_list(
            "user_id", flat=True
        )
    )
    names = dict(User.objects.filter(pk__in=mentees).values_list("pk", "name"))
    made = 0
    for k, mentee_id in enumerate(mentees[:6]):
        mentor_id = mentors[k % len(mentors)]
        created = now - timedelta(days=rng.randint(1, 5))
        MentorRequest.objects.create(
            program=program,
            mentee_id=mentee_id,
            mentor_id=mentor_id,
            message=request_message(names[mentee_id], rng),
            created_at=created,
            expires_at=created + timedelta(days=program.request_expiry_days),
        )
        made += 1
    if len(mentees) > 6 and len(mentors) > 1:
        created = now - timedelta(days=9)
        MentorRequest.objects.create(
            program=program,
            mentee_id=mentees[6],
            mentor_id=mentors[1],
            message=request_message(names[mentees[6]], rng),
            created_at=created,
            expires_at=created + timedelta(days=program.request_expiry_days),
            status=RequestStatus.DECLINED,
            decided_at=created + timedelta(days=1),
            decline_reason=DeclineReason.OUTSIDE_EXPERTISE,
            decline_note=rng.choice(DECLINE_NOTES),
        )
        made += 1
    return made


def _pulses(program: Program, now: datetime, rng: random.Random) -> Mentorship | None:
    """Pulses for every live mentorship with a held session; returns one that isn't working."""
    struggling = None
    live = Mentorship.objects.live().filter(program=program).order_by("pk")
    for k, m in enumerate(live):
        first = (
            Session.objects.filter(mentorship=m, status=SessionStatus.HELD)
            .order_by("starts_at")
            .first()
        )
        if first is None:
            continue
        asked = first.ends_at + timedelta(hours=2)
        for respondent_id in (m.mentee_id, m.mentor_id):
            answer = PulseAnswer.GOOD if rng.random() < 0.85 else PulseAnswer.DECIDING
            if k == 3:
                answer, struggling = PulseAnswer.NOT_A_FIT, m
            Pulse.objects.create(
                mentorship=m,
                respondent_id=respondent_id,
                asked_at=asked,
                answer=answer,
                answered_at=asked + timedelta(hours=rng.randint(1, 30)),
            )
        if (now - asked).days >= 28 and k % 4 == 1:  # a newer pulse still waiting
            Pulse.objects.create(mentorship=m, respondent_id=m.mentee_id, asked_at=now)
    return struggling


def _concerns(program: Program, struggling: Mentorship | None, now: datetime) -> int:
    made = 0
    if struggling is not None:
        Concern.objects.create(
            program=program,
            mentorship=struggling,
            raised_by_id=struggling.mentee_id,
            reason=ConcernReason.MISSED_SESSIONS,
            details=OPEN_CONCERN.format(
                project=my_project(PLANS[struggling.mentee.name].project)
                if struggling.mentee.name in PLANS
                else "my portfolio project"
            ),
            created_at=now - timedelta(days=1),
        )
        made += 1
    ended = Mentorship.objects.filter(
        program=program, status=MentorshipStatus.ENDED, end_reason=EndReason.NOT_A_FIT
    )
    for old in ended:
        new = Mentorship.objects.live().filter(program=program, mentee_id=old.mentee_id).first()
        ended_at = old.ended_at or now
        Concern.objects.create(
            program=program,
            mentorship=old,
            raised_by_id=old.mentee_id,
            reason=ConcernReason.EXPERTISE,
            details=old.end_note,
            created_at=ended_at - timedelta(days=3),
            status=ConcernStatus.RESOLVED,
            resolved_at=ended_at,
            resolved_by=Membership.objects.get(
                program=program, user_id=old.mentee_id, role=Role.MENTEE
            ).success_manager,
            outcome=ConcernOutcome.REMATCHED,
            resolution_note="Talked with both; re-matched with a mentor closer to the goal.",
            new_mentorship=new,
        )
        made += 1
    return made


@transaction.atomic
def load_matching(program: Program, now: datetime, seed: int = 2027) -> int:
    """Requests, pulses and concerns for the demo; returns how many rows it made."""
    if MentorRequest.objects.filter(program=program).exists():
        return 0
    if Pulse.objects.filter(mentorship__program=program).exists():
        return 0
    rng = random.Random(seed)
    made = _requests(program, now, rng)
    struggling = _pulses(program, now, rng)
    return made + _concerns(program, struggling, now)
