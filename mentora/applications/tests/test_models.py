"""The database holds the rules: one open application per round and email, a
submitted application has its confirmation, a status change moves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentora.applications.models import ApplicationStatus, StatusChange
from mentora.applications.tests.factories import ApplicationFactory, RoundFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def test_one_open_application_per_round_and_email(program):
    round_ = RoundFactory(program=program)
    ApplicationFactory(round=round_, email="ava@example.org", status=S.WITHDRAWN)
    ApplicationFactory(round=round_, email="ava@example.org", status=S.DECLINED)
    ApplicationFactory(round=round_, email="ava@example.org")
    ApplicationFactory(round=RoundFactory(program=program), email="ava@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(round=round_, email="ava@example.org", status=S.DRAFT)


def test_past_the_draft_an_application_was_confirmed_and_submitted(program):
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(
            round=RoundFactory(program=program), status=S.IN_REVIEW, submitted_at=None
        )


def test_a_round_closes_after_it_opens(program):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundFactory(program=program, closes_at=timezone.now() - timedelta(days=5))


def test_a_status_change_moves(program):
    application = ApplicationFactory(round=RoundFactory(program=program))
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusChange.objects.create(
            application=application,
            from_status=S.SUBMITTED,
            to_status=S.SUBMITTED,
            at=timezone.now(),
        )
