"""Publishing a cohort match in bulk and in the worker (#18), and a large match computed there.

mentorships_start starts every pair or none, in a number of queries that
doesn't grow with the pairs; each pair gets its proposed regular time and its
notices, queued once. A large publish is queued for the worker: the run is
publishing, its progress page refreshes itself, a failure leaves it failed with
the reason (nothing started) and staff may try again; two clicks or two
workers never publish twice.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from datetime import timedelta
from typing import cast

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from mentora.accounts.models import User
from mentora.matching.errors import MatchingCode, MatchingError
from mentora.matching.lifecycle import services as lifecycle
from mentora.matching.models import (
    BulkMatchRow,
    BulkMatchRun,
    BulkRunStatus,
    MentorRequest,
    ProposedCadence,
    RequestStatus,
)
from mentora.matching.staff import services as staff
from mentora.matching.tests.staff_people import (
    live_pairs,
    mentor_with,
    run_url,
    unmatched_mentee,
)
from mentora.matching.tests.test_staff_concurrency import at_once
from mentora.programs.models import Mentorship
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db
DELIVER = "mentora.notifications.tasks.deliver_event"


def run_worker() -> int:
    """Run every task ready now with django-tasks-db's own worker code."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with exclusive_transaction(DBTaskResult.objects.db):
            row = DBTaskResult.objects.ready().get_locked()
            if row is None:
                return ran
            row.claim("test-worker")
        worker.run_task(row)
        ran += 1
        assert ran < 1000, "tasks keep coming"


def cohort_run(program, admin_user, *, mentors: int, per_mentor: int) -> BulkMatchRun:
    """A previewed run of mentors × per_mentor pairs (rows written directly: the
    solver is tested elsewhere; this is about publishing them)."""
    run = BulkMatchRun.objects.create(
        program=program,
        created_by=admin_user,
        created_at=program.created_at,
        objective="total_fit",
    )
    rows = []
    for m in range(mentors):
        mentor = mentor_with(program, f"Mentor {run.pk}-{m}", capacity=per_mentor)
        for e in range(per_mentor):
            mentee = unmatched_mentee(program, f"Mentee {run.pk}-{m}-{e}")
            rows.append(BulkMatchRow(run=run, mentee=mentee, mentor=mentor, score=50.0))
    BulkMatchRow.objects.bulk_create(rows)
    return run


def queued(event: str) -> Counter[int]:
    """How many times each object's `event` is queued for delivery."""
    found: Counter[int] = Counter()
    for args in DBTaskResult.objects.filter(task_path=DELIVER).values_list(
        "args_kwargs", flat=True
    ):
        data = json.loads(args) if isinstance(args, str) else args
        if data["args"][0] == event:
            found[data["args"][1]] += 1
    return found


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def in_worker(settings):
    """Every publish goes to the worker, however small."""
    settings.MENTORA_BULK_PUBLISH_JOB_PAIRS = 0


# --- mentorships_start ------------------------------------------------------------------------


def test_all_or_nothing_when_one_pair_is_refused(program, admin_user, now):
    mentor = mentor_with(program, "Xavi Backend", capacity=1)
    ana = unmatched_mentee(program, "Ana Able")
    ben = unmatched_mentee(program, "Ben Busy")
    stranger = cast(User, f.UserFactory(name="Not A Mentee"))
    before = live_pairs(program)

    with pytest.raises(lifecycle.StartsRefused) as refused:
        lifecycle.mentorships_start(
            program=program,
            pairs=[(mentor, ana), (mentor, ben), (mentor, stranger)],
            by=admin_user,
            now=now,
        )

    assert {i: e.code for i, e in refused.value.pairs.items()} == {
        1: MatchingCode.MENTOR_FULL,  # one place: the first pair takes it
        2: MatchingCode.NOT_A_MENTEE,
    }
    assert live_pairs(program) == before
    assert not ProposedCadence.objects.exists()


