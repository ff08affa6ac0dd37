"""Starting, ending and pausing mentorships: the writes every way of matching ends in."""

from datetime import timedelta

import pytest

from mentora.matching.errors import MatchingError
from mentora.matching.lifecycle.services import (
    mentorship_end,
    mentorship_pause,
    mentorship_resume,
    mentorship_start,
)
from mentora.matching.models import MentorRequest, RequestStatus, WithdrawReason
from mentora.matching.tests.factories import MentorRequestFactory
from mentora.programs.models import EndReason, Mentorship, MentorshipStatus, Role
from mentora.scheduling.models import CancellationKind, CancelReason, SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = pytest.mark.django_db


def a_mentor(program, capacity=3):
    user = f.UserFactory()
    f.MembershipFactory(user=user, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=user, capacity=capacity)
    return user


def a_mentee(program):
    user = f.UserFactory()
    f.MembershipFactory(user=user, program=program, role=Role.MENTEE)
    return user


# --- start ------------------------------------------------------------------------------


def test_mentorship_start_creates_an_active_mentorship(program):
    mentor, mentee = a_mentor(program), a_mentee(program)

    mentorship = mentorship_start(program=program, mentor=mentor, mentee=mentee, now=NOW)

    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.started_at) == (MentorshipStatus.ACTIVE, NOW)


def test_mentorship_start_withdraws_the_mentees_open_requests(program):
    mentor, mentee = a_mentor(program), a_mentee(program)
    elsewhere = MentorRequestFactory(program=program, mentee=mentee, mentor=a_mentor(program))
    declined = MentorRequestFactory(
        program=program, mentee=mentee, mentor=a_mentor(program),
        status=RequestStatus.DECLINED, decline_reason="schedule",
    )  # fmt: skip

    mentorship_start(program=program, mentor=mentor, mentee=mentee, now=NOW)

    elsewhere.refresh_from_db()
    declined.refresh_from_db()
    assert (elsewhere.status, elsewhere.withdraw_reason, elsewhere.decided_at) == (
        RequestStatus.WITHDRAWN,
        WithdrawReason.MATCHED_ELSEWHERE,
        NOW,
    )
    assert declined.status == RequestStatus.DECLINED


def test_mentorship_start_leaves_other_mentees_requests_alone(program):
    mentor, mentee = a_mentor(program), a_mentee(program)
    others = MentorRequestFactory(program=program, mentee=a_mentee(program), mentor=mentor)

    mentorship_start(program=program, mentor=mentor, mentee=mentee, now=NOW)

    assert MentorRequest.objects.get(pk=others.pk).status == RequestStatus.OPEN


def test_mentorship_start_refuses_a_full_mentor(program):
    mentor = a_mentor(program, capacity=1)
    mentorship_start(program=program, mentor=mentor, mentee=a_mentee(program), now=NOW)

    with pytest.raises(MatchingError) as refused:
        mentorship_start(program=program, mentor=mentor, mentee=a_mentee(program), now=NOW)

    assert refused.value.code == "mentor_full"
    assert Mentorship.objects.filter(mentor=mentor).count() == 1


def test_mentorship_start_counts_a_paused_mentorship_against_capacity(program):
    mentor = a_mentor(program, capacity=1)
    first = mentorship_start(program=program, mentor=mentor, mentee=a_mentee(program), now=NOW)
    mentorship_pause(mentorship=first)

    with pytest.raises(MatchingError) as refused:
        mentorship_start(program=program, mentor=mentor, mentee=a_mentee(program), now=NOW)

    assert refused.value.code == "mentor_full"


def test_mentorship_start_frees_a_place_when_a_mentorship_ends(program):
    mentor = a_mentor(program, capacity=1)
    first = mentorship_start(program=program, mentor=mentor, mentee=a_mentee(program), now=NOW)
    mentorship_end(mentorship=first, reason=EndReason.COMPLETED, by=None, now=NOW)

    second = mentorship_start(program=program, mentor=mentor, mentee=a_mentee(program), now=NOW)

    assert second.status == MentorshipStatus.ACTIVE


def test_mentorship_start_over_capacity_when_staff_allow_it(program):
    mentor = a_mentor(program, capacity=1)
    mentorship_start(program=program, mentor=mentor, mentee=a_mentee(program), now=NOW)

    mentorship_start(
        program=program, mentor=mentor, mentee=a_mentee(program), now=NOW, allow_over_capacity=True
    )

    assert Mentorship.objects.live().filter(mentor=mentor).count() == 2


def test_mentorship_start_refuses_a_pair_already_matched(program, mentor, mentee):
    with pytest.raises(MatchingError) as refused:
        mentorship_start(program=program, mentor=mentor, mentee=mentee, now=NOW)

    assert refused.value.code == "already_matched"


