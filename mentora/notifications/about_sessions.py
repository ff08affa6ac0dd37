"""Messages about sessions: booked, moved, cancelled, reminders, after the
session, attendance, and action items.

Each builder reads the current state and returns the messages that still apply
(none when the session was moved, cancelled or the thing was done meanwhile).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils.translation import gettext as _

from mentora.mentoring.models import ActionItem, Agenda, Feedback, Reflection
from mentora.notifications.messages import (
    Attachment,
    Message,
    local_time,
    program_path,
    staff_for,
)
from mentora.notifications.models import Kind
from mentora.programs.models import LIVE_MENTORSHIP_STATUSES
from mentora.scheduling.ical.invites import SESSION_RELATED, Method, session_invite
from mentora.scheduling.models import (
    SYSTEM_CANCEL_REASONS,
    Cadence,
    CancellationKind,
    Session,
    SessionKind,
    SessionStatus,
)
from mentora.scheduling.rooms.links import meeting_link

if TYPE_CHECKING:
    from mentora.accounts.models import User

# Outcomes that count as a missed session for the "two in a row" alert.
MISSED = (SessionStatus.MENTEE_NO_SHOW, SessionStatus.MENTOR_NO_SHOW)


def _session(session_id: int) -> Session | None:
    return (
        Session.objects.select_related(*SESSION_RELATED, "makeup_for").filter(pk=session_id).first()
    )


def _others(session: Session, by_id: int | None) -> list[User]:
    return [u for u in (session.mentor, session.mentee) if u.pk != by_id]


def _path(name: str, session: Session) -> str:
    return program_path(name, session.program, session_id=session.pk)


def _invite(session: Session, method: Method, now: datetime) -> Attachment:
    return Attachment(
        "invite.ics",
        session_invite(session, method=method, now=now),
        f"text/calendar; method={method}",
    )


def _link_lines(session: Session) -> list[str]:
    """Where the session is held (rooms.links), for its two parties."""
    link = meeting_link(session)
    return [_("Meeting link: %(link)s") % {"link": link}] if link else []


def _with(session: Session, user: User) -> str:
    other = session.mentee if user.pk == session.mentor_id else session.mentor
    return other.name or other.email


def _by_name(session: Session, by_id: int | None) -> str:
    for user in (session.mentor, session.mentee):
        if user.pk == by_id:
            return user.name or user.email
    if by_id is not None:  # staff acting for the pair: named, so nobody wonders who
        from mentora.accounts.models import User

        staff = User.objects.filter(pk=by_id).values_list("name", flat=True).first()
        if staff:
            return staff
    return "Mentora"


def _by_other_party(session: Session, user: User, by_id: int | None) -> bool:
    """Whether the change was made by the other person of the session (not by staff or
    the system): then the sentence names them once, as the one who did it."""
    return (
        by_id is not None and by_id != user.pk and by_id in (session.mentor_id, session.mentee_id)
    )


def _is_makeup(session: Session) -> bool:
    return session.kind == SessionKind.MAKEUP


def _missed_time(session: Session, user: User) -> str:
    return local_time(session.makeup_for.starts_at, user) if session.makeup_for else ""


def _booked_title(session: Session, user: User) -> str:
    words = {"other": _with(session, user), "when": local_time(session.starts_at, user)}
    if _is_makeup(session):
        return _("Makeup booked with %(other)s: %(when)s") % words
    return _("Session booked with %(other)s: %(when)s") % words


def _booked_line(session: Session, user: User, by_id: int | None) -> str:
    words = {
        "by": _by_name(session, by_id),
        "other": _with(session, user),
        "when": local_time(session.starts_at, user),
        "missed": _missed_time(session, user),
    }
    if _is_makeup(session):
        if _by_other_party(session, user, by_id):
            return (
                _(
                    "%(by)s booked a makeup with you on %(when)s, "
                    "for the missed session of %(missed)s."
                )
                % words
            )
        return (
            _(
                "%(by)s booked a makeup for you with %(other)s on %(when)s, "
                "for the missed session of %(missed)s."
            )
            % words
        )
    if _by_other_party(session, user, by_id):
        return _("%(by)s booked a session with you on %(when)s.") % words
    return _("%(by)s booked a session for you with %(other)s on %(when)s.") % words


def _moved_line(session: Session, user: User, by_id: int | None, old: datetime) -> str:
    words = {
        "by": _by_name(session, by_id),
        "other": _with(session, user),
        "old": local_time(old, user),
        "new": local_time(session.starts_at, user),
    }
    if _is_makeup(session):
        if _by_other_party(session, user, by_id):
            return _("%(by)s moved your makeup from %(old)s to %(new)s.") % words
        return _("%(by)s moved your makeup with %(other)s from %(old)s to %(new)s.") % words
    if _by_other_party(session, user, by_id):
        return _("%(by)s moved your session from %(old)s to %(new)s.") % words
    return _("%(by)s moved your session with %(other)s from %(old)s to %(new)s.") % words


def _cancelled_line(session: Session, user: User, by_id: int | None) -> str:
    words = {
        "by": _by_name(session, by_id),
        "other": _with(session, user),
        "when": local_time(session.starts_at, user),
        "reason": session.get_cancel_reason_display(),
    }
    if _is_makeup(session):
        if _by_other_party(session, user, by_id):
            return _("%(by)s cancelled your makeup on %(when)s. Reason: %(reason)s.") % words
        return (
            _("%(by)s cancelled your makeup with %(other)s on %(when)s. Reason: %(reason)s.")
            % words
        )
    if _by_other_party(session, user, by_id):
        return _("%(by)s cancelled your session on %(when)s. Reason: %(reason)s.") % words
    return (
        _("%(by)s cancelled your session with %(other)s on %(when)s. Reason: %(reason)s.") % words
    )


def booked(
    session_id: int, *, now: datetime, sequence: int, by_id: int | None = None
) -> list[Message]:
    session = _session(session_id)
    if session is None or session.status != SessionStatus.SCHEDULED:
        return []
    if session.sequence != sequence:  # moved since; the move sends its own notice
        return []
    return [
        Message(
            recipient=user,
            kind=Kind.SESSION_CHANGES,
            key=f"session:{session.pk}:v{sequence}",
            title=_booked_title(session, user),
            lines=[
                _booked_line(session, user, by_id),
                *_link_lines(session),
                _("The calendar invite is attached."),
            ],
            url=_path("session_detail", session),
            program=session.program,
            when=session.starts_at,
            action="See the session",
            attachments=[_invite(session, "REQUEST", now)],
        )
        for user in _others(session, by_id)
    ]


def moved(
    session_id: int, *, now: datetime, sequence: int, old_starts_at: str, by_id: int | None = None
) -> list[Message]:
    session = _session(session_id)
    if session is None or session.status != SessionStatus.SCHEDULED:
        return []
    if session.sequence != sequence:
        return []
    old = datetime.fromisoformat(old_starts_at)
    return [
        Message(
            recipient=user,
            kind=Kind.SESSION_CHANGES,
            key=f"session:{session.pk}:v{sequence}",
            title=(
                _("Makeup with %(other)s moved to %(when)s")
                if _is_makeup(session)
                else _("Session with %(other)s moved to %(when)s")
            )
            % {"other": _with(session, user), "when": local_time(session.starts_at, user)},
            lines=[
                _moved_line(session, user, by_id, old),
                *_link_lines(session),
                _("The updated calendar invite is attached."),
            ],
            url=_path("session_detail", session),
            program=session.program,
            when=session.starts_at,
            action="See the session",
            attachments=[_invite(session, "REQUEST", now)],
        )
        for user in _others(session, by_id)
    ]


def link_changed(session_id: int, *, now: datetime, sequence: int, by_id: int) -> list[Message]:
    """The mentor set or cleared the session's own link: the mentee hears, with
    the updated invite (nothing if the session changed again since)."""
    session = _session(session_id)
    if session is None or session.status != SessionStatus.SCHEDULED:
        return []
    if session.sequence != sequence or session.ends_at <= now:
        return []
    link = meeting_link(session)
    return [
        Message(
            recipient=user,
            kind=Kind.SESSION_CHANGES,
            key=f"session:{session.pk}:v{sequence}",
            title=_("New meeting link for your session with %(other)s: %(when)s")
            % {"other": _with(session, user), "when": local_time(session.starts_at, user)},
            lines=[
                (
                    _("%(by)s changed where your session on %(when)s is held: %(link)s")
                    % {
                        "by": _by_name(session, by_id),
                        "when": local_time(session.starts_at, user),
                        "link": link,
                    }
                )
                if link
                else _("%(by)s removed the meeting link of your session on %(when)s.")
                % {"by": _by_name(session, by_id), "when": local_time(session.starts_at, user)},
                _("The updated calendar invite is attached."),
            ],
            url=_path("session_detail", session),
            program=session.program,
            when=session.starts_at,
            action="See the session",
            attachments=[_invite(session, "REQUEST", now)],
        )
        for user in _others(session, by_id)
    ]


def cancelled(session_id: int, *, now: datetime, by_id: int | None = None) -> list[Message]:
    session = _session(session_id)
    if session is None or session.status != SessionStatus.CANCELLED:
        return []
    if session.cancel_reason in SYSTEM_CANCEL_REASONS:
        return []
    reason = session.get_cancel_reason_display()
    note = (
        (_(" Their note: “%(note)s”") % {"note": session.cancel_note})
        if session.cancel_note
        else ""
    )
    messages = [
        Message(
            recipient=user,
            kind=Kind.SESSION_CANCELLED,
            key=f"session:{session.pk}:cancelled",
            title=(
                _("Makeup with %(other)s cancelled: %(when)s")
                if _is_makeup(session)
                else _("Session with %(other)s cancelled: %(when)s")
            )
            % {"other": _with(session, user), "when": local_time(session.starts_at, user)},
            lines=[
                _cancelled_line(session, user, by_id) + note,
                _("The attached calendar update removes it from your calendar."),
            ],
            url=_path("session_detail", session),
            program=session.program,
            when=session.starts_at,
            action="See the session",
            attachments=[_invite(session, "CANCEL", now)],
        )
        for user in _others(session, by_id)
    ]
    if session.cancellation_kind == CancellationKind.LATE:
        messages += [
            Message(
                recipient=staff,
                kind=Kind.STAFF_ALERTS,
                key=f"session:{session.pk}:late-cancel",
                title=f"Late cancellation: {session.mentee.name} with {session.mentor.name}",
                lines=[
                    f"{_by_name(session, by_id)} cancelled the session on "
                    f"{local_time(session.starts_at, staff)} with less than "
                    f"{session.program.notice_hours} hours' notice. Reason: {reason}.{note}",
                ],
                url=program_path("mentee_detail", session.program, user_id=session.mentee_id),
                program=session.program,
                when=session.starts_at,
                action="See the mentee",
            )
            for staff in staff_for(session.mentee_id, session.program)
        ]
    return messages


def cadence_changed(
    mentorship_id: int, *, now: datetime, updated_at: str, by_id: int
) -> list[Message]:
    cadence = (
        Cadence.objects.select_related(
            "mentorship__program", "mentorship__mentor", "mentorship__mentee"
        )
        .filter(mentorship_id=mentorship_id)
        .first()
    )
    if cadence is None or cadence.updated_at.isoformat() != updated_at:
        return []  # changed again since: that change sends its own notice
    mentorship = cadence.mentorship
    upcoming = Session.objects.filter(
        mentorship=mentorship,
        kind=SessionKind.REGULAR,
        status=SessionStatus.SCHEDULED,
        starts_at__gt=now,
    ).first()
    by = mentorship.mentor if by_id == mentorship.mentor_id else mentorship.mentee
    others = [u for u in (mentorship.mentor, mentorship.mentee) if u.pk != by_id]
    return [
        Message(
            recipient=user,
            kind=Kind.SESSION_CHANGES,
            key=f"cadence:{mentorship.pk}:{updated_at}",
            title=f"New regular time for your sessions with {by.name}",
            lines=[
                f"{by.name} set your regular sessions: {cadence}.",
                f"The next one is on {local_time(upcoming.starts_at, user)}."
                if upcoming
                else "No regular session is booked yet.",
                "Sessions at the old time were moved; your calendar feed follows by itself.",
            ],
            url=program_path("schedule", mentorship.program),
            program=mentorship.program,
            when=upcoming.starts_at if upcoming else None,
            action="See the schedule",
        )
        for user in others
    ]


@dataclass(frozen=True)
class AgendaState:
    goal: str
    questions: int
    shared: int  # links and files


def _agenda_state(session: Session) -> AgendaState:
    agenda = (
        Agenda.objects.filter(session=session)
        .annotate(
            n_questions=Count("agenda_questions", distinct=True),
            n_links=Count("links", distinct=True),
            n_files=Count("files", distinct=True),
        )
        .first()
    )
    if agenda is None:
        return AgendaState("", 0, 0)
    return AgendaState(
        agenda.goal.strip(),
        agenda.n_questions,  # type: ignore[attr-defined]
        agenda.n_links + agenda.n_files,  # type: ignore[attr-defined]
    )


def _agenda_lines(state: AgendaState, session: Session, user: User, *, nudge: bool) -> list[str]:
    is_mentee = user.pk == session.mentee_id
    if not state.goal:
        if is_mentee and nudge:
            return [
                "Your agenda has no goal yet. Write one now: a specific goal is what makes "
                "the hour count, and your mentor reads it before the call.",
            ]
        if is_mentee:
            return ["Your agenda has no goal yet."]
        return [f"{session.mentee.name} hasn't written a goal for this session yet."]
    q, n = state.questions, state.shared
    return [
        f"Goal: {state.goal[:300]}",
        f"{q} question{'s' if q != 1 else ''} and {n} link{'s' if n != 1 else ''} "
        f"or file{'s' if n != 1 else ''} on the agenda.",
    ]


def reminder(session_id: int, *, now: datetime, which: str, starts_at: str) -> list[Message]:
    """Both parties, with the agenda's state; an empty goal 24 hours before is
    the mentee's call to write one, with the link straight to the agenda."""
    session = _session(session_id)
    if session is None or session.status != SessionStatus.SCHEDULED:
        return []
    # A reminder for a time the session no longer has sends nothing: the moved
    # session has reminders of its own.
    if session.starts_at != datetime.fromisoformat(starts_at) or session.starts_at <= now:
        return []
    first = which == "first"
    state = _agenda_state(session)
    messages = []
    for user in (session.mentee, session.mentor):
        when = local_time(session.starts_at, user)
        nudge = first and user.pk == session.mentee_id and not state.goal
        messages.append(
            Message(
                recipient=user,
                kind=Kind.REMINDERS,
                key=f"reminder:{session.pk}:{which}:{session.starts_at.isoformat()}",
                title=(
                    f"Write your goal: session with {_with(session, user)} {when}"
                    if nudge
                    else f"Reminder: session with {_with(session, user)} {when}"
                ),
                lines=[
                    f"Your session with {_with(session, user)} is on {when}.",
                    *_link_lines(session),
                    *_agenda_lines(state, session, user, nudge=first),
                ],
                url=_path("agenda", session),
                program=session.program,
                when=session.starts_at,
                action="Write the goal" if nudge else "Open the agenda",
            )
        )
    return messages