def test_the_bulk_start_refuses_what_the_single_start_refuses(program, admin_user, now):
    mentor = mentor_with(program, "Xavi Backend", capacity=3)
    ana = unmatched_mentee(program, "Ana Able")
    f.MentorshipFactory(program=program, mentor=mentor, mentee=ana)
    cases = [(mentor, mentor), (ana, mentor), (mentor, ana)]

    for pair in cases:
        with pytest.raises(MatchingError) as one:
            lifecycle.mentorship_start(program=program, mentor=pair[0], mentee=pair[1], now=now)
        with pytest.raises(lifecycle.StartsRefused) as many:
            lifecycle.mentorships_start(program=program, pairs=[pair], by=admin_user, now=now)
        assert (many.value.pairs[0].code, many.value.pairs[0].message) == (
            one.value.code,
            one.value.message,
        )


def test_publishing_gives_each_pair_a_regular_time_and_withdraws_open_requests(
    program, admin_user, now
):
    run = cohort_run(program, admin_user, mentors=1, per_mentor=2)
    rows = list(BulkMatchRow.objects.filter(run=run))
    other = mentor_with(program, "Someone Else")
    waiting = MentorRequest.objects.create(
        program=program,
        mentee=rows[0].mentee,
        mentor=other,
        message="Hello",
        created_at=now,
        expires_at=now + timedelta(days=7),
    )

    started = staff.bulk_publish(run=run, by=admin_user, now=now)

    proposals = ProposedCadence.objects.filter(mentorship__in=started)
    assert proposals.count() == 2
    # One mentor, two new mentees: two different times (as one by one would give).
    assert len({(p.weekday, p.time_of_day) for p in proposals}) == 2
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.WITHDRAWN


def test_notices_are_queued_once_per_pair(
    program, admin_user, now, django_capture_on_commit_callbacks
):
    run = cohort_run(program, admin_user, mentors=2, per_mentor=2)

    with django_capture_on_commit_callbacks(execute=True):
        started = staff.bulk_publish(run=run, by=admin_user, now=now)

    assert queued("mentorship_started") == Counter({m.pk: 1 for m in started})
    assert run_worker() == len(started)
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


def test_publish_query_count_does_not_grow_with_pairs(
    program, admin_user, now, django_assert_max_num_queries
):
    small = cohort_run(program, admin_user, mentors=1, per_mentor=5)
    large = cohort_run(program, admin_user, mentors=10, per_mentor=5)
    with CaptureQueriesContext(connection) as five:
        staff.bulk_publish(run=small, by=admin_user, now=now)

    with django_assert_max_num_queries(len(five)):
        started = staff.bulk_publish(run=large, by=admin_user, now=now)

    assert len(started) == 50
    assert len(five) < 40, [q["sql"][:80] for q in five.captured_queries]


# --- in the worker ----------------------------------------------------------------------------


def test_a_large_publish_runs_in_the_worker_behind_a_progress_page(
    as_admin, program, admin_user, in_worker, django_capture_on_commit_callbacks
):
    run = cohort_run(program, admin_user, mentors=1, per_mentor=2)
    before = live_pairs(program)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(run_url("bulk_match_publish", run))

    assert response["Location"] == run_url("bulk_match_progress", run)
    run.refresh_from_db()
    assert (run.status, run.progress_total) == (BulkRunStatus.PUBLISHING, 2)
    assert live_pairs(program) == before  # nothing yet: the worker does it
    page = as_admin.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert '<meta http-equiv="refresh"' in body
    assert "<progress" in body and "Starting 2 mentorships in the background" in body

    with django_capture_on_commit_callbacks(execute=True):
        run_worker()

    run.refresh_from_db()
    assert run.status == BulkRunStatus.PUBLISHED and run.published_at is not None
    assert len(live_pairs(program) - before) == 2
    done = as_admin.get(run_url("bulk_match_progress", run), follow=True)
    assert done.redirect_chain == [(run_url("bulk_match_preview", run), 302)]
    assert "Published: 2 mentorships started." in done.content.decode()