def test_mentorship_start_refuses_self_mentoring(program, mentor):
    f.MembershipFactory(user=mentor, program=program, role=Role.MENTEE)

    with pytest.raises(MatchingError) as refused:
        mentorship_start(program=program, mentor=mentor, mentee=mentor, now=NOW)

    assert refused.value.code == "self"


def test_mentorship_start_refuses_people_without_the_roles(program, outsider, success_manager):
    with pytest.raises(MatchingError) as not_mentor:
        mentorship_start(program=program, mentor=success_manager, mentee=a_mentee(program))
    with pytest.raises(MatchingError) as not_mentee:
        mentorship_start(program=program, mentor=a_mentor(program), mentee=outsider)

    assert (not_mentor.value.code, not_mentee.value.code) == ("not_a_mentor", "not_a_mentee")


# --- end --------------------------------------------------------------------------------


def test_mentorship_end_records_the_reason_and_note(mentorship, success_manager):
    mentorship_end(
        mentorship=mentorship, reason=EndReason.MENTEE_LEFT, note="Moved abroad.",
        by=success_manager, now=NOW,
    )  # fmt: skip

    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.ended_at, mentorship.end_reason) == (
        MentorshipStatus.ENDED,
        NOW,
        EndReason.MENTEE_LEFT,
    )
    assert mentorship.end_note == "Moved abroad."


def test_mentorship_end_cancels_future_sessions_on_time_and_keeps_past_ones(mentorship):
    held = f.SessionFactory(
        mentorship=mentorship, starts_at=NOW - timedelta(days=7), status=SessionStatus.HELD
    )
    soon = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(hours=1))
    later = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=7))

    mentorship_end(mentorship=mentorship, reason=EndReason.NOT_A_FIT, by=None, now=NOW)

    for session in (held, soon, later):
        session.refresh_from_db()
    assert held.status == SessionStatus.HELD
    for session in (soon, later):
        assert (session.status, session.cancel_reason, session.cancellation_kind) == (
            SessionStatus.CANCELLED,
            CancelReason.MENTORSHIP_ENDED,
            CancellationKind.ON_TIME,  # an hour's notice, but nobody is to blame
        )
        assert session.cancelled_by is None


def test_mentorship_end_twice_is_refused(mentorship):
    mentorship_end(mentorship=mentorship, reason=EndReason.COMPLETED, by=None, now=NOW)

    with pytest.raises(MatchingError) as refused:
        mentorship_end(
            mentorship=mentorship, reason=EndReason.OTHER, by=None, now=NOW + timedelta(days=1)
        )

    assert refused.value.code == "not_live"
    mentorship.refresh_from_db()
    assert (mentorship.end_reason, mentorship.ended_at) == (EndReason.COMPLETED, NOW)


def test_mentorship_end_of_a_paused_mentorship_is_allowed(mentorship):
    mentorship_pause(mentorship=mentorship)

    mentorship_end(mentorship=mentorship, reason=EndReason.COMPLETED, by=None, now=NOW)

    assert mentorship.status == MentorshipStatus.ENDED


@pytest.mark.parametrize(
    ("reason", "note", "code"),
    [("bored", "", "bad_reason"), (EndReason.OTHER, "x" * 2001, "note_too_long")],
)
def test_mentorship_end_refuses_bad_input(mentorship, reason, note, code):
    with pytest.raises(MatchingError) as refused:
        mentorship_end(mentorship=mentorship, reason=reason, note=note, by=None, now=NOW)

    assert refused.value.code == code
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


# --- pause ------------------------------------------------------------------------------


def test_mentorship_pause_pauses_an_active_mentorship(mentorship):
    mentorship_pause(mentorship=mentorship)

    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.PAUSED


@pytest.mark.parametrize("status", [MentorshipStatus.PAUSED, MentorshipStatus.ENDED])
def test_mentorship_pause_refuses_a_mentorship_that_is_not_active(mentorship, status):
    ended = {"ended_at": NOW, "end_reason": EndReason.OTHER} if status == "ended" else {}
    Mentorship.objects.filter(pk=mentorship.pk).update(status=status, **ended)

    with pytest.raises(MatchingError) as refused:
        mentorship_pause(mentorship=mentorship)

    assert refused.value.code == "not_active"


def test_mentorship_resume_makes_a_paused_mentorship_active(mentorship):
    mentorship_pause(mentorship=mentorship)

    mentorship_resume(mentorship=mentorship)

    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


@pytest.mark.parametrize("status", [MentorshipStatus.ACTIVE, MentorshipStatus.ENDED])
def test_mentorship_resume_refuses_a_mentorship_that_is_not_paused(mentorship, status):
    ended = {"ended_at": NOW, "end_reason": EndReason.OTHER} if status == "ended" else {}
    Mentorship.objects.filter(pk=mentorship.pk).update(status=status, **ended)

    with pytest.raises(MatchingError) as refused:
        mentorship_resume(mentorship=mentorship)

    assert refused.value.code == "not_paused"
    mentorship.refresh_from_db()
    assert mentorship.status == status
