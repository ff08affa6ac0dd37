"""Staff matching under concurrency, against real PostgreSQL (threads stand in for requests).

A bulk publish and a one-click match racing for a mentor's last place: exactly
one wins, the other is refused with a MatchingError, never an error and never
over capacity. Two publishes of one run at once: one publishes, one is told it
already is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from mentora.matching.errors import MatchingError
from mentora.matching.models import BulkRunStatus
from mentora.matching.staff import services as staff
from mentora.matching.tests.staff_people import mentor_with, unmatched_mentee
from mentora.programs.models import Mentorship

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BARRIER_TIMEOUT = 20


def at_once(
    *calls: Callable[[], object],
) -> tuple[list[object], list[MatchingError], list[BaseException]]:
    """Run each call in its own thread (own connection), all released together."""
    start = threading.Barrier(len(calls))
    won: list[object] = []
    refused: list[MatchingError] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            start.wait(BARRIER_TIMEOUT)
            result = call()
            with lock:
                won.append(result)
        except MatchingError as exc:
            with lock:
                refused.append(exc)
        except BaseException as exc:  # the "500" this test exists to catch
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return won, refused, errors


def test_bulk_publish_and_one_click_match_never_overfill_a_mentor(
    program, cohort, success_manager, admin_user
):
    ana = unmatched_mentee(program, "Ana Able", cohort=cohort, success_manager=success_manager)
    ben = unmatched_mentee(program, "Ben Busy", cohort=cohort, success_manager=success_manager)
    last_place = mentor_with(program, "Xavi Backend", capacity=1)
    run = staff.bulk_preview(
        program=program,
        by=admin_user,
        mentee_ids=[ana.pk],
        mentor_ids=[last_place.pk],
        objective="total_fit",
        min_score=0,
    )

    won, refused, errors = at_once(
        lambda: staff.bulk_publish(run=run, by=admin_user),
        lambda: staff.match_from_suggestion(
            program=program, mentee=ben, mentor_id=last_place.pk, by=success_manager
        ),
    )

    assert errors == []
    assert (len(won), len(refused)) == (1, 1)
    assert Mentorship.objects.live().filter(mentor=last_place).count() == 1


def test_two_publishes_of_one_run_start_its_pairs_once(
    program, cohort, success_manager, admin_user
):
    mentees = [
        unmatched_mentee(program, f"Mentee {i}", cohort=cohort, success_manager=success_manager)
        for i in range(3)
    ]
    mentor = mentor_with(program, "Xavi Backend", capacity=3)
    run = staff.bulk_preview(
        program=program,
        by=admin_user,
        mentee_ids=[m.pk for m in mentees],
        mentor_ids=[mentor.pk],
        objective="total_fit",
        min_score=0,
    )

    won, refused, errors = at_once(
        lambda: staff.bulk_publish(run=run, by=admin_user),
        lambda: staff.bulk_publish(run=run, by=admin_user),
    )

    assert errors == []
    assert (len(won), len(refused)) == (1, 1)
    assert refused[0].code == "published"
    assert Mentorship.objects.live().filter(mentor=mentor).count() == 3
    run.refresh_from_db()
    assert run.status == BulkRunStatus.PUBLISHED
