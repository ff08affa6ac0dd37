"""Who may see and edit what in the session workspace, and when.

- The mentee prepares the agenda until the session starts; the mentor, the
  mentee's success manager and program admins read it.
- Notes: both parties until 7 days after the end; private notes are visible to
  their author only; shared notes to both parties and the success manager.
- Reflections and feedback open at the session's end and stay open for the
  program's `reflection_window_days`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from mentora.programs.models import Program
from mentora.scheduling.models import Session, SessionStatus
from mentora.scheduling.queries import session_for_viewer

if TYPE_CHECKING:
    from mentora.accounts.models import User

NOTES_OPEN_DAYS = 7


class Viewer(StrEnum):
    MENTEE = "mentee"
    MENTOR = "mentor"
    STAFF = "staff"  # the mentee's success manager or a program admin: read-only


def workspace_session(user: User, program: Program, session_id: int) -> tuple[Session, Viewer]:
    """The session and the viewer's part in it; 404 for anyone outside it."""
    session = session_for_viewer(user, program, session_id)
    if user.pk == session.mentee_id:
        return session, Viewer.MENTEE
    if user.pk == session.mentor_id:
        return session, Viewer.MENTOR
    return session, Viewer.STAFF


def agenda_editable(session: Session, viewer: Viewer, now: datetime) -> bool:
    return (
        viewer == Viewer.MENTEE
        and session.status == SessionStatus.SCHEDULED
        and now < session.starts_at
    )


def notes_open(session: Session, viewer: Viewer, now: datetime) -> bool:
    if viewer == Viewer.STAFF or session.status == SessionStatus.CANCELLED:
        return False
    return now <= session.ends_at + timedelta(days=NOTES_OPEN_DAYS)


def reflection_open(session: Session, viewer: Viewer, now: datetime) -> bool:
    if viewer == Viewer.STAFF or session.status in (
        SessionStatus.CANCELLED,
        SessionStatus.MENTEE_NO_SHOW,
        SessionStatus.MENTOR_NO_SHOW,
    ):
        return False
    window = timedelta(days=session.program.reflection_window_days)
    return session.ends_at <= now <= session.ends_at + window


def feedback_open(session: Session, viewer: Viewer, now: datetime) -> bool:
    return viewer == Viewer.MENTEE and reflection_open(session, viewer, now)
