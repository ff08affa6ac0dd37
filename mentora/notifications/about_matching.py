"""Messages about matching: mentor requests, pulses, concerns, mentorships.

Like the session builders, each reads the current state and returns only the
messages that still apply.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.matching.lifecycle.rhythm import rhythm_prompt
from mentora.matching.models import (
    Concern,
    MentorRequest,
    ProposedCadence,
    Pulse,
    PulseAnswer,
    RequestStatus,
    WithdrawReason,
)
from mentora.notifications.messages import Message, local_time, program_path, staff_for
from mentora.notifications.models import Kind
from mentora.programs.models import EndReason, Mentorship
from mentora.scheduling.models import CancelReason, Frequency, Session, SessionStatus
from mentora.scheduling.timelabels import regular_time_label

if TYPE_CHECKING:
    from mentora.accounts.models import User


def _request_path(request: MentorRequest) -> str:
    return program_path("request_detail", request.program, request_id=request.pk)


def _request(request_id: int) -> MentorRequest | None:
    return (
        MentorRequest.objects.select_related("program", "mentee", "mentor")
        .filter(pk=request_id)
        .first()
    )


def request_created(request_id: int, *, now: datetime) -> list[Message]:
    request = _request(request_id)
    if request is None or request.status != RequestStatus.OPEN:
        return []
    mentor = request.mentor
    return [
        Message(
            recipient=mentor,
            kind=Kind.MENTOR_REQUESTS,
            key=f"request:{request.pk}:created",
            title=f"{request.mentee.name} asks you to be their mentor",
            lines=[
                f"{request.mentee.name} would like you as their mentor:",
                f"“{request.message[:600]}”",
                f"Please answer by {local_time(request.expires_at, mentor)}.",
            ],
            url=_request_path(request),
            program=request.program,
            when=request.expires_at,
            action="Answer the request",
        )
    ]


def request_decided(request_id: int, *, now: datetime) -> list[Message]:
    request = _request(request_id)
    if request is None or request.status not in (RequestStatus.ACCEPTED, RequestStatus.DECLINED):
        return []
    accepted = request.status == RequestStatus.ACCEPTED
    lines = (
        [f"{request.mentor.name} accepted your request. Your mentorship has started."]
        if accepted
        else [
            f"{request.mentor.name} can't take you on: {request.get_decline_reason_display()}."
            + (f" “{request.decline_note}”" if request.decline_note else ""),
            "Other mentors may be a good fit; browse the directory or ask your success manager.",
        ]
    )
    return [
        Message(
            recipient=request.mentee,
            kind=Kind.MENTOR_REQUESTS,
            key=f"request:{request.pk}:decided",
            title=f"{request.mentor.name} {'accepted' if accepted else 'declined'} your request",
            lines=lines,
            url=_request_path(request),
            program=request.program,
        )
    ]


def request_withdrawn(request_id: int, *, now: datetime) -> list[Message]:
    request = _request(request_id)
    if request is None or request.status != RequestStatus.WITHDRAWN:
        return []
    if request.withdraw_reason == WithdrawReason.MENTOR_LEFT:
        # Closed because the mentor left (off-boarding): the mentee is the one to tell.
        return [
            Message(
                recipient=request.mentee,
                kind=Kind.MENTOR_REQUESTS,
                key=f"request:{request.pk}:withdrawn",
                title=f"Your request to {request.mentor.name} is closed",
                lines=[
                    f"{request.mentor.name} is no longer mentoring in {request.program.name}, "
                    "so your request is closed.",
                    "Other mentors may be a good fit; browse the directory or ask your "
                    "success manager.",
                ],
                url=_request_path(request),
                program=request.program,
            )
        ]
    return [
        Message(
            recipient=request.mentor,
            kind=Kind.MENTOR_REQUESTS,
            key=f"request:{request.pk}:withdrawn",
            title=f"{request.mentee.name} withdrew their request",
            lines=[
                f"The request from {request.mentee.name} is withdrawn "
                f"({request.get_withdraw_reason_display() or 'by the mentee'}); "
                "nothing to answer."
            ],
            url=_request_path(request),
            program=request.program,
        )
    ]


def request_expiring(request_id: int, *, now: datetime) -> list[Message]:
    request = _request(request_id)
    if request is None or request.status != RequestStatus.OPEN or request.expires_at <= now:
        return []
    mentor = request.mentor
    return [
        Message(
            recipient=mentor,
            kind=Kind.MENTOR_REQUESTS,
            key=f"request:{request.pk}:expiring",
            title=f"{request.mentee.name}'s request expires soon",
            lines=[
                f"The request from {request.mentee.name} expires on "
                f"{local_time(request.expires_at, mentor)}. Accept or decline it before then, "
                "so they can look elsewhere if it isn't a fit."
            ],
            url=_request_path(request),
            program=request.program,
            when=request.expires_at,
            action="Answer the request",
        )
    ]


def _pulse(pulse_id: int) -> Pulse | None:
    return (
        Pulse.objects.select_related(
            "respondent", "mentorship__program", "mentorship__mentor", "mentorship__mentee"
        )
        .filter(pk=pulse_id)
        .first()
    )


def pulse_asked(pulse_id: int, *, now: datetime) -> list[Message]:
    pulse = _pulse(pulse_id)
    if pulse is None or pulse.answer:
        return []
    mentorship = pulse.mentorship
    other = mentorship.mentee if pulse.respondent_id == mentorship.mentor_id else mentorship.mentor
    return [
        Message(
            recipient=pulse.respondent,
            kind=Kind.PULSES,
            key=f"pulse:{pulse.pk}:asked",
            title=f"How is your mentorship with {other.name} going?",
            lines=["One click: going well, still deciding, or not a fit."],
            url=program_path("pulse_answer", mentorship.program, pulse_id=pulse.pk),
            program=mentorship.program,
            action="Answer",
        )
    ]


def pulse_answered(pulse_id: int, *, now: datetime) -> list[Message]:
    pulse = _pulse(pulse_id)
    if pulse is None or pulse.answer != PulseAnswer.NOT_A_FIT:
        return []
    mentorship = pulse.mentorship
    comment = f" Their comment: “{pulse.comment}”" if pulse.comment else ""
    return [
        Message(
            recipient=person,
            kind=Kind.STAFF_ALERTS,
            key=f"pulse:{pulse.pk}:not-a-fit",
            title=f"“Not a fit”: {mentorship.mentee.name} with {mentorship.mentor.name}",
            lines=[f"{pulse.respondent.name} says the mentorship is not a fit.{comment}"],
            url=program_path("mentee_detail", mentorship.program, user_id=mentorship.mentee_id),
            program=mentorship.program,
            action="See the mentee",
        )
        for person in staff_for(mentorship.mentee_id, mentorship.program)
    ]


def _concern(concern_id: int) -> Concern | None:
    return (
        Concern.objects.select_related(
            "program", "raised_by", "mentorship__mentor", "mentorship__mentee"
        )
        .filter(pk=concern_id)
        .first()
    )


def concern_raised(concern_id: int, *, now: datetime) -> list[Message]:
    concern = _concern(concern_id)
    if concern is None:
        return []
    mentorship = concern.mentorship
    return [
        Message(
            recipient=person,
            kind=Kind.CONCERNS,
            key=f"concern:{concern.pk}:raised",
            title=f"Concern from {concern.raised_by.name}: {concern.get_reason_display()}",
            lines=[
                f"{concern.raised_by.name} raised a concern about the mentorship of "
                f"{mentorship.mentee.name} with {mentorship.mentor.name}: "
                f"{concern.get_reason_display()}.",
                *([f"“{concern.details[:1000]}”"] if concern.details else []),
            ],
            url=program_path("concern_detail", concern.program, concern_id=concern.pk),
            program=concern.program,
            action="See the concern",
        )
        for person in staff_for(mentorship.mentee_id, concern.program)
    ]


def concern_resolved(concern_id: int, *, now: datetime) -> list[Message]:
    concern = _concern(concern_id)
    if concern is None or not concern.outcome:
        return []
    note = f" “{concern.resolution_note[:1000]}”" if concern.resolution_note else ""
    return [
        Message(
            recipient=concern.raised_by,
            kind=Kind.CONCERNS,
            key=f"concern:{concern.pk}:resolved",
            title=f"Your concern was resolved: {concern.get_outcome_display()}",
            lines=[f"Outcome: {concern.get_outcome_display()}.{note}"],
            url=program_path("program_home", concern.program),
            program=concern.program,
        )
    ]


def _mentorship(mentorship_id: int) -> Mentorship | None:
    return (
        Mentorship.objects.select_related("program", "mentor", "mentee")
        .filter(pk=mentorship_id)
        .first()
    )


def mentorship_started(mentorship_id: int, *, now: datetime) -> list[Message]:
    mentorship = _mentorship(mentorship_id)
    if mentorship is None:
        return []
    pairs = ((mentorship.mentee, mentorship.mentor), (mentorship.mentor, mentorship.mentee))
    return [_mentorship_started_for(mentorship, user, other, now) for user, other in pairs]


def _regular_time_for(proposal: ProposedCadence, first_start: datetime, user: User) -> str:
    with timezone.override(ZoneInfo(user.time_zone or "UTC")):
        return regular_time_label(
            next_start=first_start,
            length_minutes=proposal.length_minutes,
            frequency=Frequency.WEEKLY.label,
            cadence_zone=proposal.time_zone,
        )


def _mentorship_started_for(
    mentorship: Mentorship, user: User, other: User, now: datetime
) -> Message:
    """The start, with what happens next: a pairing without a regular time says
    what Mentora proposes (or asks to choose one) and links to where to confirm."""
    lines = [
        _("You and %(other)s are now a mentoring pair in %(program)s.")
        % {"other": other.name, "program": mentorship.program.name}
    ]
    url = program_path("program_home", mentorship.program)
    prompt = rhythm_prompt(mentorship, user, now)
    if prompt is not None:
        url = program_path("regular_time", mentorship.program, mentorship_id=mentorship.pk)
        if prompt.proposal is not None and prompt.first_start is not None:
            lines.append(
                _(
                    "Mentora proposes a regular time: %(regular)s, from %(first)s. Confirm it, "
                    "or choose another time that suits you both."
                )
                % {
                    "regular": _regular_time_for(prompt.proposal, prompt.first_start, user),
                    "first": local_time(prompt.first_start, user),
                }
            )
        else:
            lines.append(_("Choose a regular time that suits you both."))
    lines.append(_("Write down what you want from it before your first session."))
    return Message(
        recipient=user,
        kind=Kind.MENTORSHIPS,
        key=f"mentorship:{mentorship.pk}:started",
        title=_("Your mentorship with %(other)s has started") % {"other": other.name},
        lines=lines,
        url=url,
        program=mentorship.program,
    )


def mentorship_ended(
    mentorship_id: int, *, now: datetime, by_id: int | None = None
) -> list[Message]:
    mentorship = _mentorship(mentorship_id)
    if mentorship is None or not mentorship.end_reason:
        return []
    completed = mentorship.end_reason == EndReason.COMPLETED  # closing words are asked for
    # The sessions the end cancelled send no message of their own (the system
    # cancelled them): this one says so.
    cancelled = Session.objects.filter(
        mentorship=mentorship,
        status=SessionStatus.CANCELLED,
        cancel_reason=CancelReason.MENTORSHIP_ENDED,
        cancelled_at=mentorship.ended_at,
    ).count()
    cancelled_line = (
        [
            f"{cancelled} upcoming session{'s were' if cancelled != 1 else ' was'} cancelled "
            "with it; nobody is counted as cancelling late."
        ]
        if cancelled
        else []
    )
    pairs = ((mentorship.mentee, mentorship.mentor), (mentorship.mentor, mentorship.mentee))
    return [
        Message(
            recipient=user,
            kind=Kind.MENTORSHIPS,
            key=f"mentorship:{mentorship.pk}:ended",
            title=f"Your mentorship with {other.name} has ended",
            lines=[
                f"Reason: {mentorship.get_end_reason_display()}."
                + (f" “{mentorship.end_note[:1000]}”" if mentorship.end_note else ""),
                *cancelled_line,
                "Its history (sessions, notes, reflections) stays available to you.",
                *(
                    [f"If you like, write a few closing words for {other.name}."]
                    if completed
                    else []
                ),
            ],
            url=(
                program_path("closing_reflection", mentorship.program, mentorship_id=mentorship.pk)
                if completed
                else program_path("program_home", mentorship.program)
            ),
            program=mentorship.program,
        )
        for user, other in pairs
    ]
