"""Who may see and change what in mentoring (agenda, questions, workspace,
goals), and when. Built from `mentora.programs.access` and
`mentora.scheduling.access`; views, services and queries ask here.

- A session's agenda, workspace and reflections: its mentee and mentor, and
  (read-only, `Viewer.STAFF`) program staff who may view the mentee.
- The mentee prepares the agenda until the session starts; the mentor, the
  mentee's success manager and program admins read it.
- Notes: both parties until 7 days after the end; private notes are visible to
  their author only; shared notes to both parties and the staff who may read
  the session.
- Reflections and feedback open at the session's end and stay open for the
  program's `reflection_window_days`. Once closed, the mentee's success manager
  or a program admin may reopen one party's reflection for another
  `reflection_window_days` from then (`ReflectionReopening`); feedback stays
  on the normal window.
- Late work: both windows count from the later of the session's end and the
  moment its attendance was recorded (`windows_from`), so a mentor who records
  an old session's attendance late still has a full window for the notes and
  the report, and the mentee the same for their reflection and feedback.
- A mentorship's goals page: its two parties change it; program staff who may
  view the mentee read it.
- A question list: the mentee keeps it; their mentors (any time), their
  success manager and program admins read it. A question is answered by the
  mentee or anyone who is or was their mentor.
- Action items: ticked by either party of the mentorship.

Anyone else gets the program pages' 404.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest

from mentora.accounts.models import User
from mentora.mentoring.models import ActionItem, Note, Question, ReflectionReopening
from mentora.programs import access
from mentora.programs import queries as program_queries
from mentora.programs.models import Mentorship, Program, Role
from mentora.scheduling.access import session_for_viewer, staff_reads_mentee
from mentora.scheduling.models import Session, SessionStatus

NOTES_OPEN_DAYS = 7


class Viewer(StrEnum):
    MENTEE = "mentee"
    MENTOR = "mentor"
    STAFF = "staff"  # program staff who may view the mentee: read-only


# --- a session -------------------------------------------------------------------


def viewer_of(session: Session, user: User) -> Viewer:
    """The user's part in a session they may see (anyone but a party is staff)."""
    if user.pk == session.mentee_id:
        return Viewer.MENTEE
    if user.pk == session.mentor_id:
        return Viewer.MENTOR
    return Viewer.STAFF


def workspace_session(user: User, program: Program, session_id: int) -> tuple[Session, Viewer]:
    """The session and the viewer's part in it; 404 for anyone who may not see it."""
    session = session_for_viewer(user, program, session_id)
    return session, viewer_of(session, user)


def agenda_editable(session: Session, viewer: Viewer, now: datetime) -> bool:
    return (
        viewer == Viewer.MENTEE
        and session.status == SessionStatus.SCHEDULED
        and now < session.starts_at
    )


def windows_from(session: Session) -> datetime:
    """When the after-session windows (notes, reflections, feedback) start
    counting: the session's end, or the recording of its attendance if that
    came later (attendance recorded late opens a full window from then on)."""
    marked = session.attendance_marked_at
    return max(session.ends_at, marked) if marked is not None else session.ends_at


def windows_from_expression() -> Greatest:
    """`windows_from` in the database, for queries over many sessions."""
    return Greatest(F("ends_at"), Coalesce(F("attendance_marked_at"), F("ends_at")))


def notes_close_at(session: Session) -> datetime:
    return windows_from(session) + timedelta(days=NOTES_OPEN_DAYS)


def reflection_closes_at(session: Session) -> datetime:
    return windows_from(session) + timedelta(days=session.program.reflection_window_days)


def notes_open(session: Session, viewer: Viewer, now: datetime) -> bool:
    if viewer == Viewer.STAFF or session.status == SessionStatus.CANCELLED:
        return False
    return now <= notes_close_at(session)


REFLECTION_REFUSED_STATUSES = (
    SessionStatus.CANCELLED,
    SessionStatus.MENTEE_NO_SHOW,
    SessionStatus.MENTOR_NO_SHOW,
)


def reflection_window_open(session: Session, viewer: Viewer, now: datetime) -> bool:
    """The normal window: from the session's end for `reflection_window_days`
    (counted from `windows_from`), never for a missed or cancelled session."""
    if viewer == Viewer.STAFF or session.status in REFLECTION_REFUSED_STATUSES:
        return False
    return session.ends_at <= now <= reflection_closes_at(session)


def party_of(session: Session, viewer: Viewer) -> int | None:
    """The user id behind a party viewer (None for staff)."""
    if viewer == Viewer.MENTEE:
        return session.mentee_id
    if viewer == Viewer.MENTOR:
        return session.mentor_id
    return None


def reopened_until(session: Session, party_id: int, now: datetime) -> datetime | None:
    """Until when a success manager reopened this party's reflection, if that
    reopening has not expired yet."""
    return (
        ReflectionReopening.objects.filter(session=session, party_id=party_id, until__gte=now)
        .order_by("-until")
        .values_list("until", flat=True)
        .first()
    )


