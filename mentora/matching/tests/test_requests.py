"""The request rules: cap, expiry, full mentor, one live mentor, accept, decline, withdraw."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from mentora.matching.errors import MatchingError
from mentora.matching.mentor_requests import queries as request_queries
from mentora.matching.mentor_requests.services import (
    request_accept,
    request_create,
    request_decline,
    request_withdraw,
    requests_expire,
)
from mentora.matching.models import DeclineReason, MentorRequest, RequestStatus, WithdrawReason
from mentora.matching.tests.people import MESSAGE, mentee_in, mentor_in
from mentora.programs.models import Mentorship, MentorshipStatus
from mentora.scheduling.models import Cadence, Session
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db

TUESDAY_18 = {"weekday": 1, "time_of_day": time(18)}


@pytest.fixture
def seeker(program):
    return mentee_in(program)


@pytest.fixture
def rae(program):
    return mentor_in(program, "Rae Mentor")


def ask(program, mentee, mentor, now, message=MESSAGE):
    return request_create(program=program, mentee=mentee, mentor=mentor, message=message, now=now)


def refused(call) -> MatchingError:
    with pytest.raises(MatchingError) as caught:
        call()
    return caught.value


def refusal_code(call) -> str:
    return refused(call).code


# --- asking ------------------------------------------------------------------------


def test_request_create_is_open_until_the_programs_expiry(program, seeker, rae, now):
    program.request_expiry_days = 10
    program.save()

    request = ask(program, seeker, rae, now)

    assert request.status == RequestStatus.OPEN
    assert request.message == MESSAGE
    assert request.expires_at == now + timedelta(days=10)


@pytest.mark.parametrize("message", ["", "Please mentor me.", " " * 300 + "Help me!"])
def test_request_create_short_message_is_refused(program, seeker, rae, now, message):
    error = refused(lambda: ask(program, seeker, rae, now, message))

    assert error.code == "message_too_short"
    assert error.field == "message"
    assert not MentorRequest.objects.exists()


def test_request_create_over_long_message_is_refused(program, seeker, rae, now):
    code = refusal_code(lambda: ask(program, seeker, rae, now, "x" * 2001))

    assert code == "message_too_long"
    assert not MentorRequest.objects.exists()


def test_request_create_fourth_open_request_is_refused(program, seeker, now):
    mentors = [mentor_in(program, f"Mentor {i}") for i in range(4)]
    for mentor in mentors[:3]:
        ask(program, seeker, mentor, now)

    code = refusal_code(lambda: ask(program, seeker, mentors[3], now))

    assert code == "too_many_open"
    assert MentorRequest.objects.count() == 3


def test_request_create_cap_is_the_programs_setting(program, seeker, now):
    program.max_open_requests = 1
    program.save()
    first, second = mentor_in(program, "First"), mentor_in(program, "Second")
    ask(program, seeker, first, now)

    code = refusal_code(lambda: ask(program, seeker, second, now))

    assert code == "too_many_open"


def test_request_create_expired_requests_free_their_place_under_the_cap(program, seeker, now):
    program.max_open_requests = 1
    program.save()
    first, second = mentor_in(program, "First"), mentor_in(program, "Second")
    old = ask(program, seeker, first, now - timedelta(days=program.request_expiry_days + 1))

    ask(program, seeker, second, now)

    old.refresh_from_db()
    assert old.status == RequestStatus.EXPIRED
    assert MentorRequest.objects.open().get().mentor == second


def test_request_create_same_mentor_again_after_expiry_is_allowed(program, seeker, rae, now):
    ask(program, seeker, rae, now - timedelta(days=program.request_expiry_days + 1))

    again = ask(program, seeker, rae, now)

    assert again.status == RequestStatus.OPEN
    assert list(MentorRequest.objects.values_list("status", flat=True).order_by("created_at")) == [
        RequestStatus.EXPIRED,
        RequestStatus.OPEN,
    ]


def test_request_create_same_mentor_twice_is_refused(program, seeker, rae, now):
    ask(program, seeker, rae, now)

    code = refusal_code(lambda: ask(program, seeker, rae, now + timedelta(minutes=1)))

    assert code == "already_requested"
    assert MentorRequest.objects.count() == 1


def test_request_create_full_mentor_is_refused(program, seeker, now):
    full = mentor_in(program, "Full Mentor", capacity=1)
    f.MentorshipFactory(program=program, mentor=full, mentee=mentee_in(program, "Taken"))

    code = refusal_code(lambda: ask(program, seeker, full, now))

    assert code == "mentor_full"
    assert not MentorRequest.objects.exists()


def test_request_create_self_requests_off_is_refused(program, seeker, rae, now):
    program.self_requests_enabled = False
    program.save()

    code = refusal_code(lambda: ask(program, seeker, rae, now))

    assert code == "self_requests_off"
    assert not MentorRequest.objects.exists()


def test_request_create_mentee_with_a_live_mentor_is_refused(program, mentee, rae, now):
    code = refusal_code(lambda: ask(program, mentee, rae, now))

    assert code == "has_mentor"


def test_request_create_mentee_with_a_paused_mentor_is_refused(program, mentee, rae, now):
    Mentorship.objects.filter(mentee=mentee).update(status=MentorshipStatus.PAUSED)

    code = refusal_code(lambda: ask(program, mentee, rae, now))

    assert code == "has_mentor"


def test_request_create_after_mentorship_ended_is_allowed(program, mentee, rae, now):
    Mentorship.objects.filter(mentee=mentee).update(
        status=MentorshipStatus.ENDED, ended_at=now, end_reason="completed"
    )

    assert ask(program, mentee, rae, now).status == RequestStatus.OPEN


def test_request_create_mentor_of_another_program_is_refused(program, seeker, now):
    elsewhere = mentor_in(f.ProgramFactory(), "Elsewhere Mentor")

    code = refusal_code(lambda: ask(program, seeker, elsewhere, now))

    assert code == "not_a_mentor"


def test_request_create_by_a_mentor_is_refused(program, rae, now):
    other = mentor_in(program, "Other Mentor")

    code = refusal_code(lambda: ask(program, rae, other, now))

    assert code == "not_a_mentee"


# --- accepting ---------------------------------------------------------------------


def test_request_accept_starts_the_mentorship_with_weekly_sessions(program, seeker, rae, now):
    request = ask(program, seeker, rae, now)

    request_accept(request=request, by=rae, **TUESDAY_18, now=now)

    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert request.mentorship.mentee == seeker
    assert request.mentorship.status == MentorshipStatus.ACTIVE
    cadence = Cadence.objects.get(mentorship=request.mentorship)
    assert (cadence.weekday, cadence.time_of_day, cadence.time_zone) == (
        1,
        time(18),
        "America/New_York",
    )
    starts = [
        s.starts_at.astimezone(ZoneInfo("America/New_York"))
        for s in Session.objects.filter(mentorship=request.mentorship)
    ]
    assert starts
    assert {(s.weekday(), s.hour, s.minute) for s in starts} == {(1, 18, 0)}


def test_request_accept_withdraws_the_mentees_other_open_requests(program, seeker, rae, now):
    others = [mentor_in(program, f"Other {i}") for i in range(2)]
    other_requests = [ask(program, seeker, m, now) for m in others]
    request = ask(program, seeker, rae, now)

    request_accept(request=request, by=rae, **TUESDAY_18, now=now)

    for other in other_requests:
        other.refresh_from_db()
        assert other.status == RequestStatus.WITHDRAWN
        assert other.withdraw_reason == WithdrawReason.MATCHED_ELSEWHERE
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert request.withdraw_reason == ""


def test_request_accept_twice_is_refused(program, seeker, rae, now):
    request = ask(program, seeker, rae, now)
    request_accept(request=request, by=rae, **TUESDAY_18, now=now)

    again = MentorRequest.objects.get(pk=request.pk)
    code = refusal_code(lambda: request_accept(request=again, by=rae, **TUESDAY_18, now=now))

    assert code == "not_open"
    assert Mentorship.objects.filter(mentee=seeker).count() == 1


def test_request_accept_expired_request_is_refused_and_nothing_saved(program, seeker, rae, now):
    request = ask(program, seeker, rae, now)
    later = request.expires_at + timedelta(minutes=1)

    error = refused(lambda: request_accept(request=request, by=rae, **TUESDAY_18, now=later))

    assert error.code == "not_open"
    assert "expired" in error.message
    assert not Mentorship.objects.filter(mentee=seeker).exists()
    assert MentorRequest.objects.get().status == RequestStatus.OPEN  # the job closes it


def test_request_accept_after_withdrawal_is_refused(program, seeker, rae, now):
    request = ask(program, seeker, rae, now)
    request_withdraw(request=MentorRequest.objects.get(pk=request.pk), by=seeker, now=now)

    error = refused(lambda: request_accept(request=request, by=rae, **TUESDAY_18, now=now))

    assert error.message == "This request was withdrawn."
    assert not Mentorship.objects.filter(mentee=seeker).exists()


def test_request_accept_time_outside_weekly_hours_is_refused(program, seeker, rae, now):
    request = ask(program, seeker, rae, now)

    error = refused(
        lambda: request_accept(
            request=request,
            by=rae,
            weekday=1,
            time_of_day=time(19, 30),  # 45 minutes don't fit before 20:00
            now=now,
        )
    )

    assert (error.code, error.field) == ("bad_time", "slot")
    assert MentorRequest.objects.get().status == RequestStatus.OPEN
    assert not Mentorship.objects.filter(mentee=seeker).exists()


def test_request_accept_by_another_mentor_is_refused(program, seeker, rae, now):
    request = ask(program, seeker, rae, now)
    other = mentor_in(program, "Other Mentor")

    code = refusal_code(lambda: request_accept(request=request, by=other, **TUESDAY_18, now=now))

    assert code == "not_yours"


def test_request_accept_when_full_is_refused_and_nothing_saved(program, seeker, now):
    full = mentor_in(program, "Full Mentor", capacity=1)
    request = ask(program, seeker, full, now)
    f.MentorshipFactory(program=program, mentor=full, mentee=mentee_in(program, "Staff-matched"))

    code = refusal_code(lambda: request_accept(request=request, by=full, **TUESDAY_18, now=now))

    assert code == "mentor_full"
    assert MentorRequest.objects.get().status == RequestStatus.OPEN


def test_request_accept_last_place_withdraws_requests_waiting_on_the_mentor(program, seeker, now):
    last_place = mentor_in(program, "One Place", capacity=1)
    other_seeker = mentee_in(program, "Other Seeker")
    request = ask(program, seeker, last_place, now)
    waiting = ask(program, other_seeker, last_place, now)

    request_accept(request=request, by=last_place, **TUESDAY_18, now=now)

    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.WITHDRAWN
    assert waiting.withdraw_reason == WithdrawReason.MENTOR_FULL


def test_request_accept_mentee_matched_meanwhile_is_refused(program, seeker, rae, now):
    request = ask(program, seeker, rae, now)
    f.MentorshipFactory(program=program, mentor=mentor_in(program, "Staff pick"), mentee=seeker)

    code = refusal_code(lambda: request_accept(request=request, by=rae, **TUESDAY_18, now=now))

    assert code == "has_mentor"


# --- declining and withdrawing ----------------------------------------------------------


@pytest.mark.parametrize("reason", DeclineReason.values)
def test_request_decline_keeps_the_reason_and_note(program, seeker, rae, now, reason):
    request = ask(program, seeker, rae, now)

    request_decline(request=request, by=rae, reason=reason, note="  Try Ana instead.  ", now=now)

    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert (request.decline_reason, request.decline_note) == (reason, "Try Ana instead.")
    assert request.decided_at == now
    assert not Mentorship.objects.filter(mentee=seeker).exists()


def test_request_decline_unknown_reason_is_refused(program, seeker, rae, now):
    request = ask(program, seeker, rae, now)

    error = refused(lambda: request_decline(request=request, by=rae, reason="bored", now=now))

    assert (error.code, error.field) == ("bad_reason", "reason")
    assert MentorRequest.objects.get().status == RequestStatus.OPEN


def test_request_decline_over_long_note_is_refused(program, seeker, rae, now):
    request = ask(program, seeker, rae, now)

    code = refusal_code(
        lambda: request_decline(
            request=request, by=rae, reason=DeclineReason.OTHER, note="x" * 501, now=now
        )
    )

    assert code == "note_too_long"


def test_request_decline_by_the_mentee_is_refused(program, seeker, rae, now):
    request = ask(program, seeker, rae, now)

    code = refusal_code(
        lambda: request_decline(request=request, by=seeker, reason=DeclineReason.SCHEDULE, now=now)
    )

    assert code == "not_yours"


def test_request_withdraw_by_the_mentee_closes_it(program, seeker, rae, now):
    request = ask(program, seeker, rae, now)

    request_withdraw(request=request, by=seeker, now=now)

    request.refresh_from_db()
    assert (request.status, request.withdraw_reason) == (
        RequestStatus.WITHDRAWN,
        WithdrawReason.BY_MENTEE,
    )


def test_request_withdraw_by_the_mentor_is_refused(program, seeker, rae, now):
    request = ask(program, seeker, rae, now)

    code = refusal_code(lambda: request_withdraw(request=request, by=rae, now=now))

    assert code == "not_yours"
    assert MentorRequest.objects.get().status == RequestStatus.OPEN


def test_request_withdraw_declined_request_is_refused(program, seeker, rae, now):
    request = ask(program, seeker, rae, now)
    request_decline(request=request, by=rae, reason=DeclineReason.SCHEDULE, now=now)

    code = refusal_code(lambda: request_withdraw(request=request, by=seeker, now=now))

    assert code == "not_open"


# --- expiry -----------------------------------------------------------------------------


def test_requests_expire_closes_only_overdue_open_requests(program, seeker, rae, now):
    overdue = ask(program, seeker, rae, now - timedelta(days=program.request_expiry_days, hours=1))
    fresh = ask(program, mentee_in(program, "Fresh"), rae, now)
    declined = ask(program, mentee_in(program, "Declined"), rae, now - timedelta(days=30))
    request_decline(
        request=declined, by=rae, reason=DeclineReason.OTHER, now=now - timedelta(days=29)
    )

    closed = requests_expire(now=now)

    assert closed == 1
    statuses = {r.pk: r.status for r in MentorRequest.objects.all()}
    assert statuses == {
        overdue.pk: RequestStatus.EXPIRED,
        fresh.pk: RequestStatus.OPEN,
        declined.pk: RequestStatus.DECLINED,
    }


# --- weekly times offered on accepting -------------------------------------------------


def test_weekly_times_fit_the_session_and_skip_other_cadences(program, seeker, now):
    mentor = mentor_in(program, "Busy", hours=((1, 17, 19),))
    taken = f.MentorshipFactory(program=program, mentor=mentor, mentee=mentee_in(program, "Mia"))
    f.CadenceFactory(mentorship=taken, weekday=1, time_of_day=time(17), length_minutes=45)

    times = request_queries.weekly_times(
        program=program, mentor=mentor, mentee_zone="Europe/Berlin", now=now
    )

    # 17:00–17:45 is taken; a 45-minute session must end by 19:00.
    assert [t.at for t in times] == [time(17, 45), time(18, 0), time(18, 15)]
    assert times[1].label == "Tuesday 18:00 EST · for them Wednesday 00:00 CET"
