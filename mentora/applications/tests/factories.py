"""Rounds, questions and applications for the tests."""

from __future__ import annotations

import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from mentora.applications.models import (
    Answer,
    Application,
    ApplicationRound,
    ApplicationStatus,
    Question,
    QuestionKind,
    RoundRole,
    StatusChange,
    link_hash,
)
from mentora.tests import factories as f


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationRound

    program = factory.SubFactory(f.ProgramFactory)
    role = RoundRole.MENTEE
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    intro = "Learn to build web apps with a mentor at your side."


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    round = factory.SubFactory(RoundFactory)
    order = factory.Sequence(lambda n: n)
    kind = QuestionKind.SHORT_TEXT
    label = factory.Sequence(lambda n: f"Question {n}")
    required = True


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application; `token` is its link's token (only the hash is stored)."""

    class Meta:
        model = Application
        exclude = ("token",)

    round = factory.SubFactory(RoundFactory)
    email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    name = factory.Sequence(lambda n: f"Applicant {n}")
    time_zone = "Europe/Lisbon"
    status = ApplicationStatus.SUBMITTED
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    link_hash = factory.LazyAttribute(lambda o: link_hash(o.token))
    email_confirmed_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyFunction(timezone.now)


def application_with_token(**kwargs):
    token = secrets.token_urlsafe(32)
    application = ApplicationFactory(link_hash=link_hash(token), **kwargs)
    return application, token


def answer(application, question, value):
    return Answer.objects.create(application=application, question=question, value=value)


def change(application, by=None, **kwargs):
    return StatusChange.objects.create(
        application=application,
        from_status=kwargs.pop("from_status", ApplicationStatus.DRAFT),
        to_status=kwargs.pop("to_status", ApplicationStatus.SUBMITTED),
        by=by,
        at=timezone.now(),
        **kwargs,
    )
