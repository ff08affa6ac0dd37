"""Off-boarding: a person's part in a program ends, and every record stays.

Graduating a mentee, marking a person as having left, deactivating an account
and completing a mentorship all go through one core, `_offboard`, so each does
the same things in the same order, inside one transaction:

1. compare-and-set the membership out of "active" (a second graduation, or a
   graduation racing a leave, is refused: exactly one wins);
2. end the person's live mentorships in that role through `mentorship_end`
   (completed for a graduation, "mentee left" / "mentor no longer available"
   for leaving), which cancels their future sessions as the system: on time,
   `cancelled_by` empty, so nobody is counted as cancelling late, no makeup is
   due, and no reminder is sent (a reminder rebuilds itself and finds the
   session cancelled);
3. cancel any future session of theirs still scheduled on a mentorship that had
   already ended (one a status edit outside these services left behind);
4. withdraw the mentee's open requests, close the requests waiting for the
   mentor (both as withdrawn, with a reason saying who left), and close the
   makeup requests nobody answered;
5. the hooks those writes fire tell the other party after commit.

Nothing is deleted: held sessions, notes, reflections, feedback, requests and
the mentorship itself stay, and the membership keeps its cohort and success
manager with `ended_at` set. `offboarding_plan` counts the same querysets the
core acts on, so a confirm page says exactly what will happen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora.clock import now_or_current
from mentora.matching import access
from mentora.matching.engine.cache import program_mentors_changed
from mentora.matching.errors import MatchingCode, MatchingError
from mentora.matching.lifecycle.services import mentorship_end, requests_withdraw
from mentora.matching.models import MentorRequest, WithdrawReason
from mentora.programs.models import (
    Cohort,
    EndReason,
    Membership,
    MembershipStatus,
    Mentorship,
    MentorshipStatus,
    Role,
)
from mentora.scheduling.booking.services import session_cancel
from mentora.scheduling.locking import lock_people
from mentora.scheduling.models import (
    CancelReason,
    MakeupRequest,
    MakeupRequestStatus,
    Session,
    SessionStatus,
)

if TYPE_CHECKING:
    from mentora.accounts.models import User

MAX_CLOSING_REFLECTION = 2000
MAX_LEAVE_NOTE = 2000

# The side of a mentorship, session or request a role sits on.
_SIDE = {Role.MENTEE: "mentee", Role.MENTOR: "mentor"}


# --- what will happen ---------------------------------------------------------------------


@dataclass
class Plan:
    """What off-boarding one or more memberships does (or did): counts of each kind."""

    mentorships: int = 0
    sessions: int = 0
    requests_withdrawn: int = 0  # the person's own, as a mentee
    requests_closed: int = 0  # waiting for them, as a mentor
    makeup_requests: int = 0
    people: list[str] = field(default_factory=list)  # the other parties, for the summary

    def add(self, other: Plan) -> None:
        self.mentorships += other.mentorships
        self.sessions += other.sessions
        self.requests_withdrawn += other.requests_withdrawn
        self.requests_closed += other.requests_closed
        self.makeup_requests += other.makeup_requests
        self.people += [p for p in other.people if p not in self.people]

    def _people(self, shown: int = 5) -> str:
        """The other parties, a few by name (a cohort's list would fill the page)."""
        names = ", ".join(self.people[:shown])
        rest = len(self.people) - shown
        if rest <= 0:
            return names
        return ngettext("%(names)s and %(rest)s other", "%(names)s and %(rest)s others", rest) % {
            "names": names,
            "rest": rest,
        }

    def lines(self) -> list[str]:
        """The summary a confirm page shows ("3 future sessions will be cancelled")."""
        lines = []
        if self.mentorships:
            lines.append(
                ngettext(
                    "%(count)s live mentorship will end (with %(people)s).",
                    "%(count)s live mentorships will end (with %(people)s).",
                    self.mentorships,
                )
                % {"count": self.mentorships, "people": self._people()}
            )
        if self.sessions:
            lines.append(
                ngettext(
                    "%(count)s future session will be cancelled, on time for both people.",
                    "%(count)s future sessions will be cancelled, on time for both people.",
                    self.sessions,
                )
                % {"count": self.sessions}
            )
        if self.requests_withdrawn:
            lines.append(
                ngettext(
                    "%(count)s open mentor request will be withdrawn.",
                    "%(count)s open mentor requests will be withdrawn.",
                    self.requests_withdrawn,
                )
                % {"count": self.requests_withdrawn}
            )
        if self.requests_closed:
            lines.append(
                ngettext(
                    "%(count)s request waiting for them as a mentor will be closed.",
                    "%(count)s requests waiting for them as a mentor will be closed.",
                    self.requests_closed,
                )
                % {"count": self.requests_closed}
            )
        if self.makeup_requests:
            lines.append(
                ngettext(
                    "%(count)s unanswered makeup request will be closed.",
                    "%(count)s unanswered makeup requests will be closed.",
                    self.makeup_requests,
                )
                % {"count": self.makeup_requests}
            )
        if not lines:
            lines.append(_("Nothing is open: no live mentorship, future session or request."))
        return lines


@dataclass(frozen=True)
class _Scope:
    """The records of one membership that off-boarding acts on."""

    mentorships: QuerySet[Mentorship]
    sessions: QuerySet[Session]
    own_requests: QuerySet[MentorRequest]
    requests_to: QuerySet[MentorRequest]
    makeups: QuerySet[MakeupRequest]


def _scope(membership: Membership, now: datetime) -> _Scope:
    side = _SIDE.get(Role(membership.role))
    program, user_id = membership.program_id, membership.user_id
    if side is None:  # success managers and admins hold no mentorship of their own
        return _Scope(
            Mentorship.objects.none(),
            Session.objects.none(),
            MentorRequest.objects.none(),
            MentorRequest.objects.none(),
            MakeupRequest.objects.none(),
        )
    mine = Q(program_id=program, **{f"{side}_id": user_id})
    requests = MentorRequest.objects.open().filter(mine)
    return _Scope(
        mentorships=Mentorship.objects.live().filter(mine).select_related("mentor", "mentee"),
        sessions=Session.objects.filter(mine, status=SessionStatus.SCHEDULED, starts_at__gt=now),
        own_requests=requests if side == "mentee" else MentorRequest.objects.none(),
        requests_to=requests if side == "mentor" else MentorRequest.objects.none(),
        makeups=MakeupRequest.objects.filter(
            status=MakeupRequestStatus.PENDING,
            session__program_id=program,
            **{f"session__{side}_id": user_id},
        ),
    )


def _other_party(mentorship: Mentorship, user_id: int) -> str:
    other = mentorship.mentee if mentorship.mentor_id == user_id else mentorship.mentor
    return other.name or other.email


def _count(scope: _Scope, user_id: int) -> Plan:
    mentorships = list(scope.mentorships)
    return Plan(
        mentorships=len(mentorships),
        sessions=scope.sessions.count(),
        requests_withdrawn=scope.own_requests.count(),
        requests_closed=scope.requests_to.count(),
        makeup_requests=scope.makeups.count(),
        people=[_other_party(m, user_id) for m in mentorships],
    )


def offboarding_plan(*, memberships: Iterable[Membership], now: datetime | None = None) -> Plan:
    """What off-boarding these memberships would do now (nothing is written)."""
    now = now_or_current(now)
    plan = Plan()
    for membership in memberships:
        if membership.status == MembershipStatus.ACTIVE:
            plan.add(_count(_scope(membership, now), membership.user_id))
    return plan


# --- the one core -------------------------------------------------------------------------


def _refusal(membership: Membership) -> MatchingError:
    """Why a membership that isn't active can't be off-boarded again."""
    current = Membership.objects.filter(pk=membership.pk).values_list("status", flat=True).first()
    name = membership.user.name or membership.user.email
    if current == MembershipStatus.GRADUATED:
        return MatchingError(
            MatchingCode.ALREADY_GRADUATED,
            _("%(name)s has already graduated.") % {"name": name},
        )
    return MatchingError(
        MatchingCode.ALREADY_LEFT,
        _("%(name)s is no longer active in this role.") % {"name": name},
    )


def _end_reason(role: Role, status: MembershipStatus) -> EndReason:
    if status == MembershipStatus.GRADUATED:
        return EndReason.COMPLETED
    return EndReason.MENTEE_LEFT if role == Role.MENTEE else EndReason.MENTOR_UNAVAILABLE


def _offboard(
    *,
    membership: Membership,
    status: MembershipStatus,
    by: User | None,
    note: str,
    now: datetime,
) -> Plan:
    """End one membership and everything it holds open; returns what was done.

    Runs inside the caller's transaction (or its own), with the person locked,
    so a match or booking racing it waits and then finds them gone.
    """
    role = Role(membership.role)
    with transaction.atomic():
        lock_people(membership.user_id)
        moved = Membership.objects.filter(pk=membership.pk, status=MembershipStatus.ACTIVE).update(
            updated_at=timezone.now(),
            status=status,
            is_active=False,
            ended_at=now,
            ended_by=by,
            end_note=note,
        )
        if moved != 1:
            raise _refusal(membership)
        membership.status, membership.is_active, membership.ended_at = status, False, now
        membership.ended_by, membership.end_note = by, note
        scope = _scope(membership, now)
        done = _count(scope, membership.user_id)
        for mentorship in scope.mentorships:
            mentorship_end(
                mentorship=mentorship, reason=_end_reason(role, status), note=note, by=by, now=now
            )
        # Left behind on a mentorship that ended without these services.
        for session in scope.sessions.select_related("program", "mentorship"):
            session_cancel(session=session, by=None, reason=CancelReason.MENTORSHIP_ENDED, now=now)
        requests_withdraw(scope.own_requests, reason=WithdrawReason.MENTEE_LEFT, now=now)
        requests_withdraw(scope.requests_to, reason=WithdrawReason.MENTOR_LEFT, now=now)
        scope.makeups.update(status=MakeupRequestStatus.EXPIRED, decided_at=now)
        program_mentors_changed([membership.program_id])  # the directory's mentors
    return done


def _check_note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_LEAVE_NOTE:
        raise MatchingError(
            MatchingCode.NOTE_TOO_LONG,
            _("Keep the note under %(limit)s characters.") % {"limit": f"{MAX_LEAVE_NOTE:,}"},
            field="note",
        )
    return note


# --- the public services ------------------------------------------------------------------


def membership_graduate(
    *, membership: Membership, by: User | None, now: datetime | None = None
) -> Plan:
    """A mentee graduates: status graduated, their mentorships completed."""
    if membership.role != Role.MENTEE:
        raise MatchingError(MatchingCode.NOT_A_MENTEE, _("Only a mentee can graduate."))
    return _offboard(
        membership=membership,
        status=MembershipStatus.GRADUATED,
        by=by,
        note="",
        now=now_or_current(now),
    )


@dataclass(frozen=True)
class CohortGraduation:
    graduated: list[Membership]
    plan: Plan


def cohort_graduate(
    *, cohort: Cohort, by: User | None, now: datetime | None = None
) -> CohortGraduation:
    """Every active mentee of the cohort graduates, all or nothing.

    One transaction for the whole cohort: graduating a cohort is one decision,
    so a refusal half-way (someone off-boarded by another admin a moment
    before) leaves the cohort as it was, to be tried again, rather than half
    graduated with no way to tell which half. The cohort row is locked first, so
    a second click waits and then finds nobody left to graduate.
    """
    now = now_or_current(now)
    with transaction.atomic():
        list(Cohort.objects.select_for_update().filter(pk=cohort.pk).values("pk"))
        memberships = list(
            Membership.objects.active()
            .filter(cohort=cohort, role=Role.MENTEE)
            .select_related("user")
            .order_by("user_id")
        )
        if not memberships:
            raise MatchingError(
                MatchingCode.NO_MENTEES,
                _("%(cohort)s has no active mentees to graduate.") % {"cohort": cohort.name},
            )
        plan = Plan()
        for membership in memberships:
            plan.add(
                _offboard(
                    membership=membership,
                    status=MembershipStatus.GRADUATED,
                    by=by,
                    note="",
                    now=now,
                )
            )
    return CohortGraduation(graduated=memberships, plan=plan)


def membership_leave(
    *, membership: Membership, by: User | None, note: str = "", now: datetime | None = None
) -> Plan:
    """A person leaves one role in the program (status "left"); the note goes
    with the mentorships this ends."""
    return _offboard(
        membership=membership,
        status=MembershipStatus.LEFT,
        by=by,
        note=_check_note(note),
        now=now_or_current(now),
    )


def account_deactivate(*, user: User, by: User, now: datetime | None = None) -> Plan:
    """Every membership in every program "left", and the account can't log in.

    A program admin may deactivate only someone all of whose programs they
    administer (`access.deactivates_account`); a site superuser anyone but
    themselves. History stays: the account isn't deleted, only shut.
    """
    now = now_or_current(now)
    if user.pk == by.pk:
        raise MatchingError(MatchingCode.SELF, _("You can't deactivate your own account."))
    if not access.deactivates_account(by, user):
        raise MatchingError(
            MatchingCode.ELSEWHERE,
            _(
                "%(name)s also takes part in another program, so only a site administrator "
                "can deactivate their account. You can mark them as having left this program."
            )
            % {"name": user.name or user.email},
        )
    with transaction.atomic():
        lock_people(user.pk)
        shut = get_user_model().objects.filter(pk=user.pk, is_active=True).update(is_active=False)
        if shut != 1:
            raise MatchingError(
                MatchingCode.ALREADY_DEACTIVATED,
                _("%(name)s's account is already deactivated.") % {"name": user.name or user.email},
            )
        user.is_active = False
        plan = Plan()
        memberships = (
            Membership.objects.active()
            .filter(user=user)
            .select_related("user", "program")
            .order_by("program_id", "role")
        )
        for membership in memberships:
            plan.add(
                _offboard(
                    membership=membership, status=MembershipStatus.LEFT, by=by, note="", now=now
                )
            )
    return plan


def mentorship_complete(
    *, mentorship: Mentorship, by: User | None, note: str = "", now: datetime | None = None
) -> Mentorship:
    """End a live mentorship as completed; both may then write a closing reflection."""
    return mentorship_end(
        mentorship=mentorship, reason=EndReason.COMPLETED, note=note.strip(), by=by, now=now
    )


def is_completed(mentorship: Mentorship) -> bool:
    return (
        mentorship.status == MentorshipStatus.ENDED and mentorship.end_reason == EndReason.COMPLETED
    )


def closing_reflection_save(*, mentorship: Mentorship, by: User, text: str) -> Mentorship:
    """The mentor's or the mentee's optional closing words on a completed mentorship."""
    if by.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise MatchingError(
            MatchingCode.NOT_A_PARTY, _("Only the mentor and the mentee write closing words.")
        )
    if not is_completed(mentorship):
        raise MatchingError(
            MatchingCode.NOT_COMPLETED,
            _("Closing reflections are for a mentorship that was completed."),
        )
    text = text.strip()
    if len(text) > MAX_CLOSING_REFLECTION:
        raise MatchingError(
            MatchingCode.REFLECTION_TOO_LONG,
            _("Keep it under %(limit)s characters.") % {"limit": f"{MAX_CLOSING_REFLECTION:,}"},
            field="text",
        )
    column = (
        "mentor_closing_reflection"
        if by.pk == mentorship.mentor_id
        else "mentee_closing_reflection"
    )
    Mentorship.objects.filter(pk=mentorship.pk).update(updated_at=timezone.now(), **{column: text})
    setattr(mentorship, column, text)
    return mentorship
