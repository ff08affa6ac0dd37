"""Account emails (password reset, invitations, second-factor resets) are sent by
the worker, not in the request: queued with the rendered email, sent once, retried
when the mail server fails, and the link inside forgotten once it is sent."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mentora.programs import services
from mentora.programs.models import Role
from mentora.tests.tasks import ACCOUNT_EMAILS, account_emails_send

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"/accounts/password/reset/key/\S+/")


def _queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path__startswith=ACCOUNT_EMAILS))


def _ask_for_a_reset(client, person) -> None:
    response = client.post(reverse("account_reset_password"), {"email": person.email})
    assert response.status_code == 302


def test_a_password_reset_is_queued_and_nothing_is_sent_in_the_request(client, mentee, mailoutbox):
    _ask_for_a_reset(client, mentee)

    assert mailoutbox == []
    [job] = _queued()
    assert job.status == TaskResultStatus.READY
    [email] = job.args_kwargs["args"]
    assert email["to"] == [mentee.email]
    assert RESET_LINK.search(email["body"])


def test_the_worker_sends_it_once_and_forgets_the_link(client, mentee, mailoutbox):
    _ask_for_a_reset(client, mentee)

    assert account_emails_send() == 1
    assert account_emails_send() == 0

    [message] = mailoutbox
    assert message.to == [mentee.email]
    assert RESET_LINK.search(message.body)
    assert "Password Reset" in message.subject
    assert message.extra_headers["Message-ID"]
    [job] = _queued()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert "reset/key" not in str(job.args_kwargs)
    trace = {"to": [mentee.email], "subject": message.subject, "sent": True}
    assert job.args_kwargs["args"] == [trace]


def test_a_reset_for_an_unknown_address_is_queued_too(client, db, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert mailoutbox == []
    account_emails_send()
    assert [m.to for m in mailoutbox] == [["nobody@example.org"]]


def test_an_invitation_is_queued_after_commit_and_sent_by_the_worker(
    program, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.person_invite(
            program=program,
            email="nia@example.org",
            name="Nia New",
            role=Role.MENTEE,
            invited_by=admin_user,
        )

    assert mailoutbox == []
    assert len(_queued()) == 1
    account_emails_send()
    [message] = mailoutbox
    assert message.to == ["nia@example.org"]
    assert "/accounts/invitation/" in message.body
    assert [mimetype for _content, mimetype in message.alternatives] == ["text/html"]


def test_an_invitation_rolled_back_queues_nothing(program, admin_user, mailoutbox):
    # Without the commit (the test's transaction never commits), nothing is queued.
    services.person_invite(
        program=program,
        email="nia@example.org",
        name="Nia New",
        role=Role.MENTEE,
        invited_by=admin_user,
    )

    assert _queued() == []


def test_a_mail_server_that_fails_is_tried_again_with_the_same_message_id(
    client, mentee, mailoutbox, settings
):
    _ask_for_a_reset(client, mentee)
    [queued] = _queued()
    message_id = queued.args_kwargs["args"][0]["headers"]["Message-ID"]
    settings.EMAIL_BACKEND = "mentora.notifications.tests.backends.RefusesBackend"

    account_emails_send()

    [job] = _queued()
    assert job.status == TaskResultStatus.READY  # put back in the queue, for later
    assert job.run_after > timezone.now()
    assert RESET_LINK.search(job.args_kwargs["args"][0]["body"])  # still needed
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(job.run_after + timedelta(seconds=1)):
        assert account_emails_send() == 1
    [message] = mailoutbox
    assert message.extra_headers["Message-ID"] == message_id
    assert RESET_LINK.search(message.body)


def test_after_the_last_attempt_the_link_is_forgotten_too(client, mentee, mailoutbox, settings):
    settings.MENTORA_TASK_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = "mentora.notifications.tests.backends.RefusesBackend"
    _ask_for_a_reset(client, mentee)

    account_emails_send()

    [job] = _queued()
    assert job.status == TaskResultStatus.FAILED
    assert "reset/key" not in str(job.args_kwargs)
    assert job.args_kwargs["args"][0]["sent"] is False
    assert mailoutbox == []


def test_account_emails_go_ahead_of_queued_notifications(client, mentee, mailoutbox):
    from mentora.notifications.tasks import deliver_event

    notice = deliver_event.enqueue("session_booked", 0, {})
    _ask_for_a_reset(client, mentee)

    first = DBTaskResult.objects.ready().get_locked()  # the row a worker claims next

    assert first is not None and first.task_path.startswith(ACCOUNT_EMAILS)
    assert str(first.id) != str(notice.id)
    assert mail.outbox == []
