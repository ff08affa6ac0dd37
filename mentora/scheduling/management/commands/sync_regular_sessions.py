"""`manage.py sync_regular_sessions`: keep every cadence's sessions a full
booking window ahead. Run it daily (cron now; the task worker once it exists)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentora.programs.models import Mentorship, MentorshipStatus
from mentora.scheduling import services


class Command(BaseCommand):
    help = "Generate regular sessions up to each program's booking window."

    def handle(self, *args: Any, **options: Any) -> None:
        created = conflicts = 0
        mentorships = Mentorship.objects.filter(
            status=MentorshipStatus.ACTIVE, cadence__isnull=False
        ).select_related("program", "mentor")
        for mentorship in mentorships.iterator():
            result = services.regular_sessions_sync(mentorship=mentorship)
            created += len(result.created)
            conflicts += len(result.conflicts)
        self.stdout.write(
            f"{created} regular session(s) added; {conflicts} skipped for clashing with "
            "another session."
        )