def _outstanding(session: Session) -> dict[int, list[str]]:
    """Who still owes what after a session: a reflection (both), feedback (mentee)."""
    reflected = set(Reflection.objects.filter(session=session).values_list("author_id", flat=True))
    owed: dict[int, list[str]] = {}
    for user_id in (session.mentee_id, session.mentor_id):
        if user_id not in reflected:
            owed.setdefault(user_id, []).append("reflection")
    if not Feedback.objects.filter(session=session).exists():
        owed.setdefault(session.mentee_id, []).append("feedback")
    return owed


def _after(session_id: int, *, nudge: bool) -> list[Message]:
    session = _session(session_id)
    if session is None or session.status not in (SessionStatus.SCHEDULED, SessionStatus.HELD):
        return []
    owed = _outstanding(session)
    messages = []
    for user in (session.mentee, session.mentor):
        things = owed.get(user.pk)
        if not things:
            continue
        what = " and ".join(
            "your reflection" if t == "reflection" else "feedback for your mentor" for t in things
        )
        lines = [
            f"How did your session with {_with(session, user)} on "
            f"{local_time(session.starts_at, user)} go? A few minutes now: {what}.",
        ]
        if nudge:
            lines.append("It's been three days; this is the only nudge you'll get.")
        messages.append(
            Message(
                recipient=user,
                kind=Kind.AFTER_SESSION,
                key=f"{'reflect-nudge' if nudge else 'reflect'}:{session.pk}",
                title=(
                    f"{'Still to do' if nudge else 'After your session'}: "
                    f"{what[0].upper()}{what[1:]}"
                ),
                lines=lines,
                url=_path("session_reflect", session),
                program=session.program,
                when=session.starts_at,
                action="Reflect now",
            )
        )
    return messages


