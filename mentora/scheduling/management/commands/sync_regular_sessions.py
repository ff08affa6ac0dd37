"""`manage.py sync_regular_sessions`: keep every cadence's sessions a full
booking window ahead. The task worker runs this every six hours; run it by hand
when you need it sooner."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentora.scheduling.cadence import services as cadence_services


class Command(BaseCommand):
    help = "Generate regular sessions up to each program's booking window."

    def handle(self, *args: Any, **options: Any) -> None:
        result = cadence_services.all_regular_sessions_sync()
        self.stdout.write(
            f"{len(result.created)} regular session(s) added; {len(result.conflicts)} skipped "
            "for clashing with another session."
        )
