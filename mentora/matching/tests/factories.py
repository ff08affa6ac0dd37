"""Factories for matching data; people and mentorships come from mentora.tests.factories."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from mentora.matching.models import Concern, ConcernReason, MentorRequest, Pulse
from mentora.tests.factories import MentorshipFactory, ProgramFactory, UserFactory


class MentorRequestFactory(factory.django.DjangoModelFactory[MentorRequest]):
    class Meta:
        model = MentorRequest

    program = factory.SubFactory(ProgramFactory)
    mentee = factory.SubFactory(UserFactory)
    mentor = factory.SubFactory(UserFactory)
    message = (
        "I'm learning Django and want to get my first developer job. "
        "Could you help me review my portfolio and prepare for interviews?"
    )
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + timedelta(days=14))


class PulseFactory(factory.django.DjangoModelFactory[Pulse]):
    class Meta:
        model = Pulse

    mentorship = factory.SubFactory(MentorshipFactory)
    respondent = factory.LazyAttribute(lambda o: o.mentorship.mentee)
    asked_at = factory.LazyFunction(timezone.now)


class ConcernFactory(factory.django.DjangoModelFactory[Concern]):
    class Meta:
        model = Concern

    mentorship = factory.SubFactory(MentorshipFactory)
    program = factory.LazyAttribute(lambda o: o.mentorship.program)
    raised_by = factory.LazyAttribute(lambda o: o.mentorship.mentee)
    reason = ConcernReason.NOT_HELPFUL
    details = "We keep talking past each other and I don't leave with next steps."
    created_at = factory.LazyFunction(timezone.now)
