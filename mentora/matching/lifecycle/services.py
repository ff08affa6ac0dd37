"""Starting and ending mentorships: the writes every way of matching ends in.

A mentee request accepted, a staff match, a bulk-match publish and a re-match
all start a mentorship through `mentorship_start`, and every ending goes through
`mentorship_end`, so capacity, withdrawal of open requests, cancelling future
sessions and the notices happen the same way whichever page started it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import MentorProfile
from mentora.clock import now_or_current
from mentora.matching import hooks
from mentora.matching.errors import MatchingCode, MatchingError
from mentora.matching.models import MentorRequest, RequestStatus, WithdrawReason
from mentora.programs import queries as program_queries
from mentora.programs.models import (
    EndReason,
    Membership,
    Mentorship,
    MentorshipStatus,
    Program,
    Role,
)
from mentora.scheduling.booking.services import session_cancel
from mentora.scheduling.locking import lock_people
from mentora.scheduling.models import CancelReason, Session, SessionStatus

if TYPE_CHECKING:
    from mentora.accounts.models import User

MAX_END_NOTE = 2000
# Rows per INSERT when starting many mentorships (PostgreSQL takes them in one;
# SQLite's limit on parameters splits them).
BULK_BATCH = 1000


def _is_member(program: Program, user_id: int, role: Role) -> bool:
    return Membership.objects.active().filter(program=program, user_id=user_id, role=role).exists()


def mentor_has_room(program: Program, mentor: User) -> bool:
    """Whether the mentor's capacity leaves room for one more live mentorship."""
    # A mentor without a profile has no stated capacity: no room.
    capacity = getattr(getattr(mentor, "mentor_profile", None), "capacity", 0)
    return program_queries.mentor_load(program, mentor) < capacity


def _start_refusal(
    mentor: User,
    mentee: User,
    *,
    is_mentor: bool,
    is_mentee: bool,
    already_live: bool,
    has_room: bool,
) -> MatchingError | None:
    """Why this pair can't start, from facts read under the people's locks; None if it can.

    The one list of rules for `mentorship_start` (one pair) and
    `mentorships_start` (many, read in bulk), checked in this order.
    """
    if mentor.pk == mentee.pk:
        return MatchingError(MatchingCode.SELF, _("A person can't mentor themselves."))
    if not is_mentor:
        return MatchingError(
            MatchingCode.NOT_A_MENTOR,
            _("%(mentor)s isn't a mentor in this program.") % {"mentor": mentor},
        )
    if not is_mentee:
        return MatchingError(
            MatchingCode.NOT_A_MENTEE,
            _("%(mentee)s isn't a mentee in this program.") % {"mentee": mentee},
        )
    if already_live:
        return MatchingError(
            MatchingCode.ALREADY_MATCHED,
            _("%(mentee)s and %(mentor)s are already matched.")
            % {"mentee": mentee, "mentor": mentor},
        )
    if not has_room:
        return MatchingError(
            MatchingCode.MENTOR_FULL,
            _("%(mentor)s has no room for another mentee.") % {"mentor": mentor},
        )
    return None


def mentorship_start(
    *,
    program: Program,
    mentor: User,
    mentee: User,
    now: datetime | None = None,
    allow_over_capacity: bool = False,
    accepting: MentorRequest | None = None,
) -> Mentorship:
    """Start a mentorship between a mentor and a mentee of the program.

    Steps: lock both people (so two starts can't both take a mentor's last
    place); check roles, that the pair isn't already live and the mentor's
    capacity (staff may knowingly go over it); create the mentorship; withdraw
    the mentee's other open requests (all but `accepting`, the request being
    accepted, which its caller closes); tell both after commit. Callers that
    need it run inside their own transaction (this joins it).
    """
    now = now_or_current(now)
    if mentor.pk == mentee.pk:
        raise MatchingError(MatchingCode.SELF, _("A person can't mentor themselves."))
    with transaction.atomic():
        lock_people(mentor.pk, mentee.pk)
        # Each fact is read only if the rules before it passed (lazily, in order).
        is_mentor = _is_member(program, mentor.pk, Role.MENTOR)
        is_mentee = is_mentor and _is_member(program, mentee.pk, Role.MENTEE)
        live = (
            is_mentee
            and Mentorship.objects.live()
            .filter(program=program, mentor=mentor, mentee=mentee)
            .exists()
        )
        room = allow_over_capacity or not is_mentee or live or mentor_has_room(program, mentor)
        refusal = _start_refusal(
            mentor,
            mentee,
            is_mentor=is_mentor,
            is_mentee=is_mentee,
            already_live=live,
            has_room=room,
        )
        if refusal is not None:
            raise refusal
        mentorship = Mentorship(program=program, mentor=mentor, mentee=mentee, started_at=now)
        mentorship.full_clean()
        mentorship.save()
        _withdraw_open_requests(program, mentee, now, keep=accepting)
        hooks.mentorship_started(mentorship)
    return mentorship