def reflection_request(session_id: int, *, now: datetime) -> list[Message]:
    return _after(session_id, nudge=False)


def reflection_nudge(session_id: int, *, now: datetime) -> list[Message]:
    return _after(session_id, nudge=True)


def attendance_unmarked(session_id: int, *, now: datetime) -> list[Message]:
    session = _session(session_id)
    if session is None or session.status != SessionStatus.SCHEDULED or session.ends_at > now:
        return []
    mentor = session.mentor
    return [
        Message(
            recipient=mentor,
            kind=Kind.ATTENDANCE,
            key=f"attendance:{session.pk}",
            title=f"Was your session with {session.mentee.name} held?",
            lines=[
                f"Your session with {session.mentee.name} on "
                f"{local_time(session.starts_at, mentor)} has no attendance yet. "
                "Record whether it was held; it takes one click.",
            ],
            url=_path("session_detail", session),
            program=session.program,
            when=session.starts_at,
            action="Record attendance",
        )
    ]


def _missed_twice(session: Session) -> bool:
    """The session and the one before it (ignoring on-time cancellations and
    sessions still ahead) were both missed: a no-show or a late cancellation."""
    recent = (
        Session.objects.filter(
            mentorship_id=session.mentorship_id, starts_at__lte=session.starts_at
        )
        .exclude(status=SessionStatus.SCHEDULED)
        .exclude(status=SessionStatus.CANCELLED, cancellation_kind=CancellationKind.ON_TIME)
        .exclude(cancel_reason__in=SYSTEM_CANCEL_REASONS)
        .order_by("-starts_at")
        .values_list("status", "cancellation_kind")[:2]
    )
    missed = [s in MISSED or k == CancellationKind.LATE for s, k in recent]
    return len(missed) == 2 and all(missed)


