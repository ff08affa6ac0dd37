"""The demo's matching history: requests, pulses, an open concern, resolved re-matches."""

import pytest
from django.core.management import call_command

from mentora.matching.models import (
    Concern,
    ConcernOutcome,
    ConcernStatus,
    MentorRequest,
    Pulse,
    PulseAnswer,
    RequestStatus,
)
from mentora.programs.models import Mentorship

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (MentorRequest, Pulse, Concern)]


def test_demo_loads_matching_history_once():
    call_command("load_demo", skip_checks=True)
    first = counts()

    call_command("load_demo", skip_checks=True)

    assert all(n > 0 for n in first)
    assert counts() == first


def test_demo_requests_come_from_mentees_without_a_live_mentor():
    call_command("load_demo", skip_checks=True)

    open_requests = MentorRequest.objects.filter(status=RequestStatus.OPEN)

    assert open_requests.exists()
    for request in open_requests:
        assert not Mentorship.objects.live().filter(mentee=request.mentee).exists()


def test_demo_has_an_open_concern_on_a_struggling_pairing_and_resolved_rematches():
    call_command("load_demo", skip_checks=True)

    concern = Concern.objects.get(status=ConcernStatus.OPEN)
    resolved = Concern.objects.filter(outcome=ConcernOutcome.REMATCHED)

    assert Pulse.objects.filter(
        mentorship=concern.mentorship, answer=PulseAnswer.NOT_A_FIT
    ).exists()
    assert resolved.exists()
    assert all(c.new_mentorship is not None and c.new_mentorship.is_live for c in resolved)
