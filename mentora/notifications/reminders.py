"""Reminders: enqueued for their moment (run_after) when a session is booked or
moved, and for regular sessions by a periodic look-ahead, so that thousands of
generated sessions don't become thousands of waiting tasks weeks ahead.

A `ScheduledReminder` row per (session, which, start time) records that the
tasks exist; the unique constraint keeps two workers from enqueuing twice. A
moved session has a new start time, so it gets new rows and new tasks, and the
old tasks find the session moved and send nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from mentora.notifications.models import ScheduledReminder, Which
from mentora.notifications.tasks import enqueue
from mentora.programs.models import Program
from mentora.scheduling.models import Session, SessionStatus

# The look-ahead covers a little more than the first reminder, so a session
# gets its reminders queued well before their moment.
LOOKAHEAD_MARGIN = timedelta(hours=6)


def moments(session: Session) -> list[tuple[Which, datetime]]:
    program = session.program
    return [
        (Which.FIRST, session.starts_at - timedelta(hours=program.first_reminder_hours)),
        (Which.SECOND, session.starts_at - timedelta(hours=program.second_reminder_hours)),
    ]


def reminders_schedule(session: Session, *, now: datetime) -> int:
    """Enqueue the session's reminders for its current start time; a moment
    already past is recorded but not sent (the booking itself was the news)."""
    if session.status != SessionStatus.SCHEDULED or session.starts_at <= now:
        return 0
    queued = 0
    for which, run_after in moments(session):
        try:
            with transaction.atomic():
                reminder = ScheduledReminder.objects.create(
                    session=session, which=which, starts_at=session.starts_at, run_after=run_after
                )
                if run_after > now:
                    result = enqueue(
                        "session_reminder",
                        session.pk,
                        {"which": which.value, "starts_at": session.starts_at.isoformat()},
                        at=run_after,
                    )
                    reminder.task_id = str(result.id)
                    reminder.save(update_fields=["task_id"])
                    queued += 1
        except IntegrityError:
            continue  # already scheduled for this time
    return queued


def reminders_lookahead(*, now: datetime) -> int:
    """Queue reminders for scheduled sessions starting soon that have none for
    their current time yet (regular sessions, and any a crash left behind)."""
    queued = 0
    for program in Program.objects.all():
        horizon = now + timedelta(hours=program.first_reminder_hours) + LOOKAHEAD_MARGIN
        has_reminders = ScheduledReminder.objects.filter(
            session=OuterRef("pk"), starts_at=OuterRef("starts_at")
        )
        sessions = (
            Session.objects.filter(
                program=program,
                status=SessionStatus.SCHEDULED,
                starts_at__gt=now,
                starts_at__lte=horizon,
            )
            .exclude(Exists(has_reminders))
            .select_related("program")
        )
        for session in sessions.iterator():
            queued += reminders_schedule(session, now=now)
    return queued
