"""What the inbox says about a session change: the other person named once, as the
one who did it ("Mia Mentee cancelled your session", never "… cancelled your session
with Mia Mentee"); staff acting for the pair are named and the other party too;
every time carries its zone; a makeup is called a makeup."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mentora.notifications import about_sessions
from mentora.programs.models import Role
from mentora.scheduling.models import CancellationKind, CancelReason, SessionKind, SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _cancel(session, by):
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = NOW
    session.cancelled_by = by
    session.cancel_reason = CancelReason.ILLNESS
    session.cancellation_kind = CancellationKind.ON_TIME
    session.save()


def _only(messages, user):
    [message] = [m for m in messages if m.recipient == user]
    return message


def test_a_cancellation_names_the_canceller_once(mentorship, mentor, mentee):
    session = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=3))
    _cancel(session, mentee)

    message = _only(about_sessions.cancelled(session.pk, now=NOW, by_id=mentee.pk), mentor)

    line = message.lines[0]
    assert line.startswith("Mia Mentee cancelled your session on Thursday 7 January at 07:00")
    assert line.count("Mia Mentee") == 1 and "with Mia Mentee" not in line
    assert "EST" in line and "Reason: I'm ill." in line
    assert message.title.startswith("Session with Mia Mentee cancelled: Thursday 7 January")


def test_staff_acting_for_the_pair_are_named_and_so_is_the_other_party(
    program, mentorship, mentor, mentee
):
    sam = f.UserFactory(name="Sam Staff")
    f.MembershipFactory(user=sam, program=program, role=Role.ADMIN)
    session = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=3))
    _cancel(session, sam)

    messages = about_sessions.cancelled(session.pk, now=NOW, by_id=sam.pk)

    assert (
        _only(messages, mentor)
        .lines[0]
        .startswith("Sam Staff cancelled your session with Mia Mentee on")
    )
    assert (
        _only(messages, mentee)
        .lines[0]
        .startswith("Sam Staff cancelled your session with Mo Mentor on")
    )


def test_a_move_names_the_mover_once_with_both_times_zoned(mentorship, mentor, mentee):
    old = NOW + timedelta(days=3)
    session = f.SessionFactory(mentorship=mentorship, starts_at=old + timedelta(days=1))

    [message] = about_sessions.moved(
        session.pk,
        now=NOW,
        sequence=session.sequence,
        old_starts_at=old.isoformat(),
        by_id=mentee.pk,
    )

    line = message.lines[0]
    assert line.startswith("Mia Mentee moved your session from Thursday 7 January at 07:00")
    assert "to Friday 8 January at 07:00" in line and line.count("EST") == 2
    assert "with Mia Mentee" not in line
    assert message.title.startswith("Session with Mia Mentee moved to Friday 8 January")


def test_a_makeup_is_announced_as_a_makeup(mentorship, mentor, mentee):
    missed = f.SessionFactory(
        mentorship=mentorship,
        starts_at=NOW - timedelta(days=2),
        status=SessionStatus.MENTEE_NO_SHOW,
    )
    makeup = f.SessionFactory(
        mentorship=mentorship,
        starts_at=NOW + timedelta(days=2),
        kind=SessionKind.MAKEUP,
        makeup_for=missed,
    )

    [message] = about_sessions.booked(makeup.pk, now=NOW, sequence=makeup.sequence, by_id=mentee.pk)

    assert message.recipient == mentor
    assert message.title.startswith("Makeup booked with Mia Mentee: Wednesday 6 January")
    assert "Session booked" not in message.title
    assert message.lines[0].startswith("Mia Mentee booked a makeup with you on Wednesday 6")
    assert "for the missed session of Saturday 2 January at 07:00" in message.lines[0]


def test_a_regular_booking_still_reads_as_a_session(mentorship, mentor, mentee):
    session = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=2))
    [message] = about_sessions.booked(
        session.pk, now=NOW, sequence=session.sequence, by_id=mentee.pk
    )
    assert message.title.startswith("Session booked with Mia Mentee: Wednesday 6 January")
    assert message.lines[0].startswith("Mia Mentee booked a session with you on Wednesday")
