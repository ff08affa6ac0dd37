"""Helpers for insights tests: sessions in a given state at a given time, concerns, pulses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

import factory

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
