"""Preferences: off means nothing is sent; the must-send kinds still arrive;
inbox only; the digest gathers a day's messages into one email."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mentora.notifications import jobs, services
from mentora.notifications.errors import PreferenceError
from mentora.notifications.models import (
    Choice,
    Delivery,
    DeliveryStatus,
    Kind,
    Notification,
    NotificationPreference,
)
from mentora.notifications.tasks import deliver_event
from mentora.scheduling.models import CancelReason, SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW
from mentora.worker.periodic import run_periodic

from .conftest import run_worker, to

pytestmark = pytest.mark.django_db


def choose(user, **choices):
    services.preferences_set(user=user, choices=choices)


@pytest.fixture
def session(mentorship):
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=3))


def test_off_means_nothing_at_all(clock, session, outbox, mentor):
    choose(mentor, session_changes=Choice.OFF)

    deliver_event.call("session_booked", session.pk, {"sequence": 0, "by_id": session.mentee_id})

    assert outbox == []
    assert not Notification.objects.filter(recipient=mentor).exists()


def test_inbox_only_puts_it_in_the_inbox_without_email(clock, session, outbox, mentor):
    choose(mentor, session_changes=Choice.INBOX)

    deliver_event.call("session_booked", session.pk, {"sequence": 0, "by_id": session.mentee_id})

    assert outbox == []
    assert Notification.objects.get(recipient=mentor).kind == Kind.SESSION_CHANGES


def test_cancellations_cannot_be_turned_off(mentor):
    with pytest.raises(PreferenceError) as error:
        choose(mentor, session_cancelled=Choice.OFF)
    assert error.value.code == "must_send"
    with pytest.raises(PreferenceError):
        choose(mentor, concerns=Choice.INBOX)
    assert not NotificationPreference.objects.filter(user=mentor).exists()


def test_a_cancellation_arrives_even_with_everything_else_off(clock, session, outbox, mentor):
    choose(
        mentor,
        **{k.value: Choice.OFF for k in Kind if k not in (Kind.SESSION_CANCELLED, Kind.CONCERNS)},
    )
    session.status = SessionStatus.CANCELLED
    session.cancelled_at, session.cancelled_by = NOW, session.mentee
    session.cancel_reason, session.cancellation_kind = CancelReason.ILLNESS, "on_time"
    session.save()

    deliver_event.call("session_cancelled", session.pk, {"by_id": session.mentee_id})

    [email] = to(mentor)
    assert "cancelled" in email.subject


def test_reminders_cannot_wait_for_a_digest(mentor):
    with pytest.raises(PreferenceError) as error:
        choose(mentor, reminders=Choice.DIGEST)
    assert error.value.code == "no_digest"


def test_the_digest_gathers_a_day_into_one_email(clock, mentorship, outbox, mentee):
    """Mia (Europe/Berlin) gets her digest at 18:00 Berlin time, 17:00 UTC."""
    choose(mentee, after_session=Choice.DIGEST, action_items=Choice.DIGEST)
    sessions = [
        f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(hours=h), status="held")
        for h in (3, 6)
    ]
    item = f.ActionItemFactory(
        mentorship=mentorship, owner=mentee, due_on=NOW.date() + timedelta(days=1)
    )
    run_periodic()
    for s in sessions:
        deliver_event.call("reflection_request", s.pk, {})
    deliver_event.call(
        "action_item_due", item.pk, {"due_on": item.due_on.isoformat(), "overdue": False}
    )
    assert to(mentee) == []
    assert Notification.objects.filter(recipient=mentee).count() == 3

    clock.move_to(datetime(2027, 1, 4, 16, 59, tzinfo=UTC))
    run_periodic()
    run_worker()
    assert to(mentee) == []
    clock.move_to(datetime(2027, 1, 4, 17, 5, tzinfo=UTC))  # the job runs every 5 minutes
    run_periodic()
    run_worker()

    [digest] = to(mentee)
    assert "3 messages" in digest.subject
    assert digest.body.count("After your session") == 2
    assert "Due tomorrow: Write one test" in digest.body
    assert "/accounts/notifications/" in digest.body
    assert not Delivery.objects.filter(recipient=mentee, status=DeliveryStatus.QUEUED).exists()

    # The next day, with nothing new, no digest; nothing is sent twice.
    clock.move_to(datetime(2027, 1, 5, 17, 30, tzinfo=UTC))
    run_periodic()
    run_worker()
    assert len(to(mentee)) == 1


def test_one_digest_task_per_person_however_many_messages_are_held(clock, mentorship, mentee):
    choose(mentee, after_session=Choice.DIGEST)
    for h in (3, 6, 9):
        held = f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(hours=h))
        deliver_event.call("reflection_request", held.pk, {})
    assert Delivery.objects.filter(recipient=mentee, status=DeliveryStatus.QUEUED).count() == 3

    # Mia's 18:00 in Berlin is 17:00 UTC.
    queued = jobs.digests(
        since=datetime(2027, 1, 4, 16, 55, tzinfo=UTC), now=datetime(2027, 1, 4, 17, 0, tzinfo=UTC)
    )

    assert queued == 1


def test_no_digest_for_a_deactivated_person(clock, mentorship, mentee):
    choose(mentee, after_session=Choice.DIGEST)
    held = f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(hours=3))
    deliver_event.call("reflection_request", held.pk, {})
    mentee.is_active = False
    mentee.save(update_fields=["is_active"])

    queued = jobs.digests(
        since=datetime(2027, 1, 4, 16, 55, tzinfo=UTC), now=datetime(2027, 1, 4, 17, 0, tzinfo=UTC)
    )

    assert queued == 0
