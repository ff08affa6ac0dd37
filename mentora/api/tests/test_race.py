"""Fifty mentees of one mentor booking the same time through the API at once, on
PostgreSQL: exactly one session, every other answer a 409 in the error shape,
never a 5xx. And two retries of one booking with one Idempotency-Key, at once:
one session. Threads stand in for concurrent requests (each its own connection)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client

from mentora.api import tokens
from mentora.programs.models import Mentorship
from mentora.scheduling.models import Session
from mentora.tests import factories as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_clock"),
]
SLOT = datetime(2027, 1, 5, 15, 0, tzinfo=UTC)  # Tue 10:00 New York, inside open_all_week
BARRIER_TIMEOUT = 30


def post_at_once(calls: list[tuple[str, dict, dict]]) -> list[tuple[int, dict]]:
    start = threading.Barrier(len(calls))
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def run(path: str, body: dict, headers: dict) -> None:
        try:
            start.wait(BARRIER_TIMEOUT)
            answer = Client().post(path, body, content_type="application/json", **headers)
            with lock:
                answers.append((answer.status_code, answer.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def header(user) -> dict:
    secret = tokens.token_create(owner=user, name="race", scope="write", days=30).secret
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_fifty_bookings_of_one_time_through_the_api_make_one_session(
    program, cohort, success_manager, mentor, open_all_week
):
    for _ in range(50):
        mentee = f.UserFactory()
        f.MembershipFactory(user=mentee, program=program, cohort=cohort)
        f.MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
    path = f"/api/v1/programs/{program.slug}/sessions"
    calls = [
        (path, {"mentorship_id": m.pk, "starts_at": SLOT.isoformat()}, header(m.mentee))
        for m in Mentorship.objects.filter(mentor=mentor).select_related("mentee")
    ]

    answers = post_at_once(calls)

    statuses = sorted(status for status, _body in answers)
    assert statuses == [201] + [409] * 49
    assert {body["code"] for status, body in answers if status == 409} == {"slot_taken"}
    assert Session.objects.filter(mentor=mentor, starts_at=SLOT).count() == 1


def test_two_retries_with_one_key_at_once_make_one_session(
    program, mentorship, mentee, open_all_week
):
    path = f"/api/v1/programs/{program.slug}/sessions"
    body = {"mentorship_id": mentorship.pk, "starts_at": SLOT.isoformat()}
    headers = {**header(mentee), "HTTP_IDEMPOTENCY_KEY": "retry-1"}

    answers = post_at_once([(path, body, headers)] * 4)

    assert all(status in (201, 409) for status, _body in answers), answers
    assert [s for s, _b in answers].count(201) >= 1
    assert {b["code"] for s, b in answers if s == 409} <= {"idempotency_in_progress"}
    assert Session.objects.count() == 1
