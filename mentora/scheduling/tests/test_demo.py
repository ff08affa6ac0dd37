"""The demo program's scheduling history is realistic and never double-books."""

from itertools import pairwise

import pytest
from django.core.management import call_command

from mentora.scheduling.models import Cadence, Session, SessionStatus

pytestmark = pytest.mark.django_db


def test_demo_gives_every_live_mentorship_a_rhythm_and_history(db):
    call_command("load_demo", skip_checks=True)

    assert Cadence.objects.count() == 31
    statuses = set(Session.objects.values_list("status", flat=True))
    assert {SessionStatus.HELD, SessionStatus.CANCELLED, SessionStatus.SCHEDULED} <= statuses


def test_demo_twice_adds_no_sessions(db):
    call_command("load_demo", skip_checks=True)
    count = Session.objects.count()

    call_command("load_demo", skip_checks=True)

    assert Session.objects.count() == count


def test_demo_sessions_never_overlap_for_a_mentor(db):
    call_command("load_demo", skip_checks=True)

    live = Session.objects.live().order_by("mentor_id", "blocked_from")
    for a, b in pairwise(live):
        if a.mentor_id == b.mentor_id:
            assert a.blocked_until <= b.blocked_from, (a, b)
