"""Writes for meeting links: a session's own link, set or cleared by its mentor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.clock import now_or_current
from mentora.scheduling import hooks
from mentora.scheduling.errors import SchedulingCode, SchedulingError
from mentora.scheduling.models import Session, SessionStatus

if TYPE_CHECKING:
    from datetime import datetime

    from mentora.accounts.models import User

MAX_LENGTH = Session._meta.get_field("meeting_url").max_length or 500
_HTTPS = URLValidator(schemes=["https"])


def _bad_link() -> SchedulingError:
    return SchedulingError(
        SchedulingCode.INVALID,
        _("Enter a full https:// address, like https://meet.example.org/your-room."),
        field="meeting_url",
    )


def clean_meeting_url(url: str) -> str:
    """Blank (back to the room or the mentor's link) or an https address."""
    url = url.strip()
    if not url:
        return ""
    if len(url) > MAX_LENGTH:
        raise _bad_link()
    try:
        _HTTPS(url)
    except ValidationError:
        raise _bad_link() from None
    return url


def session_meeting_url_set(
    *, session: Session, by: User, url: str, now: datetime | None = None
) -> Session:
    """Set (or, with a blank `url`, clear) the session's own meeting link.

    Steps: only its mentor, only a scheduled session that hasn't ended; the link
    must be https; save with a new SEQUENCE (the calendars' LOCATION changes);
    `hooks.session_link_changed` (the mentee hears, with the updated invite).
    Nothing changes when the link is the one already set.
    """
    now = now_or_current(now)
    if by.pk != session.mentor_id:
        raise SchedulingError(
            SchedulingCode.NOT_MENTOR, _("Only the mentor sets a session's meeting link.")
        )
    url = clean_meeting_url(url)
    with transaction.atomic():
        updated = (
            Session.objects.filter(pk=session.pk, status=SessionStatus.SCHEDULED, ends_at__gt=now)
            .exclude(meeting_url=url)
            .update(updated_at=timezone.now(), meeting_url=url, sequence=F("sequence") + 1)
        )
        session.refresh_from_db()
        if not updated:
            if session.meeting_url == url and session.status == SessionStatus.SCHEDULED:
                return session
            raise SchedulingError(
                SchedulingCode.NOT_CHANGEABLE,
                _("A session that is over or cancelled keeps the link it had."),
            )
        hooks.session_link_changed(session, by=by)
    return session
