"""Writes for mentor requests: a mentee asks, the mentor accepts or declines, the
mentee withdraws, and requests left unanswered expire.

Every status change is a compare-and-set on `status="open"`, so of two answers
to one request (accept and withdraw, accept twice, accept and the expiry job)
exactly one wins and the other gets a clear MatchingError. Accepting starts the
mentorship through `services.mentorship_start` (capacity, locks, withdrawing the
mentee's other requests) and agrees the cadence through scheduling's
`cadence_set`, all in one transaction: nothing is half-saved.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.clock import now_or_current
from mentora.matching import access, hooks
from mentora.matching.errors import MatchingCode, MatchingError
from mentora.matching.lifecycle.services import mentor_has_room, mentorship_start, requests_withdraw
from mentora.matching.mentor_requests import queries as request_queries
from mentora.matching.models import (
    MIN_REQUEST_MESSAGE,
    DeclineReason,
    MentorRequest,
    RequestStatus,
    WithdrawReason,
)
from mentora.programs.models import Mentorship, Program
from mentora.scheduling.cadence.services import cadence_set
from mentora.scheduling.errors import SchedulingError
from mentora.scheduling.locking import lock_people
from mentora.scheduling.models import Frequency

if TYPE_CHECKING:
    from mentora.accounts.models import User

MAX_MESSAGE = 2000
MAX_DECLINE_NOTE = 500


def _clean_message(message: str) -> str:
    text = message.strip()
    if len(text) < MIN_REQUEST_MESSAGE:
        raise MatchingError(
            MatchingCode.MESSAGE_TOO_SHORT,
            _(
                "Tell the mentor in a couple of sentences what you want to achieve "
                "(at least %(limit)d characters)."
            )
            % {"limit": MIN_REQUEST_MESSAGE},
            field="message",
        )
    if len(text) > MAX_MESSAGE:
        raise MatchingError(
            MatchingCode.MESSAGE_TOO_LONG,
            _("Keep the message under %(limit)s characters.") % {"limit": f"{MAX_MESSAGE:,}"},
            field="message",
        )
    return text


def _expire_overdue(requests_filter: dict[str, object], now: datetime) -> int:
    """Close the open requests past their expiry and announce them; inside a transaction.

    The rows are locked first (in id order, so two expirers queue rather than
    deadlock): whoever gets them second finds them no longer open, so each
    expiry is announced once.
    """
    overdue = list(
        MentorRequest.objects.open()
        .filter(expires_at__lte=now, **requests_filter)
        .order_by("pk")
        .select_for_update()
    )
    if not overdue:
        return 0
    MentorRequest.objects.filter(pk__in=[r.pk for r in overdue]).update(
        updated_at=timezone.now(), status=RequestStatus.EXPIRED, decided_at=now
    )
    for request in overdue:
        request.status, request.decided_at = RequestStatus.EXPIRED, now
    hooks.requests_expired_many(overdue)
    return len(overdue)


def request_create(
    *, program: Program, mentee: User, mentor: User, message: str, now: datetime | None = None
) -> MentorRequest:
    """A mentee asks a mentor, with a message saying what they want to achieve.

    Steps: check the message; lock both people (so two requests by one mentee
    can't both slip under the cap); expire the mentee's overdue requests; check
    the rules (request_queries.request_refusal: self-requests on, one live
    mentor at a time, not already asked, under the cap, mentor has room); save
    with the program's expiry; tell the mentor after commit.
    """
    now = now_or_current(now)
    text = _clean_message(message)
    with transaction.atomic():
        lock_people(mentee.pk, mentor.pk)
        _expire_overdue({"program": program, "mentee": mentee}, now)
        refusal = request_queries.request_refusal(
            program=program, mentee=mentee, mentor=mentor, now=now
        )
        if refusal is not None:
            raise refusal
        request = MentorRequest(
            program=program,
            mentee=mentee,
            mentor=mentor,
            message=text,
            created_at=now,
            expires_at=now + timedelta(days=program.request_expiry_days),
        )
        request.full_clean()
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:  # the one-open-per-pair constraint: a double submit
            raise MatchingError(
                MatchingCode.ALREADY_REQUESTED,
                _("You have already asked %(mentor)s; wait for their answer.") % {"mentor": mentor},
            ) from None
        hooks.request_created(request)
    return request


def _not_open(request: MentorRequest) -> MatchingError:
    """The refusal for answering a request that is no longer waiting."""
    current = MentorRequest.objects.filter(pk=request.pk).values_list("status", flat=True).first()
    return MatchingError(
        MatchingCode.NOT_OPEN, request_queries.closed_reason(current or RequestStatus.EXPIRED)
    )


def _claim(request: MentorRequest, now: datetime, **changes: object) -> None:
    """Compare-and-set the request out of "open"; refuse if someone got there first."""
    claimed = MentorRequest.objects.filter(
        pk=request.pk, status=RequestStatus.OPEN, expires_at__gt=now
    ).update(updated_at=timezone.now(), decided_at=now, **changes)
    if claimed != 1:
        raise _not_open(request)


def _apply(request: MentorRequest, now: datetime, **changes: object) -> None:
    """Mirror a successful write on the instance the caller holds."""
    for name, value in {"decided_at": now, **changes}.items():
        setattr(request, name, value)


def _check_weekly_time(
    request: MentorRequest, weekday: int, time_of_day: time, now: datetime
) -> None:
    offered = request_queries.weekly_times(
        program=request.program,
        mentor=request.mentor,
        mentee_zone=request.mentee.time_zone,
        now=now,
    )
    if not any(t.weekday == weekday and t.at == time_of_day for t in offered):
        raise MatchingError(
            MatchingCode.BAD_TIME,
            _("Pick one of your weekly available times from the list."),
            field="slot",
        )


def request_accept(
    *,
    request: MentorRequest,
    by: User,
    weekday: int,
    time_of_day: time,
    frequency: Frequency | str = Frequency.WEEKLY,
    now: datetime | None = None,
) -> MentorRequest:
    """The mentor accepts and proposes a regular weekly time (in their own zone).

    Steps, in one transaction: lock both people; claim the request
    (compare-and-set out of "open", so accepting twice or after a withdrawal
    or expiry is refused); check the time is one of the mentor's offered
    weekly times and that the mentee has no live mentor; start the mentorship (capacity
    checked, the mentee's other open requests withdrawn); mark the request
    accepted; set the cadence, which creates the regular sessions; if that was
    the mentor's last place, withdraw the requests still waiting on them; tell
    the mentee after commit.
    """
    now = now_or_current(now)
    if not access.answers_request(by, request):
        raise MatchingError(MatchingCode.NOT_YOURS, _("Only the requested mentor can accept."))
    if frequency not in Frequency.values:
        raise MatchingError(
            MatchingCode.BAD_FREQUENCY, _("Choose how often you meet."), field="frequency"
        )
    program = request.program
    with transaction.atomic():
        lock_people(request.mentor_id, request.mentee_id)
        # Claim the row while it is still open (a competing withdraw or expiry now
        # waits on it and then finds it closed); it becomes "accepted" below, once
        # the mentorship exists, since a constraint ties the two together.
        _claim(request, now)
        _check_weekly_time(request, weekday, time_of_day, now)
        if Mentorship.objects.live().filter(program=program, mentee=request.mentee_id).exists():
            raise MatchingError(
                MatchingCode.HAS_MENTOR,
                _("%(mentee)s has meanwhile been matched with a mentor.")
                % {"mentee": request.mentee},
            )
        try:
            mentorship = mentorship_start(
                program=program,
                mentor=request.mentor,
                mentee=request.mentee,
                now=now,
                accepting=request,
            )
        except MatchingError as error:
            if error.code == MatchingCode.MENTOR_FULL:  # say it to the mentor, who can act on it
                raise MatchingError(
                    MatchingCode.MENTOR_FULL,
                    _(
                        "You have no room for another mentee. Raise your capacity on your "
                        "profile, or decline with \u201cno capacity\u201d."
                    ),
                ) from None
            raise
        MentorRequest.objects.filter(pk=request.pk).update(
            updated_at=timezone.now(), status=RequestStatus.ACCEPTED, mentorship=mentorship
        )
        _apply(request, now, status=RequestStatus.ACCEPTED, mentorship=mentorship)
        _agree_cadence(request, mentorship, weekday, time_of_day, frequency, now)
        if not mentor_has_room(program, request.mentor):
            _withdraw_waiting_on_full_mentor(request, now)
        hooks.request_decided(request)
    return request


def _agree_cadence(
    request: MentorRequest,
    mentorship: Mentorship,
    weekday: int,
    time_of_day: time,
    frequency: Frequency | str,
    now: datetime,
) -> None:
    try:
        cadence_set(
            mentorship=mentorship,
            by=request.mentor,
            frequency=frequency,
            weekday=weekday,
            time_of_day=time_of_day,
            length_minutes=request.program.default_session_minutes,
            starts_on=request_queries.first_week_day(request.program, request.mentor, now),
            now=now,
        )
    except SchedulingError as error:
        raise MatchingError(MatchingCode.BAD_TIME, error.message, field="slot") from None


def _withdraw_waiting_on_full_mentor(accepted: MentorRequest, now: datetime) -> None:
    waiting = MentorRequest.objects.open().filter(
        program=accepted.program, mentor=accepted.mentor_id
    )
    requests_withdraw(waiting, reason=WithdrawReason.MENTOR_FULL, now=now)


def request_decline(
    *,
    request: MentorRequest,
    by: User,
    reason: DeclineReason | str,
    note: str = "",
    now: datetime | None = None,
) -> MentorRequest:
    """The mentor declines with a reason from the list and an optional note.

    Steps: check the reason and note; compare-and-set out of "open"; tell the
    mentee after commit.
    """
    now = now_or_current(now)
    if not access.answers_request(by, request):
        raise MatchingError(MatchingCode.NOT_YOURS, _("Only the requested mentor can decline."))
    if reason not in DeclineReason.values:
        raise MatchingError(
            MatchingCode.BAD_REASON, _("Choose a reason from the list."), field="reason"
        )
    note = note.strip()
    if len(note) > MAX_DECLINE_NOTE:
        raise MatchingError(
            MatchingCode.NOTE_TOO_LONG,
            _("Keep the note under %(limit)d characters.") % {"limit": MAX_DECLINE_NOTE},
            field="note",
        )
    with transaction.atomic():
        changes = {
            "status": RequestStatus.DECLINED,
            "decline_reason": DeclineReason(reason),
            "decline_note": note,
        }
        _claim(request, now, **changes)
        _apply(request, now, **changes)
        hooks.request_decided(request)
    return request


def request_withdraw(
    *, request: MentorRequest, by: User, now: datetime | None = None
) -> MentorRequest:
    """The mentee takes back a request that is still waiting; the mentor hears of it."""
    now = now_or_current(now)
    if not access.withdraws_request(by, request):
        raise MatchingError(
            MatchingCode.NOT_YOURS, _("Only the mentee who sent a request can withdraw it.")
        )
    with transaction.atomic():
        changes = {"status": RequestStatus.WITHDRAWN, "withdraw_reason": WithdrawReason.BY_MENTEE}
        _claim(request, now, **changes)
        _apply(request, now, **changes)
        hooks.request_withdrawn(request)
    return request


def requests_expire(*, now: datetime | None = None) -> int:
    """Close every open request past its expiry (run periodically); returns how many."""
    with transaction.atomic():
        return _expire_overdue({}, now_or_current(now))
