"""A reflection reopened by staff (#12): the party hears, the other doesn't."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mentora.mentoring.workspace import services
from mentora.notifications.models import Notification
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = pytest.mark.django_db


def _old_session(mentorship):
    starts = NOW - timedelta(days=10)
    return f.SessionFactory(
        mentorship=mentorship,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        status=SessionStatus.HELD,
    )


def test_the_reopened_party_hears_until_when(
    clock,
    django_capture_on_commit_callbacks,
    worker,
    outbox,
    mentorship,
    mentee,
    mentor,
    success_manager,
):
    session = _old_session(mentorship)

    with django_capture_on_commit_callbacks(execute=True):
        services.reflection_reopen(session=session, party=mentee, by=success_manager)
    worker()

    [note] = Notification.objects.all()
    assert note.recipient == mentee
    assert note.title == "You can write your reflection again"
    assert f"/sessions/{session.pk}/reflect/" in note.url
    [email] = outbox
    assert email.to == [mentee.email]
    assert "Mo Mentor" in email.body
    assert "It stays open until Monday 11 January" in email.body


def test_nothing_is_sent_for_a_reopening_that_has_run_out(
    clock, django_capture_on_commit_callbacks, worker, outbox, mentorship, mentor, admin_user
):
    session = _old_session(mentorship)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.reflection_reopen(session=session, party=mentor, by=admin_user)

    clock.move_to(NOW + timedelta(days=8))
    for callback in callbacks:
        callback()
    worker()

    assert not Notification.objects.exists()
    assert outbox == []