def test_a_second_click_while_publishing_is_refused(
    as_admin, program, admin_user, in_worker, django_capture_on_commit_callbacks
):
    run = cohort_run(program, admin_user, mentors=1, per_mentor=1)
    with django_capture_on_commit_callbacks(execute=True):
        as_admin.post(run_url("bulk_match_publish", run))

    response = as_admin.post(run_url("bulk_match_publish", run))

    assert response.status_code == 409
    assert "already being published" in response.content.decode()
    assert (
        DBTaskResult.objects.filter(task_path="mentora.matching.jobs.bulk_publish_run").count() == 1
    )


def test_a_failed_publish_starts_nothing_says_why_and_can_be_tried_again(
    as_admin, program, admin_user, in_worker, monkeypatch, django_capture_on_commit_callbacks
):
    run = cohort_run(program, admin_user, mentors=1, per_mentor=2)
    before = live_pairs(program)
    real = staff.mentorships_start

    def broken(**kwargs):
        real(**kwargs)  # the mentorships are made, then it breaks: all rolled back
        raise RuntimeError("database went away")

    monkeypatch.setattr(staff, "mentorships_start", broken)
    with django_capture_on_commit_callbacks(execute=True):
        as_admin.post(run_url("bulk_match_publish", run))
    run_worker()

    run.refresh_from_db()
    assert run.status == BulkRunStatus.FAILED
    assert "nothing was created" in run.job_error
    assert live_pairs(program) == before
    assert not ProposedCadence.objects.exists()
    page = as_admin.get(run_url("bulk_match_progress", run), follow=True)
    body = html.unescape(page.content.decode())
    assert "Something went wrong in the background" in body
    assert "Try publishing again" in body

    monkeypatch.setattr(staff, "mentorships_start", real)
    with django_capture_on_commit_callbacks(execute=True):
        as_admin.post(run_url("bulk_match_publish", run))
    run_worker()

    run.refresh_from_db()
    assert run.status == BulkRunStatus.PUBLISHED and run.job_error == ""
    assert len(live_pairs(program) - before) == 2


