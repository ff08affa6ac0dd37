"""Each app declares its periodic jobs in its own jobs.py; the worker finds them all."""

from datetime import timedelta

import pytest

from mentora.worker import registry


def test_every_apps_jobs_are_registered_at_startup():
    names = {job.name for job in registry.jobs()}

    assert names == {
        "stalled_tasks",
        "stalled_emails",
        "reminders",
        "after_sessions",
        "action_items",
        "requests_expiring",
        "digests",
        "regular_sessions",
        "requests_expire",
        "pulses_ask",
        "expired_sessions",
        "calendars_refresh",
        "idempotency_keys_expire",
    }


def test_two_jobs_with_one_name_are_refused():
    def regular_sessions(*, now):
        return 0

    with pytest.raises(ValueError, match="regular_sessions"):
        registry.periodic(every=timedelta(hours=1), windowed=False)(regular_sessions)


def test_notifications_calendar_copy_cohort_match_and_account_email_tasks_are_the_ones_retried():
    # All are idempotent: a delivery is recorded once, a copy is written at one
    # href per session and skipped when already at the session's SEQUENCE, a
    # cohort match is published or computed only while its run says so; an
    # account email is only sent again when its send failed or was cut short; a
    # webhook delivery is claimed before it is sent and recorded once.
    assert set(registry.retry_safe_prefixes()) == {
        "mentora.accounts.mail.",
        "mentora.notifications.",
        "mentora.scheduling.calendars.tasks.",
        "mentora.matching.jobs.bulk_",
        "mentora.webhooks.",
    }
