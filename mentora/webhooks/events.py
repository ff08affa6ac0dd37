"""What the lower apps announce through their hooks, as webhook events.

`listen()` (WebhooksConfig.ready) connects the scheduling, matching,
mentoring, programs and applications hooks to the functions of the same name here. Each
builds the event's payload inside the caller's transaction and, once it
commits, records one delivery per subscribed endpoint of the program and
queues its task (nothing is sent for a change that rolled back; a failing
queue never breaks the change: robust on_commit).

A payload carries only what the program's admins may see: ids, statuses,
reason codes and times (RFC 3339), and a person's name where the event is about
that person. Never a note, a message, a concern's details, a background answer
or the words of a reflection or feedback (their codes and the rating only).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from mentora.applications import hooks as applications_hooks
from mentora.hooks import Hook
from mentora.matching import hooks as matching_hooks
from mentora.matching.models import RequestStatus
from mentora.mentoring import hooks as mentoring_hooks
from mentora.programs import hooks as programs_hooks
from mentora.scheduling import hooks as scheduling_hooks

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from mentora.accounts.models import User
    from mentora.applications.models import Application
    from mentora.matching.models import Concern, MentorRequest
    from mentora.mentoring.models import Feedback, Reflection
    from mentora.programs.models import Membership, Mentorship
    from mentora.scheduling.models import Session

    People = Sequence[tuple[User, Sequence[Membership]]]


def rfc3339(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def emit(event_type: str, program_id: int, data: dict[str, Any]) -> None:
    """Record and queue `event_type` for the program's endpoints after commit."""
    emit_many(event_type, program_id, [data])


def emit_many(event_type: str, program_id: int, datas: list[dict[str, Any]]) -> None:
    """Many events of one type in one program (a cohort publish): one look-up
    of the program's endpoints after commit, however many events."""
    if not datas:
        return
    stamp = rfc3339(timezone.now())
    events = [
        (f"msg_{uuid.uuid4().hex}", {"type": event_type, "timestamp": stamp, "data": data})
        for data in datas
    ]

    def queue() -> None:
        from mentora.webhooks.delivery import record_and_queue

        record_and_queue(program_id, events)

    transaction.on_commit(queue, robust=True)


# --- Payloads -------------------------------------------------------------------


def _session(session: Session) -> dict[str, Any]:
    return {
        "id": session.pk,
        "mentorship_id": session.mentorship_id,
        "mentor_id": session.mentor_id,
        "mentee_id": session.mentee_id,
        "kind": session.kind,
        "status": session.status,
        "starts_at": rfc3339(session.starts_at),
        "ends_at": rfc3339(session.ends_at),
    }


def _mentorship(mentorship: Mentorship) -> dict[str, Any]:
    return {
        "id": mentorship.pk,
        "mentor_id": mentorship.mentor_id,
        "mentee_id": mentorship.mentee_id,
        "status": mentorship.status,
        "started_at": rfc3339(mentorship.started_at),
        "ended_at": rfc3339(mentorship.ended_at),
        "end_reason": mentorship.end_reason or None,
    }


def _request(request: MentorRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "mentor_id": request.mentor_id,
        "mentee_id": request.mentee_id,
        "status": request.status,
        "created_at": rfc3339(request.created_at),
        "decided_at": rfc3339(request.decided_at),
        "mentorship_id": request.mentorship_id,
    }


def _concern(concern: Concern) -> dict[str, Any]:
    return {
        "id": concern.pk,
        "mentorship_id": concern.mentorship_id,
        "reason": concern.reason,
        "status": concern.status,
        "outcome": concern.outcome or None,
        "created_at": rfc3339(concern.created_at),
        "resolved_at": rfc3339(concern.resolved_at),
    }


def _person(user: User, memberships: Sequence[Membership]) -> dict[str, Any]:
    return {
        "id": user.pk,
        "name": user.name,
        "roles": sorted({str(m.role) for m in memberships}),
    }


def _reflection(reflection: Reflection) -> dict[str, Any]:
    session = reflection.session
    role = "mentor" if reflection.author_id == session.mentor_id else "mentee"
    return {
        "id": reflection.pk,
        "session_id": session.pk,
        "mentorship_id": session.mentorship_id,
        "author_id": reflection.author_id,
        "author_role": role,
        "goal_met": reflection.goal_met,
        "still_makes_sense": reflection.still_makes_sense,
        "created_at": rfc3339(reflection.created_at),
    }


def _feedback(feedback: Feedback) -> dict[str, Any]:
    session = feedback.session
    return {
        "id": feedback.pk,
        "session_id": session.pk,
        "mentorship_id": session.mentorship_id,
        "mentor_id": session.mentor_id,
        "mentee_id": session.mentee_id,
        "rating": feedback.rating,
        "visibility": feedback.visibility,
        "created_at": rfc3339(feedback.created_at),
    }


# --- Programs -------------------------------------------------------------------


def _emit_people(
    event_type: str,
    people: People,
    data: Callable[[User, list[Membership]], dict[str, Any]],
) -> None:
    """One event per person and program (an import or an acceptance spans several)."""
    by_program: dict[int, list[dict[str, Any]]] = {}
    for user, memberships in people:
        held: dict[int, list[Membership]] = {}
        for membership in memberships:
            held.setdefault(membership.program_id, []).append(membership)
        for program_id, theirs in held.items():
            by_program.setdefault(program_id, []).append(data(user, theirs))
    for program_id, datas in by_program.items():
        emit_many(event_type, program_id, datas)


