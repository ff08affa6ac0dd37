"""Relationship health: pulses, concerns, and re-matching a mentorship.

Every write here owns its transaction and tells notifications through
`mentora.matching.hooks` inside it (delivery happens after commit, so a
refused write tells nobody). Starting, pausing and ending mentorships goes
through `lifecycle.services`, never a copy of it. Who may call these (the
pages' 404s) is decided in `mentora.matching.access`; the checks on `by` here
use the same predicates, so a caller that skips the page can't skip the rule.

The pulse schedule: a mentorship's clock starts when its first session is held
(the session's end). With `pulse_after_first_session` both parties are asked
then; with `pulse_every_weeks = N > 0` again every N weeks after it. Only
active mentorships are asked (paused and ended ones are not). A pulse's
`asked_at` is the moment it fell due, not the moment the job ran, so running
the job twice (or on two workers at once) can't ask twice: the database's
unique (mentorship, respondent, asked_at) refuses the second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.clock import now_or_current
from mentora.matching import access, hooks
from mentora.matching.errors import MatchingCode, MatchingError
from mentora.matching.lifecycle.rhythm import regular_time_propose
from mentora.matching.lifecycle.services import mentorship_end, mentorship_pause, mentorship_start
from mentora.matching.models import (
    Concern,
    ConcernOutcome,
    ConcernReason,
    ConcernStatus,
    Pulse,
    PulseAnswer,
)
from mentora.mentoring.carry_over import carry_over
from mentora.programs import access as program_access
from mentora.programs.models import EndReason, Mentorship, MentorshipStatus
from mentora.scheduling.models import SessionStatus

if TYPE_CHECKING:
    from mentora.accounts.models import User

MAX_PULSE_COMMENT = 500
MAX_CONCERN_DETAILS = 2000
MAX_RESOLUTION_NOTE = 2000

# How a success manager may end a mentorship when re-matching.
REMATCH_END_REASONS = (
    EndReason.REMATCHED,
    EndReason.NOT_A_FIT,
    EndReason.MENTOR_UNAVAILABLE,
    EndReason.OTHER,
)


# --- pulses -----------------------------------------------------------------------------


def pulse_due_at(
    *, first_held_end: datetime, after_first: bool, every_weeks: int, now: datetime
) -> datetime | None:
    """The latest moment a pulse fell due at or before `now`, or None.

    Pure: the schedule in one place. Due moments are the first held session's
    end (if `after_first`) and every `every_weeks` weeks after it.
    """
    if first_held_end > now:
        return None
    if every_weeks <= 0:
        return first_held_end if after_first else None
    period = timedelta(weeks=every_weeks)
    periods = (now - first_held_end) // period
    if periods == 0 and not after_first:
        return None
    return first_held_end + periods * period


def _due_mentorships(now: datetime) -> list[tuple[Mentorship, datetime]]:
    """Active mentorships with a pulse due, and the moment it fell due (one query)."""
    mentorships = (
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
        .filter(Q(program__pulse_after_first_session=True) | Q(program__pulse_every_weeks__gt=0))
        .annotate(
            first_held_end=Min("sessions__ends_at", filter=Q(sessions__status=SessionStatus.HELD))
        )
        .filter(first_held_end__lte=now)
        .select_related("program", "mentor", "mentee")
    )
    due: list[tuple[Mentorship, datetime]] = []
    for mentorship in mentorships:
        at = pulse_due_at(
            first_held_end=mentorship.first_held_end,  # type: ignore[attr-defined]
            after_first=mentorship.program.pulse_after_first_session,
            every_weeks=mentorship.program.pulse_every_weeks,
            now=now,
        )
        if at is not None:
            due.append((mentorship, at))
    return due


def pulses_ask_due(*, now: datetime | None = None) -> list[Pulse]:
    """Ask every pulse that has fallen due and wasn't asked yet; the new pulses.

    Steps: find active mentorships whose latest due moment has passed; skip
    the (mentorship, respondent, moment) already asked; create one pulse per
    party, each in its own savepoint, so a concurrent run that got there first
    (the unique constraint) is skipped, not an error; tell each respondent.
    A periodic job of the worker (matching/jobs.py).
    """
    now = now_or_current(now)
    due = _due_mentorships(now)
    if not due:
        return []
    asked = set(
        Pulse.objects.filter(
            mentorship_id__in=[m.pk for m, _at in due], asked_at__in={at for _m, at in due}
        ).values_list("mentorship_id", "respondent_id", "asked_at")
    )
    created: list[Pulse] = []
    for mentorship, at in due:
        for respondent in (mentorship.mentee, mentorship.mentor):
            if (mentorship.pk, respondent.pk, at) in asked:
                continue
            pulse = Pulse(mentorship=mentorship, respondent=respondent, asked_at=at)
            try:
                with transaction.atomic():
                    pulse.save()
                    hooks.pulse_asked(pulse)
            except IntegrityError:
                continue  # another run asked it a moment ago
            created.append(pulse)
    return created


def pulse_answer(
    *,
    pulse: Pulse,
    by: User,
    answer: PulseAnswer | str,
    comment: str = "",
    now: datetime | None = None,
) -> Pulse:
    """Answer a pulse once. A "not a fit" goes to the success manager at once.

    Steps: check it is the respondent's own pulse, the answer and the comment;
    compare-and-set the answer (a second answer is refused); tell notifications.
    """
    now = now_or_current(now)
    if not access.answers_pulse(by, pulse):
        raise MatchingError(MatchingCode.NOT_YOURS, _("Only the person asked can answer this."))
    if answer not in PulseAnswer.values:
        raise MatchingError(
            MatchingCode.BAD_ANSWER, _("Choose one of the answers."), field="answer"
        )
    if len(comment) > MAX_PULSE_COMMENT:
        raise MatchingError(
            MatchingCode.COMMENT_TOO_LONG,
            _("Keep the comment under %(limit)s characters.") % {"limit": f"{MAX_PULSE_COMMENT:,}"},
            field="comment",
        )
    with transaction.atomic():
        answered = (
            Pulse.objects.filter(pk=pulse.pk, answer="")
            .exclude(mentorship__status=MentorshipStatus.ENDED)
            .update(answer=answer, comment=comment.strip(), answered_at=now)
        )
        if answered != 1:
            pulse.refresh_from_db()
            if pulse.answer:
                raise MatchingError(
                    MatchingCode.ALREADY_ANSWERED, _("You have already answered this one.")
                )
            raise MatchingError(
                MatchingCode.ENDED, _("This mentorship has ended; there's nothing to answer.")
            )
        pulse.refresh_from_db()
        hooks.pulse_answered(pulse)
    return pulse


# --- concerns ---------------------------------------------------------------------------


def concern_raise(
    *,
    mentorship: Mentorship,
    by: User,
    reason: ConcernReason | str,
    details: str = "",
    now: datetime | None = None,
) -> Concern:
    """Raise a concern about a live mentorship, privately to the mentee's success manager.

    Steps: check the person is one of the two parties, the mentorship is live,
    the reason and details; refuse a second open concern by the same person
    on the same mentorship; save; tell the success manager.
    """
    now = now_or_current(now)
    details = details.strip()
    if not program_access.is_party(by, mentorship):
        raise MatchingError(
            MatchingCode.NOT_A_PARTY, _("Only the mentor or the mentee can raise a concern.")
        )
    if reason not in ConcernReason.values:
        raise MatchingError(
            MatchingCode.BAD_REASON, _("Choose a reason from the list."), field="reason"
        )
    if len(details) > MAX_CONCERN_DETAILS:
        raise MatchingError(
            MatchingCode.DETAILS_TOO_LONG,
            _("Keep it under %(limit)s characters.") % {"limit": f"{MAX_CONCERN_DETAILS:,}"},
            field="details",
        )
    if reason == ConcernReason.OTHER and not details:
        raise MatchingError(
            MatchingCode.DETAILS_NEEDED,
            _("Tell your success manager a little about it."),
            field="details",
        )
    with transaction.atomic():
        # Lock the mentorship: two concurrent raises by one person make one concern.
        live = Mentorship.objects.select_for_update().filter(pk=mentorship.pk).first()
        if live is None or not live.is_live:
            raise MatchingError(MatchingCode.ENDED, _("This mentorship has ended."))
        if Concern.objects.filter(
            mentorship=mentorship, raised_by=by, status=ConcernStatus.OPEN
        ).exists():
            raise MatchingError(
                MatchingCode.ALREADY_OPEN,
                _(
                    "You already raised a concern about this mentorship; "
                    "your success manager is looking into it."
                ),
            )
        concern = Concern(
            program_id=mentorship.program_id,
            mentorship=mentorship,
            raised_by=by,
            reason=reason,
            details=details,
            created_at=now,
        )
        concern.full_clean()
        concern.save()
        hooks.concern_raised(concern)
    return concern


def concern_resolve(
    *,
    concern: Concern,
    by: User,
    outcome: ConcernOutcome | str,
    note: str = "",
    new_mentor: User | None = None,
    end_reason: EndReason | str = EndReason.REMATCHED,
    now: datetime | None = None,
) -> Concern:
    """Resolve an open concern: keep going (with a note), pause, or re-match.

    Steps: check the outcome and note; in one transaction, pause the
    mentorship or re-match it (which resolves this and every other open
    concern on it) or, for keep going, just record; compare-and-set the
    concern open -> resolved (resolving twice is refused and undoes the
    rest); tell the person who raised it.
    """
    now = now_or_current(now)
    note = note.strip()
    if outcome not in ConcernOutcome.values:
        raise MatchingError(
            MatchingCode.BAD_OUTCOME, _("Choose how to resolve it."), field="outcome"
        )
    if len(note) > MAX_RESOLUTION_NOTE:
        raise MatchingError(
            MatchingCode.NOTE_TOO_LONG,
            _("Keep the note under %(limit)s characters.") % {"limit": f"{MAX_RESOLUTION_NOTE:,}"},
            field="note",
        )
    if outcome == ConcernOutcome.KEEP_GOING and not note:
        raise MatchingError(
            MatchingCode.NOTE_NEEDED,
            _("Write a note on what was agreed, so it's on record."),
            field="note",
        )
    if concern.status != ConcernStatus.OPEN:
        raise _already_resolved()
    with transaction.atomic():
        if outcome == ConcernOutcome.REMATCHED:
            if new_mentor is None:
                raise MatchingError(
                    MatchingCode.MENTOR_NEEDED, _("Choose the new mentor."), field="mentor"
                )
            mentorship_rematch(
                mentorship=concern.mentorship,
                new_mentor=new_mentor,
                reason=end_reason,
                note=note,
                by=by,
                now=now,
                concern=concern,
            )
        else:
            if outcome == ConcernOutcome.PAUSED:
                mentorship_pause(mentorship=concern.mentorship)
            _mark_resolved(concern, by=by, outcome=outcome, note=note, now=now)
    return concern


def _already_resolved() -> MatchingError:
    return MatchingError(
        MatchingCode.ALREADY_RESOLVED, _("This concern has already been resolved.")
    )


def _mark_resolved(
    concern: Concern,
    *,
    by: User,
    outcome: ConcernOutcome | str,
    note: str,
    now: datetime,
    new_mentorship: Mentorship | None = None,
) -> None:
    """Compare-and-set one concern open -> resolved and tell who raised it."""
    fields = {
        "status": ConcernStatus.RESOLVED,
        "resolved_at": now,
        "resolved_by": by,
        "outcome": outcome,
        "resolution_note": note,
        "new_mentorship": new_mentorship,
    }
    if (
        Concern.objects.filter(pk=concern.pk, status=ConcernStatus.OPEN).update(
            updated_at=timezone.now(), **fields
        )
        != 1
    ):
        raise _already_resolved()
    concern.refresh_from_db()
    hooks.concern_resolved(concern)


# --- re-matching ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rematch:
    old: Mentorship
    new: Mentorship


def mentorship_rematch(
    *,
    mentorship: Mentorship,
    new_mentor: User,
    reason: EndReason | str = EndReason.REMATCHED,
    note: str = "",
    by: User,
    now: datetime | None = None,
    concern: Concern | None = None,
) -> Rematch:
    """End a mentorship with a reason and start one with another mentor, as one step.

    Steps: refuse the same mentor; end the old mentorship (its future
    sessions are cancelled on time, both parties told); start the new one
    (capacity checked: a full mentor refuses and the end is undone); resolve
    the given concern and any other open concern on the old mentorship as
    re-matched; carry the mentee's active goals and open action items into the
    new one (mentoring.carry_over; never the old mentor's notes) and propose
    its regular time. Everything of the old mentorship is kept.
    """
    now = now_or_current(now)
    if new_mentor.pk == mentorship.mentor_id:
        raise MatchingError(
            MatchingCode.SAME_MENTOR,
            _("Choose a different mentor from the current one."),
            field="mentor",
        )
    if reason not in REMATCH_END_REASONS:
        raise MatchingError(
            MatchingCode.BAD_REASON, _("Choose a reason from the list."), field="reason"
        )
    with transaction.atomic():
        old = mentorship_end(mentorship=mentorship, reason=reason, note=note, by=by, now=now)
        new = mentorship_start(program=old.program, mentor=new_mentor, mentee=old.mentee, now=now)
        carry_over(old=old, new=new)
        regular_time_propose(mentorship=new, now=now)
        open_concerns = list(
            Concern.objects.filter(mentorship=old, status=ConcernStatus.OPEN).order_by("pk")
        )
        if concern is not None and concern.pk not in {c.pk for c in open_concerns}:
            raise _already_resolved()
        for each in open_concerns:
            target = concern if concern is not None and each.pk == concern.pk else each
            _mark_resolved(
                target,
                by=by,
                outcome=ConcernOutcome.REMATCHED,
                note=note,
                now=now,
                new_mentorship=new,
            )
    return Rematch(old=old, new=new)
