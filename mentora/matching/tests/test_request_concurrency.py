"""Requests under concurrency, against real PostgreSQL (threads stand in for requests).

A mentee's requests racing past the cap, two mentors accepting one mentee, two
mentees accepted for a mentor's last place, an accept racing a withdrawal:
exactly one wins each time, the other gets a MatchingError, never an error.
"""

from __future__ import annotations

from datetime import time

import pytest

from mentora.matching.mentor_requests.services import (
    request_accept,
    request_create,
    request_withdraw,
)
from mentora.matching.models import MentorRequest, RequestStatus
from mentora.matching.tests.people import MESSAGE, mentee_in, mentor_in
from mentora.matching.tests.test_staff_concurrency import at_once
from mentora.programs.models import Mentorship

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TUESDAY_18 = {"weekday": 1, "time_of_day": time(18)}


def ask(program, mentee, mentor):
    return request_create(program=program, mentee=mentee, mentor=mentor, message=MESSAGE)


def test_two_requests_at_once_never_pass_the_cap(program):
    program.max_open_requests = 1
    program.save()
    seeker = mentee_in(program)
    first, second = mentor_in(program, "First"), mentor_in(program, "Second")

    won, refused, errors = at_once(
        lambda: ask(program, seeker, first), lambda: ask(program, seeker, second)
    )

    assert errors == []
    assert (len(won), [r.code for r in refused]) == (1, ["too_many_open"])
    assert MentorRequest.objects.open().count() == 1


def test_two_mentors_accepting_one_mentee_start_one_mentorship(program):
    seeker = mentee_in(program)
    ana, ben = mentor_in(program, "Ana"), mentor_in(program, "Ben")
    to_ana, to_ben = ask(program, seeker, ana), ask(program, seeker, ben)

    won, refused, errors = at_once(
        lambda: request_accept(request=to_ana, by=ana, **TUESDAY_18),
        lambda: request_accept(request=to_ben, by=ben, **TUESDAY_18),
    )

    assert errors == []
    assert (len(won), len(refused)) == (1, 1)
    assert Mentorship.objects.live().filter(mentee=seeker).count() == 1
    statuses = sorted(MentorRequest.objects.values_list("status", flat=True))
    assert statuses == [RequestStatus.ACCEPTED, RequestStatus.WITHDRAWN]


def test_two_accepts_for_a_mentors_last_place_fill_it_once(program):
    last_place = mentor_in(program, "One Place", capacity=1)
    first, second = mentee_in(program, "First"), mentee_in(program, "Second")
    one, two = ask(program, first, last_place), ask(program, second, last_place)

    won, refused, errors = at_once(
        lambda: request_accept(request=one, by=last_place, weekday=1, time_of_day=time(17)),
        lambda: request_accept(request=two, by=last_place, weekday=1, time_of_day=time(19)),
    )

    assert errors == []
    assert (len(won), len(refused)) == (1, 1)
    assert Mentorship.objects.live().filter(mentor=last_place).count() == 1


def test_accept_and_withdraw_at_once_have_one_winner(program):
    seeker = mentee_in(program)
    rae = mentor_in(program)
    asked = ask(program, seeker, rae)

    won, refused, errors = at_once(
        lambda: request_accept(
            request=MentorRequest.objects.get(pk=asked.pk), by=rae, **TUESDAY_18
        ),
        lambda: request_withdraw(request=MentorRequest.objects.get(pk=asked.pk), by=seeker),
    )

    assert errors == []
    assert (len(won), [r.code for r in refused]) == (1, ["not_open"])
    asked.refresh_from_db()
    live = Mentorship.objects.live().filter(mentee=seeker).exists()
    assert (asked.status == RequestStatus.ACCEPTED) == live
