"""What other apps tell notifications about, through the hooks they own.

Scheduling, mentoring and matching sit below notifications and never import
it: their services call `mentora.scheduling.hooks`, `mentora.mentoring.hooks`
and `mentora.matching.hooks`, and
`listen()` (run from NotificationsConfig.ready) connects each hook to the
function of the same name here. Each call is made inside the caller's
transaction and only queues a task once it commits: nothing is sent for a
change that rolled back, and a failing queue never breaks the change itself
(robust on_commit). Delivery is exactly once per person and event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from mentora.hooks import Hook
from mentora.matching import hooks as matching_hooks
from mentora.mentoring import hooks as mentoring_hooks
from mentora.notifications.reminders import reminders_schedule
from mentora.notifications.tasks import enqueue, enqueue_many
from mentora.scheduling import hooks as scheduling_hooks
from mentora.scheduling.models import Session

if TYPE_CHECKING:
    from datetime import datetime

    from mentora.accounts.models import User
    from mentora.matching.models import Concern, MentorRequest, Pulse
    from mentora.mentoring.models import Feedback, Reflection, ReflectionReopening
    from mentora.programs.models import Mentorship
    from mentora.scheduling.models import Cadence, CalendarConnection


def _after_commit(func: Callable[[], object]) -> None:
    transaction.on_commit(func, robust=True)


def _emit(event: str, object_id: int, **extra: Any) -> None:
    def queue() -> None:
        enqueue(event, object_id, extra)

    _after_commit(queue)


def _emit_many(event: str, object_ids: list[int]) -> None:
    """One event for each of many objects, queued in one go after commit."""
    if not object_ids:
        return

    def queue() -> None:
        enqueue_many(event, object_ids)

    _after_commit(queue)


def _schedule_reminders(session_id: int) -> None:
    def schedule() -> None:
        session = Session.objects.select_related("program").filter(pk=session_id).first()
        if session is not None:
            reminders_schedule(session, now=timezone.now())

    _after_commit(schedule)


# --- Scheduling ---------------------------------------------------------------


def session_booked(session: Session, *, by: User | None) -> None:
    """The other party hears (with the invite); the reminders are queued."""
    _emit("session_booked", session.pk, sequence=session.sequence, by_id=by.pk if by else None)
    _schedule_reminders(session.pk)


def session_moved(session: Session, *, by: User | None, old_starts_at: datetime) -> None:
    """The other party hears; new reminders are queued, the old ones will find the session moved."""
    _emit(
        "session_moved",
        session.pk,
        sequence=session.sequence,
        old_starts_at=old_starts_at.isoformat(),
        by_id=by.pk if by else None,
    )
    _schedule_reminders(session.pk)


def session_cancelled(session: Session, *, by: User | None) -> None:
    """The other party hears (CANCEL invite); a late cancellation also goes to staff."""
    _emit("session_cancelled", session.pk, by_id=by.pk if by else None)


def cadence_changed(cadence: Cadence, *, by: User) -> None:
    """The other party hears of the new regular time once, not once per moved session."""
    _emit(
        "cadence_changed",
        cadence.mentorship_id,
        updated_at=cadence.updated_at.isoformat(),
        by_id=by.pk,
    )


def session_link_changed(session: Session, *, by: User) -> None:
    """The mentor set or cleared the session's own link: the mentee hears (with the invite)."""
    _emit("session_link_changed", session.pk, sequence=session.sequence, by_id=by.pk)


def attendance_marked(session: Session, *, by: User) -> None:
    """A mentor no-show, or a second missed session in a row, goes to staff."""
    _emit("attendance_marked", session.pk, by_id=by.pk)


# --- Matching -----------------------------------------------------------------


def request_created(request: MentorRequest) -> None:
    """A mentee asked a mentor: the mentor hears of it."""
    _emit("request_created", request.pk)


def request_decided(request: MentorRequest) -> None:
    """A mentor accepted or declined: the mentee hears of it (with the reason)."""
    _emit("request_decided", request.pk)


def request_withdrawn(request: MentorRequest) -> None:
    """An open request was withdrawn (by the mentee, or accepted elsewhere): the mentor."""
    _emit("request_withdrawn", request.pk)


def requests_withdrawn_many(requests: list[MentorRequest]) -> None:
    """Many open requests withdrawn at once (a cohort publish matched their mentees)."""
    _emit_many("request_withdrawn", [r.pk for r in requests])


def pulse_asked(pulse: Pulse) -> None:
    """A pulse ("How is this mentorship going?") is due: its respondent is asked."""
    _emit("pulse_asked", pulse.pk)


def pulse_answered(pulse: Pulse) -> None:
    """A "not a fit" answer goes to the mentee's success manager at once."""
    _emit("pulse_answered", pulse.pk)


def concern_raised(concern: Concern) -> None:
    """A concern goes to the mentee's success manager at once (cannot be turned off)."""
    _emit("concern_raised", concern.pk)


def concern_resolved(concern: Concern) -> None:
    """The person who raised the concern hears the outcome."""
    _emit("concern_resolved", concern.pk)


def mentorship_started(mentorship: Mentorship) -> None:
    """Both parties hear of a new mentorship (accepted request, staff match, re-match)."""
    _emit("mentorship_started", mentorship.pk)


def mentorships_started_many(mentorships: list[Mentorship]) -> None:
    """Many new mentorships at once (a cohort publish): the same notice for each."""
    _emit_many("mentorship_started", [m.pk for m in mentorships])


def mentorship_ended(mentorship: Mentorship, *, by: User | None) -> None:
    """Both parties hear a mentorship ended, with its reason."""
    _emit("mentorship_ended", mentorship.pk, by_id=by.pk if by else None)


def calendar_disabled(connection: CalendarConnection) -> None:
    """A connected calendar stopped being read: its owner hears why."""
    _emit("calendar_disabled", connection.pk)


# --- Mentoring ----------------------------------------------------------------


def reflection_reopened(reopening: ReflectionReopening) -> None:
    """Staff reopened a closed reflection: that party hears until when."""
    _emit("reflection_reopened", reopening.pk)


# --- Heard by webhooks only --------------------------------------------------------
# listen() wants a function for every hook, so a new hook can't be forgotten;
# these three are for the program's other systems (mentora.webhooks), and
# nobody is emailed: the pages already show an expired request, a reflection
# and feedback where they belong.


def requests_expired_many(requests: list[MentorRequest]) -> None:
    """Requests that went unanswered: nobody is told (the mentee's page says so)."""


def reflection_submitted(reflection: Reflection) -> None:
    """A party reflected on a session: nobody is told."""


def feedback_submitted(feedback: Feedback) -> None:
    """A mentee gave feedback: nobody is told (the mentor reads it on their page)."""


def listen() -> None:
    """Connect every scheduling, matching and mentoring hook to its function above."""
    for hooks in (scheduling_hooks, matching_hooks, mentoring_hooks):
        for name, hook in vars(hooks).items():
            if isinstance(hook, Hook):
                hook.connect(globals()[name])
