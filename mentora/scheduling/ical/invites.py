"""iCalendar output: one invite per session change, and each person's feed.

A session keeps one UID for life (`<uuid>@mentora`) and every booking change
bumps its SEQUENCE (see services), so a calendar app updates or drops the
event it already has instead of adding a second one.

Callers pass sessions loaded with `SESSION_RELATED` so that building a feed of
many sessions costs no queries of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import PARTSTAT, ROLE, STATUS, TRANSP, Calendar, Event, vCalAddress

from mentora.scheduling.models import Session, SessionStatus
from mentora.scheduling.rooms.links import meeting_link

if TYPE_CHECKING:
    from mentora.accounts.models import User

PRODID = "-//Mentora//Mentora sessions//EN"
CALENDAR_NAME = "Mentora"
# How often subscribed calendar apps should fetch the feed again.
FEED_REFRESH = timedelta(hours=1)
SESSION_RELATED = ("program", "mentor", "mentee", "mentor__mentor_profile")

Method = Literal["REQUEST", "CANCEL"]


def session_uid(session: Session) -> str:
    return f"{session.uid}@mentora"


def session_url(session: Session) -> str:
    path = reverse(
        "session_detail", kwargs={"slug": session.program.slug, "session_id": session.pk}
    )
    return settings.SITE_URL + path


def session_summary(session: Session) -> str:
    summary = f"Mentoring: {session.mentee.name} with {session.mentor.name}"
    # Some apps keep showing cancelled events from a feed; say so in the title.
    if session.status == SessionStatus.CANCELLED:
        return f"Cancelled: {summary}"
    return summary


def _address(
    user: User,
    *,
    role: ROLE | None = None,
    partstat: PARTSTAT | None = None,
    rsvp: bool | None = None,
) -> vCalAddress:
    return vCalAddress.new(
        user.email, cn=user.name or user.email, role=role, partstat=partstat, rsvp=rsvp
    )


def _event(session: Session, *, now: datetime) -> Event:
    cancelled = session.status == SessionStatus.CANCELLED
    # Where the session is held (rooms.links): LOCATION, and in the description
    # for calendar apps that don't make LOCATION a link.
    location = meeting_link(session)
    description = f"Agenda, notes and follow-up: {session_url(session)}"
    if location:
        description = f"Join: {location}\n\n{description}"
    event = Event.new(
        uid=session_uid(session),
        sequence=session.sequence,
        stamp=now.astimezone(UTC),
        start=session.starts_at.astimezone(UTC),
        end=session.ends_at.astimezone(UTC),
        summary=session_summary(session),
        description=description,
        url=session_url(session),
        organizer=_address(session.mentor),
        attendees=[
            _address(session.mentor, role=ROLE.CHAIR, partstat=PARTSTAT.ACCEPTED),
            _address(
                session.mentee,
                role=ROLE.REQ_PARTICIPANT,
                partstat=PARTSTAT.NEEDS_ACTION,
                rsvp=True,
            ),
        ],
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        # A cancelled session no longer blocks anyone's time.
        transparency=TRANSP.TRANSPARENT if cancelled else TRANSP.OPAQUE,
    )
    if location:
        event.add("LOCATION", location)
    return event


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    if method:
        calendar.add("METHOD", method)
    return calendar


def session_invite(session: Session, *, method: Method, now: datetime | None = None) -> bytes:
    """An iTIP message (RFC 5546) for one session: a REQUEST or a CANCEL."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"Unknown iTIP method: {method}")
    calendar = _calendar(method)
    calendar.add_component(_event(session, now=now or timezone.now()))
    return calendar.to_ical()


def session_calendar_object(session: Session, *, now: datetime | None = None) -> bytes:
    """The session as an event stored in a person's own calendar over CalDAV:
    the invite's event (same UID and SEQUENCE), without METHOD, which a stored
    calendar object must not carry (RFC 4791, 4.1)."""
    calendar = _calendar(None)
    calendar.add_component(_event(session, now=now or timezone.now()))
    return calendar.to_ical()


def invite_for(session: Session, *, now: datetime | None = None) -> bytes:
    """The invite that tells calendars about the session's current state."""
    method: Method = "CANCEL" if session.status == SessionStatus.CANCELLED else "REQUEST"
    return session_invite(session, method=method, now=now)


def feed_calendar(user: User, sessions: Iterable[Session], *, now: datetime | None = None) -> bytes:
    """A subscribable calendar of `user`'s sessions, cancelled ones included so
    that calendars which already have them mark them cancelled."""
    now = now or timezone.now()
    calendar = _calendar("PUBLISH")
    calendar.calendar_name = CALENDAR_NAME
    calendar.add("X-WR-CALDESC", f"Mentoring sessions of {user.name or user.email}")
    calendar.add("REFRESH-INTERVAL", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", "PT1H")  # the same hint for Outlook and Apple
    for session in sessions:
        calendar.add_component(_event(session, now=now))
    return calendar.to_ical()
