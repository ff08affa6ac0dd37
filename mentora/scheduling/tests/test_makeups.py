"""Makeup eligibility as the README states the policy ("Missing a session"), and its window."""

from datetime import timedelta

import pytest
from django.db import IntegrityError

from mentora.scheduling import policies
from mentora.scheduling.booking import services
from mentora.scheduling.errors import SchedulingError
from mentora.scheduling.models import SessionKind, SessionStatus
from mentora.tests import factories as f

from .conftest import ny

pytestmark = pytest.mark.django_db


@pytest.fixture
def missed(mentorship, now):
    """A session two days ahead, to be cancelled or missed by someone."""
    return f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=2))


@pytest.fixture
def next_regular(mentorship, now):
    return f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=7))


def cancel(session, by, hours_before, now):
    return services.session_cancel(
        session=session,
        by=by,
        reason="illness",
        now=session.starts_at - timedelta(hours=hours_before),
    )


def no_show(session, status):
    session.status = status
    session.save()
    return session


def test_mentor_cancellation_can_always_be_made_up(missed, mentor, next_regular, now):
    cancel(missed, mentor, hours_before=1, now=now)

    eligibility = policies.makeup_eligibility(missed, now=now)

    assert (eligibility.allowed, eligibility.needs_mentor_approval) == (True, False)


def test_mentor_no_show_can_always_be_made_up(missed, next_regular, now):
    no_show(missed, SessionStatus.MENTOR_NO_SHOW)

    assert policies.makeup_eligibility(missed, now=now).allowed


def test_mentee_on_time_cancellation_can_be_made_up(missed, mentee, next_regular, now):
    cancel(missed, mentee, hours_before=30, now=now)

    assert policies.makeup_eligibility(missed, now=now).allowed


def test_mentee_late_cancellation_needs_the_mentor(missed, mentee, next_regular, now):
    cancel(missed, mentee, hours_before=3, now=now)

    eligibility = policies.makeup_eligibility(missed, now=now)

    assert (eligibility.allowed, eligibility.needs_mentor_approval) == (False, True)
    assert "needs your mentor's OK" in eligibility.message


def test_mentee_no_show_needs_the_mentor(missed, next_regular, now):
    no_show(missed, SessionStatus.MENTEE_NO_SHOW)

    eligibility = policies.makeup_eligibility(missed, now=now)

    assert (eligibility.allowed, eligibility.needs_mentor_approval) == (False, True)


def test_mentor_approval_opens_the_makeup(missed, mentee, mentor, next_regular, now):
    cancel(missed, mentee, hours_before=3, now=now)
    request = services.makeup_request_create(session=missed, by=mentee, message="Sorry!", now=now)

    services.makeup_request_decide(makeup_request=request, by=mentor, approve=True, now=now)

    missed.refresh_from_db()
    assert policies.makeup_eligibility(missed, now=now).allowed


def test_mentor_decline_keeps_it_closed(missed, mentee, mentor, next_regular, now):
    cancel(missed, mentee, hours_before=3, now=now)
    request = services.makeup_request_create(session=missed, by=mentee, now=now)

    services.makeup_request_decide(makeup_request=request, by=mentor, approve=False, now=now)

    missed.refresh_from_db()
    assert not policies.makeup_eligibility(missed, now=now).allowed


def test_only_the_mentor_answers_a_makeup_request(missed, mentee, next_regular, now):
    cancel(missed, mentee, hours_before=3, now=now)
    request = services.makeup_request_create(session=missed, by=mentee, now=now)

    with pytest.raises(SchedulingError):
        services.makeup_request_decide(makeup_request=request, by=mentee, approve=True, now=now)


def test_held_session_cannot_be_made_up(missed, now):
    no_show(missed, SessionStatus.HELD)

    assert not policies.makeup_eligibility(missed, now=now).allowed


def test_system_cancellation_gets_no_makeup(missed, now):
    services.session_cancel(session=missed, by=None, reason="cadence_changed", now=now)

    assert not policies.makeup_eligibility(missed, now=now).allowed


def test_next_session_too_close_leaves_no_makeup_and_names_it(mentorship, mentor, now):
    missed = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(hours=2))
    cancel(missed, mentor, hours_before=1, now=now)
    # Next regular at now+30h: a makeup must start by now+6h, but notice is 12h.
    f.SessionFactory(mentorship=mentorship, starts_at=ny(2027, 1, 5, 13))

    eligibility = policies.makeup_eligibility(missed, now=now)

    assert not eligibility.allowed
    # Shown in the reader's zone; outside a request that is UTC.
    assert eligibility.message == (
        "Your next session is Tuesday 5 January at 18:00 UTC; "
        "there is no time for a makeup before it."
    )


def test_no_open_slot_before_the_next_session_is_said_plainly(missed, mentor, next_regular, now):
    cancel(missed, mentor, hours_before=30, now=now)  # mentor has no availability at all

    eligibility, slots = policies.makeup_options(missed, now=now)

    assert slots == []
    assert not eligibility.allowed
    assert eligibility.message.startswith("Your next session is Monday 11 January")


def test_makeup_slots_end_the_gap_before_the_next_session(
    missed, mentor, next_regular, open_all_week, now
):
    cancel(missed, mentor, hours_before=30, now=now)

    eligibility, slots = policies.makeup_options(missed, now=now)

    assert eligibility.allowed
    assert max(slots) <= next_regular.starts_at - timedelta(hours=24)
    assert min(slots) >= now + timedelta(hours=12)


def test_booking_a_makeup_points_to_the_missed_session(
    mentorship, missed, mentor, mentee, next_regular, open_all_week, now
):
    cancel(missed, mentor, hours_before=30, now=now)
    _, slots = policies.makeup_options(missed, now=now)

    makeup = services.session_book(
        mentorship=mentorship,
        starts_at=slots[0],
        by=mentee,
        kind=SessionKind.MAKEUP,
        makeup_for=missed,
        now=now,
    )

    assert makeup.makeup_for == missed
    assert not policies.makeup_eligibility(missed, now=now).allowed  # one makeup only


def test_makeup_after_the_deadline_is_refused(
    mentorship, missed, mentor, mentee, next_regular, open_all_week, now
):
    cancel(missed, mentor, hours_before=30, now=now)
    too_late = ny(2027, 1, 10, 9)  # Sunday 9:00 NY: 10h before the next session

    with pytest.raises(SchedulingError) as exc:
        services.session_book(
            mentorship=mentorship,
            starts_at=too_late,
            by=mentee,
            kind=SessionKind.MAKEUP,
            makeup_for=missed,
            now=now,
        )

    assert exc.value.code == "after_makeup_deadline"


def test_the_database_refuses_a_second_live_makeup(mentorship, missed, mentor, now):
    cancel(missed, mentor, hours_before=30, now=now)
    f.SessionFactory(
        mentorship=mentorship, kind="makeup", makeup_for=missed, starts_at=now + timedelta(days=3)
    )

    with pytest.raises(IntegrityError):
        f.SessionFactory(
            mentorship=mentorship,
            kind="makeup",
            makeup_for=missed,
            starts_at=now + timedelta(days=4),
        )
