"""Regular sessions follow the cadence, at the mentor's wall-clock time, and
are kept in step when it changes without rewriting the past or the cancelled."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from mentora.scheduling.booking import services
from mentora.scheduling.cadence import services as cadence_services
from mentora.scheduling.models import CancelReason, Session, SessionKind, SessionStatus
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db

# Monday 1 March 2027, noon UTC: US clocks go forward on Sunday 14 March.
MARCH_1 = datetime(2027, 3, 1, 12, tzinfo=UTC)


def set_cadence(mentorship, by, now=MARCH_1, **changes):
    fields = {
        "frequency": "weekly",
        "weekday": 1,
        "time_of_day": time(18),
        "length_minutes": 45,
        "starts_on": date(2027, 3, 1),
    }
    fields.update(changes)
    return cadence_services.cadence_set(mentorship=mentorship, by=by, now=now, **fields)


def regular_starts(mentorship):
    return list(
        Session.objects.filter(mentorship=mentorship, kind=SessionKind.REGULAR)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
    )


def test_weekly_cadence_fills_the_booking_window_at_the_mentors_local_time(mentorship, mentor):
    result = set_cadence(mentorship, mentor)

    starts = regular_starts(mentorship)
    assert len(result.created) == 8
    # Tuesdays 18:00 New York: 23:00 UTC on standard time, 22:00 UTC from 14 March.
    assert starts[:4] == [
        datetime(2027, 3, 2, 23, tzinfo=UTC),
        datetime(2027, 3, 9, 23, tzinfo=UTC),
        datetime(2027, 3, 16, 22, tzinfo=UTC),
        datetime(2027, 3, 23, 22, tzinfo=UTC),
    ]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=45) for s in result.created)


def test_every_two_weeks_skips_alternate_weeks(mentorship, mentor):
    set_cadence(mentorship, mentor, frequency="biweekly")

    starts = regular_starts(mentorship)

    assert [s.date() for s in starts[:3]] == [
        date(2027, 3, 2),
        date(2027, 3, 16),
        date(2027, 3, 30),
    ]
    assert len(starts) == 4


def test_sync_twice_creates_nothing_more(mentorship, mentor):
    set_cadence(mentorship, mentor)

    again = cadence_services.regular_sessions_sync(mentorship=mentorship, now=MARCH_1)

    assert (again.created, again.moved, again.cancelled) == ([], [], [])
    assert len(regular_starts(mentorship)) == 8


def test_changing_the_cadence_moves_future_sessions_and_keeps_their_identity(mentorship, mentor):
    set_cadence(mentorship, mentor)
    ids_before = list(
        Session.objects.filter(mentorship=mentorship)
        .order_by("starts_at")
        .values_list("pk", flat=True)
    )

    result = set_cadence(mentorship, mentor, weekday=3, time_of_day=time(19))

    assert len(result.moved) == 8 and not result.created
    moved = Session.objects.filter(mentorship=mentorship).order_by("starts_at")
    assert list(moved.values_list("pk", flat=True)) == ids_before
    # Thursday 4 March, 19:00 New York = 00:00 UTC on Friday.
    assert moved[0].starts_at == datetime(2027, 3, 5, 0, tzinfo=UTC)
    assert {s.sequence for s in moved} == {1}


def test_held_and_cancelled_sessions_are_never_rewritten_or_regenerated(mentorship, mentor, mentee):
    set_cadence(
        mentorship, mentor, now=datetime(2027, 2, 20, tzinfo=UTC), starts_on=date(2027, 2, 20)
    )
    sessions = list(Session.objects.filter(mentorship=mentorship).order_by("starts_at"))
    held, cancelled = sessions[0], sessions[2]  # 23 Feb (past by 1 March), 9 March
    Session.objects.filter(pk=held.pk).update(status=SessionStatus.HELD)
    services.session_cancel(session=cancelled, by=mentee, reason=CancelReason.ILLNESS, now=MARCH_1)

    set_cadence(mentorship, mentor, time_of_day=time(17), starts_on=date(2027, 2, 20))

    held.refresh_from_db()
    cancelled.refresh_from_db()
    assert (held.status, held.starts_at) == (
        SessionStatus.HELD,
        datetime(2027, 2, 23, 23, tzinfo=UTC),
    )
    assert cancelled.status == SessionStatus.CANCELLED
    assert cancelled.starts_at == datetime(2027, 3, 9, 23, tzinfo=UTC)


def test_a_cancelled_occurrence_is_not_generated_again(mentorship, mentor, mentee):
    set_cadence(mentorship, mentor)
    first = Session.objects.filter(mentorship=mentorship).order_by("starts_at").first()
    services.session_cancel(session=first, by=mentee, reason=CancelReason.ILLNESS, now=MARCH_1)

    cadence_services.regular_sessions_sync(mentorship=mentorship, now=MARCH_1)

    assert datetime(2027, 3, 2, 23, tzinfo=UTC) not in regular_starts(mentorship)


def test_an_occurrence_clashing_with_another_session_is_reported_not_double_booked(
    mentorship, mentor, other_mentee
):
    other = other_mentee.mentorships_as_mentee.get()
    clash = datetime(2027, 3, 9, 23, tzinfo=UTC)
    f.SessionFactory(mentorship=other, starts_at=clash, kind="extra")

    result = set_cadence(mentorship, mentor)

    assert result.conflicts == [clash]
    assert clash not in regular_starts(mentorship)


def test_fewer_occurrences_cancel_the_leftover_sessions_on_time(mentorship, mentor):
    set_cadence(mentorship, mentor)

    result = set_cadence(mentorship, mentor, frequency="biweekly")

    assert len(result.cancelled) == 4
    assert {s.cancel_reason for s in result.cancelled} == {CancelReason.CADENCE_CHANGED}
    assert {s.cancellation_kind for s in result.cancelled} == {"on_time"}


def test_outsider_cannot_set_a_cadence(mentorship, outsider):
    from mentora.scheduling.errors import SchedulingError

    with pytest.raises(SchedulingError):
        set_cadence(mentorship, outsider)

    assert not Session.objects.exists()


def test_daily_sync_extends_the_horizon_as_weeks_pass(mentorship, mentor):
    from io import StringIO

    import time_machine
    from django.core.management import call_command

    set_cadence(mentorship, mentor)
    out = StringIO()

    with time_machine.travel(MARCH_1 + timedelta(weeks=2), tick=False):
        call_command("sync_regular_sessions", stdout=out)

    assert "2 regular session(s) added" in out.getvalue()
    assert len(regular_starts(mentorship)) == 10