def missed_session(session_id: int, *, now: datetime, by_id: int | None = None) -> list[Message]:
    """A mentor no-show goes to staff at once; so do two missed sessions in a row."""
    session = _session(session_id)
    if session is None:
        return []
    staff = staff_for(session.mentee_id, session.program)
    url = program_path("mentee_detail", session.program, user_id=session.mentee_id)
    messages = []
    pair = f"{session.mentee.name} with {session.mentor.name}"
    if session.status == SessionStatus.MENTOR_NO_SHOW:
        messages += [
            Message(
                recipient=person,
                kind=Kind.STAFF_ALERTS,
                key=f"session:{session.pk}:mentor-no-show",
                title=f"Mentor didn't come: {pair}",
                lines=[
                    f"{session.mentee.name} reports that {session.mentor.name} didn't come to "
                    f"the session on {local_time(session.starts_at, person)}."
                ],
                url=url,
                program=session.program,
                when=session.starts_at,
                action="See the mentee",
            )
            for person in staff
        ]
    if _missed_twice(session):
        messages += [
            Message(
                recipient=person,
                kind=Kind.STAFF_ALERTS,
                key=f"session:{session.pk}:missed-twice",
                title=f"Two missed sessions in a row: {pair}",
                lines=[
                    f"The sessions of {pair} were missed twice in a row, most recently on "
                    f"{local_time(session.starts_at, person)} ({session.get_status_display()})."
                ],
                url=url,
                program=session.program,
                when=session.starts_at,
                action="See the mentee",
            )
            for person in staff
        ]
    return messages


