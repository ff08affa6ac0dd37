"""`manage.py mentora_worker`: django-tasks-db's worker plus the periodic jobs.

Run one per machine or as many as you like: tasks are claimed row by row, and
each periodic window is claimed by one worker only. Ctrl-C (SIGINT) or SIGTERM
lets a running task finish, then stops.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands import db_worker

from mentora.worker.periodic import Ticker


class Command(db_worker.Command):
    help = "Run the task worker and, once a minute, the periodic jobs (reminders, digests...)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--tick",
            type=float,
            default=60.0,
            help="Seconds between runs of the periodic jobs (default: %(default)s).",
        )
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="Only run tasks; leave the periodic jobs to other workers.",
        )
        # Reloading would restart tasks half-way; the demo restarts workers by hand.
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:  # type: ignore[override]
        tick: float = options.pop("tick")
        no_periodic: bool = options.pop("no_periodic")
        ticker = None
        if not no_periodic:
            ticker = Ticker(tick)
            ticker.start()
        try:
            super().handle(**options)
        finally:
            if ticker is not None:
                ticker.stopped.set()
