"""Helpers for insights tests: sessions in a given state at a given time, concerns, pulses."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any, cast

import factory
import time_machine

from mentora.matching.models import Concern, ConcernReason, Pulse
from mentora.programs.models import Mentorship
from mentora.scheduling.models import CancellationKind, CancelReason, Session, SessionStatus
from mentora.tests import factories as f


class ConcernFactory(factory.django.DjangoModelFactory[Concern]):
    class Meta:
        model = Concern

    mentorship = factory.SubFactory(f.MentorshipFactory)
    program = factory.LazyAttribute(lambda o: o.mentorship.program)
    raised_by = factory.LazyAttribute(lambda o: o.mentorship.mentee)
    reason = ConcernReason.NOT_HELPFUL
    created_at = factory.LazyFunction(lambda: datetime.now().astimezone())


class PulseFactory(factory.django.DjangoModelFactory[Pulse]):
    class Meta:
        model = Pulse

    mentorship = factory.SubFactory(f.MentorshipFactory)
    respondent = factory.LazyAttribute(lambda o: o.mentorship.mentee)
    asked_at = factory.LazyAttribute(lambda o: o.answered_at or datetime.now().astimezone())
    answered_at = None


def session(
    mentorship: Mentorship,
    starts_at: datetime,
    status: str = SessionStatus.SCHEDULED,
    *,
    late: bool | None = None,
    cancelled_at: datetime | None = None,
    goal: str | None = None,
    **extra: Any,
) -> Session:
    """A 45-minute session; `late` makes it a cancellation (late or on time)."""
    fields: dict[str, Any] = {"status": status, **extra}
    if late is not None:
        fields.update(
            status=SessionStatus.CANCELLED,
            cancelled_at=cancelled_at or starts_at - timedelta(hours=2 if late else 48),
            cancel_reason=CancelReason.OTHER,
            cancellation_kind=CancellationKind.LATE if late else CancellationKind.ON_TIME,
        )
    s = cast(Session, f.SessionFactory(mentorship=mentorship, starts_at=starts_at, **fields))
    if goal is not None:
        f.AgendaFactory(session=s, goal=goal)
    return s


def populate(
    mentorships: list[Mentorship],
    *,
    now: datetime,
    weeks: int = 12,
    seed: int = 6,
) -> int:
    """A believable history for pages and screenshots: one session a week per mentorship
    over `weeks` weeks (mostly held, some cancelled or missed), agendas, reflections,
    feedback and action items. Sessions of one mentor never overlap."""
    rng = random.Random(seed)
    made = 0
    for slot, mentorship in enumerate(mentorships):
        Mentorship.objects.filter(pk=mentorship.pk).update(
            started_at=now - timedelta(weeks=weeks, days=1)
        )
        steady = rng.random() < 0.75  # a few pairings struggle
        for week in range(weeks, 0, -1):
            starts_at = (now - timedelta(weeks=week) + timedelta(hours=2 * slot)).replace(
                minute=0, second=0, microsecond=0
            )
            roll = rng.random() if steady else rng.random() * 0.7
            status: str = SessionStatus.HELD
            late: bool | None = None
            if roll < 0.07:
                status = SessionStatus.MENTEE_NO_SHOW
            elif roll < 0.10:
                status = SessionStatus.MENTOR_NO_SHOW
            elif roll < 0.16:
                late = True
            elif roll < 0.24:
                late = False
            goal = "Work through the week's project blocker" if rng.random() < 0.8 else None
            s = session(mentorship, starts_at, status, late=late, goal=goal)
            made += 1
            if s.status != SessionStatus.HELD:
                continue
            with time_machine.travel(starts_at + timedelta(hours=2), tick=False):
                f.ReflectionFactory(
                    session=s,
                    author=mentorship.mentee,
                    goal_met=rng.choice(["yes", "yes", "yes", "partly", "partly", "no"]),
                )
                if rng.random() < 0.7:
                    f.ReflectionFactory(session=s, author=mentorship.mentor)
                if rng.random() < 0.75:
                    f.FeedbackFactory(session=s, rating=rng.choice([5, 5, 4, 4, 4, 3, 2]))
                item = f.ActionItemFactory(
                    mentorship=mentorship,
                    session=s,
                    due_on=(starts_at + timedelta(days=5)).date(),
                )
            if rng.random() < 0.85:
                item.done_at = starts_at + timedelta(days=rng.randint(1, 6))
                item.save(update_fields=["done_at"])
    return made