def test_a_conflict_found_by_the_worker_leaves_a_preview_with_the_reason(
    as_admin, program, admin_user, in_worker, django_capture_on_commit_callbacks
):
    run = cohort_run(program, admin_user, mentors=1, per_mentor=2)
    row = BulkMatchRow.objects.filter(run=run).first()
    assert row is not None and row.mentor is not None
    f.MentorshipFactory(program=program, mentor=row.mentor, mentee=f.UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        as_admin.post(run_url("bulk_match_publish", run))

    run_worker()

    run.refresh_from_db()
    assert run.status == BulkRunStatus.PREVIEW
    assert "2 pairs can't be started any more" in run.job_error
    assert not Mentorship.objects.filter(mentor=row.mentor, mentee=row.mentee).exists()


@pytest.mark.parametrize("person", ["mentor", "mentee", "success_manager", "outsider"])
def test_only_the_programs_admins_see_a_runs_progress(client, request, program, admin_user, person):
    run = cohort_run(program, admin_user, mentors=1, per_mentor=1)
    BulkMatchRun.objects.filter(pk=run.pk).update(status=BulkRunStatus.PUBLISHING)
    client.force_login(request.getfixturevalue(person))

    assert client.get(run_url("bulk_match_progress", run)).status_code == 404
    assert client.post(run_url("bulk_match_publish", run)).status_code == 404
    run.refresh_from_db()
    assert run.status == BulkRunStatus.PUBLISHING


def test_the_progress_of_another_programs_run_is_404(as_admin, program):
    elsewhere = f.ProgramFactory()
    other_admin = f.UserFactory()
    other = BulkMatchRun.objects.create(
        program=elsewhere,
        created_by=other_admin,
        created_at=elsewhere.created_at,
        objective="total_fit",
        status=BulkRunStatus.PUBLISHING,
    )
    url = f"/p/{program.slug}/matching/bulk/{other.pk}/progress/"

    assert as_admin.get(url).status_code == 404


# --- a large match, computed in the worker -----------------------------------------------------


def test_a_large_match_is_computed_in_the_worker(
    program, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.MENTORA_BULK_MATCH_JOB_PAIRS = 0
    mentees = [unmatched_mentee(program, f"Mentee {i}") for i in range(3)]
    mentor = mentor_with(program, "Xavi Backend", capacity=3)

    with django_capture_on_commit_callbacks(execute=True):
        run = staff.bulk_preview(
            program=program,
            by=admin_user,
            mentee_ids=[m.pk for m in mentees],
            mentor_ids=[mentor.pk],
            objective="total_fit",
            min_score=0,
        )

    assert (run.status, run.progress_total) == (BulkRunStatus.COMPUTING, 3)
    assert not BulkMatchRow.objects.filter(run=run).exists()
    progress = staff.run_progress(run)
    assert progress is not None and progress.working

    run_worker()

    run.refresh_from_db()
    assert run.status == BulkRunStatus.PREVIEW
    assert BulkMatchRow.objects.filter(run=run, mentor=mentor).count() == 3
    assert staff.run_progress(run) is None
    assert staff.compute_job(run_id=run.pk) == BulkRunStatus.PREVIEW  # a second run: no-op
    assert BulkMatchRow.objects.filter(run=run).count() == 3


def test_a_computing_run_cannot_be_published_yet(program, admin_user):
    run = BulkMatchRun.objects.create(
        program=program,
        created_by=admin_user,
        created_at=program.created_at,
        objective="total_fit",
        status=BulkRunStatus.COMPUTING,
    )

    with pytest.raises(MatchingError) as refused:
        staff.publish_request(run=run, by=admin_user)

    assert refused.value.code == MatchingCode.COMPUTING


# --- two workers, two clicks (PostgreSQL) --------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_publish_a_run_once(program, admin_user, settings):
    settings.MENTORA_BULK_PUBLISH_JOB_PAIRS = 0
    run = cohort_run(program, admin_user, mentors=2, per_mentor=3)
    staff.publish_request(run=run, by=admin_user)  # queued after commit (no test transaction)

    won, refused, errors = at_once(
        lambda: staff.publish_job(run_id=run.pk, by_id=admin_user.pk),
        lambda: staff.publish_job(run_id=run.pk, by_id=admin_user.pk),
    )

    assert errors == [] and refused == []
    assert won == [BulkRunStatus.PUBLISHED, BulkRunStatus.PUBLISHED]
    assert Mentorship.objects.live().filter(program=program).count() == 6
    assert sum(queued("mentorship_started").values()) == 6
    run.refresh_from_db()
    assert run.status == BulkRunStatus.PUBLISHED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_on_publish_queue_one_job(program, admin_user, settings):
    settings.MENTORA_BULK_PUBLISH_JOB_PAIRS = 0
    run = cohort_run(program, admin_user, mentors=1, per_mentor=2)

    won, refused, errors = at_once(
        lambda: staff.publish_request(run=run, by=admin_user),
        lambda: staff.publish_request(run=run, by=admin_user),
    )

    assert errors == []
    assert (len(won), [r.code for r in refused]) == (1, [MatchingCode.PUBLISHING])
    assert (
        DBTaskResult.objects.filter(task_path="mentora.matching.jobs.bulk_publish_run").count() == 1
    )


def test_the_progress_card_writes_a_national_count_with_separators(program):
    """9,000 mentees read as 9,000, not 9000 (the page's other counts do too)."""
    run = BulkMatchRun(program=program, status=BulkRunStatus.COMPUTING)
    progress = staff.RunProgress(run=run, working=True, done=4500, total=9000, error="")
    with translation.override("en"):
        card = render_to_string("matching/staff/_run_progress.html", {"progress": progress})
    assert "Scoring and matching 9,000 mentees" in card
    assert "4,500 of 9,000 done" in card