class StartsRefused(MatchingError):
    """Some pairs of a `mentorships_start` can't start; nothing was. `pairs` maps
    each refused pair's index to why."""

    def __init__(self, pairs: dict[int, MatchingError]) -> None:
        first = next(iter(pairs.values()))
        super().__init__(first.code, first.message)
        self.pairs = pairs


def mentorships_start(
    *,
    program: Program,
    pairs: Sequence[tuple[User, User]],
    by: User | None = None,
    now: datetime | None = None,
    propose_times: bool = True,
) -> list[Mentorship]:
    """Start many mentorships (mentor, mentee) at once, all or nothing, in a fixed
    number of queries however many pairs there are (a cohort publish of thousands).

    The rules are mentorship_start's (`_start_refusal`), with the facts read for
    the whole set under the locks of everyone in it; capacity counts the pairs
    before each in the set, so a mentor with one place left can't take two. Any
    refusal raises StartsRefused (every refused pair, by index) and creates
    nothing. Otherwise, in the caller's transaction (or one of its own): create the
    mentorships; withdraw the mentees' open requests; give each new pair a proposed
    regular time (rhythm.regular_times_propose, unless `propose_times` is off); tell
    everyone, queued in bulk after commit. `by` is who did it (staff), kept for
    the hooks' sake; nothing else depends on it.
    """
    from mentora.matching.lifecycle.rhythm import regular_times_propose

    now = now_or_current(now)
    if not pairs:
        return []
    mentor_ids = {m.pk for m, _e in pairs}
    mentee_ids = {e.pk for _m, e in pairs}
    with transaction.atomic():
        lock_people(*mentor_ids, *mentee_ids)
        members = set(
            Membership.objects.active()
            .filter(program=program, user_id__in=mentor_ids | mentee_ids)
            .values_list("user_id", "role")
        )
        live = set(
            Mentorship.objects.live()
            .filter(program=program, mentee_id__in=mentee_ids, mentor_id__in=mentor_ids)
            .values_list("mentor_id", "mentee_id")
        )
        capacity = dict(
            MentorProfile.objects.filter(user_id__in=mentor_ids).values_list("user_id", "capacity")
        )
        load = Counter(
            dict(
                Mentorship.objects.live()
                .filter(program=program, mentor_id__in=mentor_ids)
                .values("mentor_id")
                .annotate(n=Count("pk"))
                .values_list("mentor_id", "n")
            )
        )
        refused: dict[int, MatchingError] = {}
        for index, (mentor, mentee) in enumerate(pairs):
            pair = (mentor.pk, mentee.pk)
            refusal = _start_refusal(
                mentor,
                mentee,
                is_mentor=(mentor.pk, Role.MENTOR) in members,
                is_mentee=(mentee.pk, Role.MENTEE) in members,
                already_live=pair in live,
                has_room=load[mentor.pk] < capacity.get(mentor.pk, 0),
            )
            if refusal is not None:
                refused[index] = refusal
                continue
            live.add(pair)  # the same pair twice in the set: the second is refused
            load[mentor.pk] += 1
        if refused:
            raise StartsRefused(refused)
        mentorships = [
            Mentorship(program=program, mentor=mentor, mentee=mentee, started_at=now)
            for mentor, mentee in pairs
        ]
        for mentorship in mentorships:
            # The foreign keys and constraints were checked above, in bulk: a
            # full_clean would query for each one.
            mentorship.full_clean(
                exclude=["program", "mentor", "mentee"],
                validate_unique=False,
                validate_constraints=False,
            )
        Mentorship.objects.bulk_create(mentorships, batch_size=BULK_BATCH)
        waiting = MentorRequest.objects.open().filter(program=program, mentee_id__in=mentee_ids)
        requests_withdraw(waiting, reason=WithdrawReason.MATCHED_ELSEWHERE, now=now)
        if propose_times:
            regular_times_propose(mentorships=mentorships, now=now)
        hooks.mentorships_started_many(mentorships)
    return mentorships


