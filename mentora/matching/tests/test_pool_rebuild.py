"""After a change to a mentor commits, the worker loads the program's mentor pool
again (engine/cache.py `pool_rebuild`), so the next directory request finds it
warm; many changes queue one rebuild; with a cache only one process sees
(local memory), nothing is queued."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mentora.accounts.services import profile_update
from mentora.matching.engine import cache as pool_cache
from mentora.matching.mentor_requests.directory import Filters, directory_candidates, directory_page
from mentora.matching.tests.people import mentee_in, mentor_in
from mentora.tests.tasks import tasks_run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

REBUILDS = "mentora.matching.engine.cache.pool_rebuild"


@pytest.fixture
def shared_cache(settings, tmp_path):
    """A cache every process reads, as Redis is in production (files here)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }


@pytest.fixture
def builds(monkeypatch):
    """How many times a pool was loaded and built, in this process."""
    calls: list[int] = []
    real = pool_cache.pool_build

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pool_cache, "pool_build", counted)
    return calls


@pytest.fixture
def seeker(program):
    return mentee_in(program, "Sid Seeker", stack=["Python"])


@pytest.fixture
def ana(program):
    return mentor_in(program, "Ana Backend", stack=["Python", "Django"], capacity=2)


def names(program, viewer, now):
    candidates = directory_candidates(program=program, viewer=viewer, now=now)
    page = directory_page(
        program=program, viewer=viewer, candidates=candidates, filters=Filters(), page=1, now=now
    )
    return [c.mentor.name for c in page.cards]


def another_process():
    # A web process other than the worker remembers no pool of its own.
    pool_cache._memo.clear()


def waiting_rebuilds():
    return DBTaskResult.objects.ready().filter(task_path=REBUILDS).count()


def rename(user, name, commits):
    with commits(execute=True):
        profile_update(user=user, account_data={"name": name}, mentor_data={})


def test_after_a_change_the_worker_loads_the_pool_and_the_next_request_finds_it(
    shared_cache, program, seeker, ana, now, builds, django_capture_on_commit_callbacks
):
    with CaptureQueriesContext(connection) as cold:
        assert names(program, seeker, now) == ["Ana Backend"]
    rename(ana, "Ana Renamed", django_capture_on_commit_callbacks)

    assert tasks_run(REBUILDS) == 1
    assert len(builds) == 2  # the first request's, then the worker's
    another_process()
    with CaptureQueriesContext(connection) as warm:
        assert names(program, seeker, now) == ["Ana Renamed"]

    assert len(builds) == 2  # none for the request
    assert len(warm) <= len(cold) - 5  # the mentors' five queries


def test_many_changes_queue_one_rebuild_per_program(
    shared_cache, program, ana, django_capture_on_commit_callbacks
):
    for n in range(3):
        rename(ana, f"Ana {n}", django_capture_on_commit_callbacks)

    assert waiting_rebuilds() == 1


def test_a_change_while_a_rebuild_runs_queues_another(
    shared_cache, program, ana, django_capture_on_commit_callbacks
):
    # The running one may have read the rows from before this change.
    rename(ana, "Ana Before", django_capture_on_commit_callbacks)
    DBTaskResult.objects.filter(task_path=REBUILDS).update(status=TaskResultStatus.RUNNING)
    rename(ana, "Ana After", django_capture_on_commit_callbacks)

    assert waiting_rebuilds() == 1


def test_with_a_local_memory_cache_nothing_is_queued(
    program, ana, django_capture_on_commit_callbacks
):
    # The worker's pool would stay in the worker's memory: the next request loads.
    rename(ana, "Ana Renamed", django_capture_on_commit_callbacks)

    assert waiting_rebuilds() == 0


def test_a_rebuild_of_a_warm_pool_or_a_program_gone_loads_nothing(
    shared_cache, program, seeker, ana, now, builds
):
    names(program, seeker, now)

    assert pool_cache.pool_rebuild.call(program.pk) is False
    assert pool_cache.pool_rebuild.call(program.pk + 1000) is False
    assert len(builds) == 1
