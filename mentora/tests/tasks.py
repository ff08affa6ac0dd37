"""Running queued tasks in a test, with the real django-tasks-db worker code
(claimed under its lock, then run), as `manage.py mentora_worker` would.

Account emails (mentora.accounts.mail) are sent by the worker, not in the
request: a test that reads one runs `account_emails_send()` first, saying so."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

ACCOUNT_EMAILS = "mentora.accounts.mail."


def tasks_run(prefix: str = "", worker_id: str = "test-worker") -> int:
    """Run every ready task whose path starts with `prefix`; returns how many ran."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with exclusive_transaction(DBTaskResult.objects.db):
            row = DBTaskResult.objects.ready().filter(task_path__startswith=prefix).get_locked()
            if row is None:
                return ran
            row.claim(worker_id)
        worker.run_task(row)
        ran += 1
        assert ran < 500, "tasks keep coming"


def account_emails_send() -> int:
    """What the worker does with the queued account emails: send them."""
    return tasks_run(ACCOUNT_EMAILS)