def _action_item(item_id: int) -> ActionItem | None:
    # An ended mentorship's items stop nagging: whoever left or graduated is done
    # with them (a re-match moves the open ones to the new mentorship first).
    return (
        ActionItem.objects.select_related("owner", "mentorship__program")
        .filter(pk=item_id, done_at__isnull=True, mentorship__status__in=LIVE_MENTORSHIP_STATUSES)
        .first()
    )


def action_item_due(item_id: int, *, now: datetime, due_on: str, overdue: bool) -> list[Message]:
    item = _action_item(item_id)
    if item is None or item.due_on != date.fromisoformat(due_on):
        return []
    program = item.mentorship.program
    when = f"{item.due_on:%a} {item.due_on.day} {item.due_on:%b}"
    return [
        Message(
            recipient=item.owner,
            kind=Kind.ACTION_ITEMS,
            key=f"action:{item.pk}:{'overdue' if overdue else 'due'}:{item.due_on.isoformat()}",
            title=f"{'Overdue' if overdue else 'Due tomorrow'}: {item.title}",
            lines=[
                f"“{item.title}” was due on {when}. Done it? Tick it off; if not, a small "
                "step today still counts."
                if overdue
                else f"“{item.title}” is due tomorrow, {when}."
            ],
            url=program_path("action_items", program),
            program=program,
            action="See my action items",
        )
    ]
