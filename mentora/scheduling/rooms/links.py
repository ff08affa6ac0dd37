"""Which address a session is held at.

In order: the session's own link (set by its mentor); a room of its own on the
program's video service (`Program.meeting_room_base_url`, e.g. Jitsi Meet); the
mentor's default link (`MentorProfile.meeting_link`); a room on the site's video
service (`settings.MENTORA_VIDEO_ROOMS_URL`). The site's service comes last so
that it fills in for mentors without a link and never overrides a program's or a
mentor's choice.

A room name is drawn when a session is created (booking, regular sessions) and,
for sessions older than rooms, the first time a link is needed, by
compare-and-set so two requests at once agree on one name. A late move keeps
the session (and its room) and copies the name to the record of the old time;
no other session ever gets a name: names are random, so a cancelled session's
room is never reused.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from mentora.scheduling.models import Session, SessionStatus

if TYPE_CHECKING:
    from mentora.accounts.models import User
    from mentora.programs.models import Program

ROOM_PREFIX = "mentora-"
# 16 random bytes: 22 URL-safe characters, beyond guessing.
ROOM_BYTES = 16


def new_room_name() -> str:
    return ROOM_PREFIX + secrets.token_urlsafe(ROOM_BYTES)


def room_url(base: str, name: str) -> str:
    """The room `name` on the video service at `base` (with or without its slash)."""
    return f"{base.rstrip('/')}/{name}"


def mentor_default_link(mentor: User) -> str:
    try:
        return str(mentor.mentor_profile.meeting_link)
    except ObjectDoesNotExist:  # a mentor who never filled in a profile
        return ""


def rooms_base(program: Program, mentor: User) -> str:
    """The video service a session of this mentor gets a room on, or blank when
    the link is the mentor's own (the order in this module's docstring)."""
    if program.meeting_room_base_url:
        return str(program.meeting_room_base_url)
    if mentor_default_link(mentor):
        return ""
    return str(settings.MENTORA_VIDEO_ROOMS_URL)


def room_name(session: Session) -> str:
    """The session's room name, drawn now if it has none yet (an older session).

    Compare-and-set: of two requests drawing at once, one name is written and
    both return it. A cancelled session never gets a new one."""
    if session.room_name or session.status == SessionStatus.CANCELLED:
        return session.room_name
    drawn = new_room_name()
    if not Session.objects.filter(pk=session.pk, room_name="").update(
        updated_at=timezone.now(), room_name=drawn
    ):
        drawn = Session.objects.values_list("room_name", flat=True).get(pk=session.pk)
    session.room_name = drawn
    return drawn


def meeting_link(session: Session) -> str:
    """The address the session is held at, blank when there is none.

    Callers that show it to a reader check `programs.access.sees_meeting_link`
    (and hide it for a cancelled session) themselves."""
    if session.meeting_url:
        return str(session.meeting_url)
    base = rooms_base(session.program, session.mentor)
    if not base:
        return mentor_default_link(session.mentor)
    name = room_name(session)
    return room_url(base, name) if name else ""


def planned_link(program: Program, mentor: User) -> str:
    """Before booking: the mentor's link when a new session would use it, blank
    when it would get a room of its own (the room is drawn at booking)."""
    return "" if rooms_base(program, mentor) else mentor_default_link(mentor)