def reflection_open(session: Session, viewer: Viewer, now: datetime) -> bool:
    """The normal window, or a reopening by staff for this party that has not
    expired (`ReflectionReopening`, made by `reflection_reopen`)."""
    if reflection_window_open(session, viewer, now):
        return True
    party_id = party_of(session, viewer)
    if party_id is None or session.status in REFLECTION_REFUSED_STATUSES:
        return False
    return reopened_until(session, party_id, now) is not None


def reflection_open_until(session: Session, viewer: Viewer, now: datetime) -> datetime:
    """When this viewer's reflection closes: the normal window's end, or a later
    unexpired reopening's."""
    party_id = party_of(session, viewer)
    reopened = reopened_until(session, party_id, now) if party_id is not None else None
    normal = reflection_closes_at(session)
    return max(normal, reopened) if reopened is not None else normal


def can_reopen_reflection(user: User, session: Session) -> bool:
    """The mentee's own success manager or a program admin (`manages_mentee`)."""
    return access.manages_mentee(user, session.program, session.mentee)


def session_for_reopening(user: User, program: Program, session_id: int) -> Session:
    """A session whose reflections this user may reopen; 404 for anyone else."""
    session = session_for_viewer(user, program, session_id)
    access.require(can_reopen_reflection(user, session), "No such session.")
    return session


def feedback_open(session: Session, viewer: Viewer, now: datetime) -> bool:
    """Feedback keeps the normal window only: a reopening is for the reflection."""
    return viewer == Viewer.MENTEE and reflection_window_open(session, viewer, now)


def readable_notes(viewer: Viewer, user: User) -> Q:
    """The notes of a session this viewer reads: staff only the shared ones; a
    party the shared ones and their own private notes."""
    if viewer == Viewer.STAFF:
        return Q(shared=True)
    return Q(shared=True) | Q(author=user)


def own_note(session: Session, user: User, note_id: int) -> Note | None:
    """One of the user's own notes on this session (only its author changes a note)."""
    return Note.objects.filter(pk=note_id, session=session, author=user).first()


# --- action items ------------------------------------------------------------------


def action_item_for_party(program: Program, user: User, item_id: int) -> ActionItem | None:
    """An action item of a mentorship the user is the mentor or mentee of."""
    return (
        ActionItem.objects.filter(pk=item_id, mentorship__program=program)
        .filter(Q(mentorship__mentor=user) | Q(mentorship__mentee=user))
        .select_related("mentorship")
        .first()
    )


# --- a mentorship's goals ----------------------------------------------------------


def mentorship_for_viewer(
    user: User, program: Program, mentorship_id: int
) -> tuple[Mentorship, Viewer]:
    """The mentorship and the viewer's part in it: its mentee or mentor, or
    (read-only) program staff who may view the mentee. 404 for anyone else."""
    mentorship = (
        Mentorship.objects.filter(pk=mentorship_id, program=program)
        .select_related("program", "mentor", "mentee", "mentor__mentor_profile")
        .first()
    )
    access.require(mentorship is not None, "No such mentorship.")
    assert mentorship is not None
    if access.is_party(user, mentorship):
        return mentorship, Viewer.MENTEE if user.pk == mentorship.mentee_id else Viewer.MENTOR
    access.require(staff_reads_mentee(user, program, mentorship.mentee), "No such mentorship.")
    return mentorship, Viewer.STAFF


# --- question lists ----------------------------------------------------------------


def question_list_mentees(user: User, program: Program) -> list[User]:
    """Whose question lists a mentor, success manager or admin may open, by name:
    every mentee for an admin, the caseload for a success manager, the live
    mentees for a mentor."""
    people: dict[int, User] = {}
    if access.is_program_admin(user, program):
        people.update({m.user.pk: m.user for m in program_queries.mentee_memberships(program)})
    if access.has_role(user, program, Role.SUCCESS_MANAGER):
        people.update({m.user.pk: m.user for m in program_queries.caseload(program, user)})
    if access.has_role(user, program, Role.MENTOR):
        for mentorship in program_queries.live_mentorships_of_mentor(program, user):
            people[mentorship.mentee.pk] = mentorship.mentee
    return sorted(people.values(), key=lambda u: u.name)


def question_list_owner(user: User, program: Program, mentee_id: int | None) -> User | None:
    """Whose question list the viewer opens.

    With `mentee_id` (the page's ?mentee=), that mentee of the program if the
    viewer may view them, else a 404. Without it, the viewer's own list if they
    are a mentee; None when they should pick a mentee instead.
    """
    if mentee_id is None:
        return user if access.has_role(user, program, Role.MENTEE) else None
    mentee = User.objects.filter(pk=mentee_id).first()
    access.require(
        mentee is not None
        and program_queries.mentee_membership(program, mentee) is not None
        and access.can_view_mentee(user, program, mentee),
        "No such question list.",
    )
    return mentee


def changes_question_list(user: User, mentee: User) -> bool:
    """Only the mentee changes their own list; everyone else reads it."""
    return user.pk == mentee.pk


def own_question(user: User, program: Program, question_id: int) -> Question | None:
    """One of the user's own questions in the program."""
    return Question.objects.filter(pk=question_id, mentee=user, program=program).first()


def answers_question(user: User, question: Question) -> bool:
    """The mentee, or anyone who is or was their mentor in the program."""
    if user.pk == question.mentee_id:
        return True
    return access.has_mentored(user, question.program, question.mentee)
