"""Who may see or change what in scheduling, built from `mentora.programs.access`.

- A mentorship's booking and cadence pages: its mentor and mentee. Over the API
  the mentee's staff may also book for the mentee (`mentorship_for_booking`).
- A session's page and invite: its mentor and mentee, and program staff who may
  view the mentee (program admins and the mentee's own success manager).
- Changing a session (cancel, move, make up, attendance): the two parties only.
- A session's own meeting link: its mentor only.
- The availability editor: mentors (the view's `@program_view(roles=...)`).

Everyone else gets the program pages' 404, so an outsider never learns that a
mentorship or session exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentora.programs import access
from mentora.programs.models import Mentorship, Program
from mentora.scheduling.models import Session

if TYPE_CHECKING:
    from mentora.accounts.models import User


def is_session_party(user: User, session: Session) -> bool:
    """The session's mentor or mentee."""
    return session.involves(user.pk)


def staff_reads_mentee(user: User, program: Program, mentee: User) -> bool:
    """Program staff who may view this mentee: they read (never change) the
    mentee's sessions and mentorship pages."""
    return access.is_program_staff(user, program) and access.can_view_mentee(user, program, mentee)


def may_view_session(user: User, session: Session) -> bool:
    return is_session_party(user, session) or staff_reads_mentee(
        user, session.program, session.mentee
    )


def mentorship_for_party(user: User, program: Program, mentorship_id: int) -> Mentorship:
    """A mentorship the user is the mentor or mentee of; 404 for anyone else."""
    mentorship = (
        Mentorship.objects.filter(pk=mentorship_id, program=program)
        .select_related("program", "mentor", "mentee", "mentor__mentor_profile")
        .first()
    )
    access.require(
        mentorship is not None and access.is_party(user, mentorship), "No such mentorship."
    )
    assert mentorship is not None
    return mentorship


def session_for_viewer(user: User, program: Program, session_id: int) -> Session:
    """A session the user may see (`may_view_session`); 404 for anyone else."""
    session = (
        Session.objects.filter(pk=session_id, program=program)
        .select_related(
            "program", "mentorship", "mentor", "mentee", "makeup_for", "mentor__mentor_profile"
        )
        .first()
    )
    access.require(session is not None and may_view_session(user, session), "No such session.")
    assert session is not None
    return session


def session_for_party(user: User, program: Program, session_id: int) -> Session:
    """A session the user may change: its mentor or mentee. Staff who may read
    it get a 404 here too."""
    session = session_for_viewer(user, program, session_id)
    access.require(
        is_session_party(user, session), "Only the mentor and mentee can change a session."
    )
    return session


def session_for_mentor(user: User, program: Program, session_id: int) -> Session:
    """A session the user is the mentor of (its own meeting link); 404 for
    anyone else, its mentee included."""
    session = session_for_viewer(user, program, session_id)
    access.require(user.pk == session.mentor_id, "Only the mentor sets a session's link.")
    return session


def mentorship_for_booking(user: User, program: Program, mentorship_id: int) -> Mentorship:
    """A mentorship the user may book a session in: a party, or the mentee's staff
    (a program admin or their success manager, booking on the mentee's behalf under
    the mentee's rules: booking.services.booking_party); 404 for anyone else."""
    mentorship = (
        Mentorship.objects.filter(pk=mentorship_id, program=program)
        .select_related("program", "mentor", "mentee", "mentor__mentor_profile")
        .first()
    )
    access.require(
        mentorship is not None
        and (
            access.is_party(user, mentorship)
            or access.manages_mentee(user, program, mentorship.mentee)
        ),
        "No such mentorship.",
    )
    assert mentorship is not None
    return mentorship