def people_invited(people: People, *, by: User | None, resent: bool) -> None:
    def data(user: User, memberships: list[Membership]) -> dict[str, Any]:
        sent = [m.invitation_sent_at for m in memberships if m.invitation_sent_at is not None]
        return {
            **_person(user, memberships),
            "invited_at": rfc3339(max(sent, default=None) or timezone.now()),
            "invited_by_id": by.pk if by is not None else None,
            "resent": resent,
        }

    _emit_people("person.invited", people, data)


def people_joined(people: People) -> None:
    joined_at = rfc3339(timezone.now())

    def data(user: User, memberships: list[Membership]) -> dict[str, Any]:
        return {**_person(user, memberships), "joined_at": joined_at}

    _emit_people("person.joined", people, data)


# --- Mentoring ------------------------------------------------------------------


def reflection_submitted(reflection: Reflection) -> None:
    emit("reflection.submitted", reflection.session.program_id, _reflection(reflection))


def feedback_submitted(feedback: Feedback) -> None:
    emit("feedback.submitted", feedback.session.program_id, _feedback(feedback))


# --- Applications ---------------------------------------------------------------


def application_moved(
    application: Application, *, from_status: str, to_status: str, by: User | None
) -> None:
    """`application.submitted` once the applicant confirms; `application.status_changed`
    for every later move. A draft is nobody's business yet (staff never see one), so
    a draft withdrawn says nothing. No name, email or answer: ids, role and statuses."""
    if from_status == "draft" and to_status != "submitted":
        return
    kind = "application.submitted" if from_status == "draft" else "application.status_changed"
    round_ = application.round
    emit(
        kind,
        round_.program_id,
        {
            "id": application.pk,
            "round_id": round_.pk,
            "role": round_.role,
            "from_status": from_status,
            "status": to_status,
            "by_id": by.pk if by else None,
        },
    )


# --- Scheduling -----------------------------------------------------------------


def session_booked(session: Session, *, by: User | None) -> None:
    emit("session.booked", session.program_id, _session(session))


def session_moved(session: Session, *, by: User | None, old_starts_at: datetime) -> None:
    emit(
        "session.moved",
        session.program_id,
        {**_session(session), "old_starts_at": rfc3339(old_starts_at)},
    )


def session_cancelled(session: Session, *, by: User | None) -> None:
    emit("session.cancelled", session.program_id, _session(session))


def attendance_marked(session: Session, *, by: User) -> None:
    emit("session.attendance_recorded", session.program_id, _session(session))


# --- Matching -------------------------------------------------------------------


def request_created(request: MentorRequest) -> None:
    emit("request.created", request.program_id, _request(request))


def request_decided(request: MentorRequest) -> None:
    kind = "request.accepted" if request.status == RequestStatus.ACCEPTED else "request.declined"
    emit(kind, request.program_id, _request(request))


def request_withdrawn(request: MentorRequest) -> None:
    emit("request.withdrawn", request.program_id, _request(request))


def _emit_requests(event_type: str, requests: list[MentorRequest]) -> None:
    """Many requests at once, perhaps of several programs: one batch per program."""
    by_program: dict[int, list[dict[str, Any]]] = {}
    for request in requests:
        by_program.setdefault(request.program_id, []).append(_request(request))
    for program_id, datas in by_program.items():
        emit_many(event_type, program_id, datas)


def requests_withdrawn_many(requests: list[MentorRequest]) -> None:
    _emit_requests("request.withdrawn", requests)


def requests_expired_many(requests: list[MentorRequest]) -> None:
    _emit_requests("request.expired", requests)


def concern_raised(concern: Concern) -> None:
    emit("concern.raised", concern.program_id, _concern(concern))


def concern_resolved(concern: Concern) -> None:
    emit("concern.resolved", concern.program_id, _concern(concern))


def mentorship_started(mentorship: Mentorship) -> None:
    emit("mentorship.started", mentorship.program_id, _mentorship(mentorship))


def mentorships_started_many(mentorships: list[Mentorship]) -> None:
    by_program: dict[int, list[dict[str, Any]]] = {}
    for mentorship in mentorships:
        by_program.setdefault(mentorship.program_id, []).append(_mentorship(mentorship))
    for program_id, datas in by_program.items():
        emit_many("mentorship.started", program_id, datas)


def mentorship_ended(mentorship: Mentorship, *, by: User | None) -> None:
    emit("mentorship.ended", mentorship.program_id, _mentorship(mentorship))


LISTENERS = {
    "session_booked",
    "session_moved",
    "session_cancelled",
    "attendance_marked",
    "request_created",
    "request_decided",
    "request_withdrawn",
    "requests_withdrawn_many",
    "requests_expired_many",
    "concern_raised",
    "concern_resolved",
    "mentorship_started",
    "mentorships_started_many",
    "mentorship_ended",
    "reflection_submitted",
    "feedback_submitted",
    "people_invited",
    "people_joined",
    "application_moved",
}


def listen() -> None:
    """Connect the lower apps' hooks this module has a function for."""
    hooks_of_apps = (
        scheduling_hooks,
        matching_hooks,
        mentoring_hooks,
        programs_hooks,
        applications_hooks,
    )
    for hooks in hooks_of_apps:
        for name, hook in vars(hooks).items():
            if isinstance(hook, Hook) and name in LISTENERS:
                hook.connect(globals()[name])