def _withdraw_open_requests(
    program: Program, mentee: User, now: datetime, keep: MentorRequest | None
) -> None:
    """A mentee matched anywhere no longer waits on other mentors."""
    waiting = MentorRequest.objects.open().filter(program=program, mentee=mentee)
    if keep is not None:
        waiting = waiting.exclude(pk=keep.pk)
    requests_withdraw(waiting, reason=WithdrawReason.MATCHED_ELSEWHERE, now=now)


def requests_withdraw(
    waiting: QuerySet[MentorRequest], *, reason: WithdrawReason, now: datetime
) -> None:
    """Withdraw these open requests for `reason` and tell each mentor and mentee.

    Callers hold the locks of the people concerned (inside their transaction).
    """
    requests = list(waiting.select_related("mentor", "mentee", "program"))
    MentorRequest.objects.filter(pk__in=[r.pk for r in requests], status=RequestStatus.OPEN).update(
        updated_at=timezone.now(),
        status=RequestStatus.WITHDRAWN,
        withdraw_reason=reason,
        decided_at=now,
    )
    for request in requests:
        request.status = RequestStatus.WITHDRAWN
        request.withdraw_reason = reason
        request.decided_at = now
    hooks.requests_withdrawn_many(requests)


def mentorship_end(
    *,
    mentorship: Mentorship,
    reason: EndReason | str,
    note: str = "",
    by: User | None,
    now: datetime | None = None,
) -> Mentorship:
    """End a live mentorship with a reason, keeping everything it holds.

    Steps: compare-and-set the status (a second end is refused); cancel its
    future sessions as the system (on time: nobody is to blame); tell both
    parties after commit. Sessions held, notes, reflections and feedback stay.
    """
    now = now_or_current(now)
    if reason not in EndReason.values:
        raise MatchingError(
            MatchingCode.BAD_REASON, _("Choose a reason from the list."), field="reason"
        )
    if len(note) > MAX_END_NOTE:
        raise MatchingError(
            MatchingCode.NOTE_TOO_LONG,
            _("Keep the note under %(limit)s characters.") % {"limit": f"{MAX_END_NOTE:,}"},
            field="note",
        )
    with transaction.atomic():
        ended = Mentorship.objects.filter(
            pk=mentorship.pk, status__in=[MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED]
        ).update(
            updated_at=timezone.now(),
            status=MentorshipStatus.ENDED,
            ended_at=now,
            end_reason=reason,
            end_note=note,
        )
        if ended != 1:
            raise MatchingError(MatchingCode.NOT_LIVE, _("This mentorship has already ended."))
        mentorship.refresh_from_db()
        future = Session.objects.filter(
            mentorship=mentorship, status=SessionStatus.SCHEDULED, starts_at__gt=now
        ).select_related("program", "mentorship")
        for session in future:
            session_cancel(session=session, by=None, reason=CancelReason.MENTORSHIP_ENDED, now=now)
        hooks.mentorship_ended(mentorship, by=by)
    return mentorship


def mentorship_pause(*, mentorship: Mentorship) -> Mentorship:
    """Pause an active mentorship: it keeps its place against the mentor's capacity."""
    updated = Mentorship.objects.filter(pk=mentorship.pk, status=MentorshipStatus.ACTIVE).update(
        updated_at=timezone.now(), status=MentorshipStatus.PAUSED
    )
    if updated != 1:
        raise MatchingError(MatchingCode.NOT_ACTIVE, _("Only an active mentorship can be paused."))
    mentorship.refresh_from_db()
    return mentorship


def mentorship_resume(*, mentorship: Mentorship) -> Mentorship:
    """Resume a paused mentorship (its place was kept, so capacity isn't checked)."""
    updated = Mentorship.objects.filter(pk=mentorship.pk, status=MentorshipStatus.PAUSED).update(
        updated_at=timezone.now(), status=MentorshipStatus.ACTIVE
    )
    if updated != 1:
        raise MatchingError(MatchingCode.NOT_PAUSED, _("Only a paused mentorship can be resumed."))
    mentorship.refresh_from_db()
    return mentorship
