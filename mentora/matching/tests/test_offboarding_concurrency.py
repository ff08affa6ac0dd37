"""Off-boarding under concurrency, against real PostgreSQL (threads stand in for requests).

Graduating and marking as left at once: exactly one wins, the other is refused.
A mentor accepting a request while the mentee is marked as left: either the
mentorship never starts, or it starts and is ended by the leaving; never a live
mentorship with someone who has left.
"""

from __future__ import annotations

from datetime import time

import pytest

from mentora.matching.lifecycle import offboarding
from mentora.matching.mentor_requests.services import request_accept, request_create
from mentora.matching.tests.people import MESSAGE, mentee_in, mentor_in
from mentora.matching.tests.test_staff_concurrency import at_once
from mentora.programs.models import Membership, MembershipStatus, Mentorship, Role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_graduating_and_leaving_at_once_have_one_winner(program):
    seeker = mentee_in(program)
    membership = Membership.objects.select_related("user").get(user=seeker, role=Role.MENTEE)

    won, refused, errors = at_once(
        lambda: offboarding.membership_graduate(membership=membership, by=None),
        lambda: offboarding.membership_leave(membership=membership, by=None),
    )

    assert errors == []
    assert (len(won), len(refused)) == (1, 1)
    assert refused[0].code in ("already_graduated", "already_left")
    membership.refresh_from_db()
    assert membership.status in (MembershipStatus.GRADUATED, MembershipStatus.LEFT)


def test_an_accept_racing_a_leave_never_leaves_a_live_mentorship(program):
    seeker = mentee_in(program)
    mentor = mentor_in(program)
    asked = request_create(program=program, mentee=seeker, mentor=mentor, message=MESSAGE)
    membership = Membership.objects.select_related("user").get(user=seeker, role=Role.MENTEE)

    _won, refused, errors = at_once(
        lambda: request_accept(request=asked, by=mentor, weekday=1, time_of_day=time(18)),
        lambda: offboarding.membership_leave(membership=membership, by=None),
    )

    assert errors == []
    assert [r.code for r in refused] in ([], ["not_open"])  # the accept may come too late
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LEFT
    assert not Mentorship.objects.live().filter(mentee=seeker).exists()
