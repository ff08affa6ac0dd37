"""Messages about mentoring's own events: a reflection reopened by staff."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from mentora.mentoring.models import ReflectionReopening
from mentora.notifications.messages import Message, local_time, program_path
from mentora.notifications.models import Kind


def reflection_reopened(reopening_id: int, *, now: datetime) -> list[Message]:
    """The party whose reflection was reopened hears until when (nothing once
    the reopening has run out, or for a person no longer active)."""
    reopening = (
        ReflectionReopening.objects.select_related(
            "party", "session", "session__program", "session__mentor", "session__mentee"
        )
        .filter(pk=reopening_id, until__gt=now)
        .first()
    )
    if reopening is None or not reopening.party.is_active:
        return []
    session, party = reopening.session, reopening.party
    other = session.mentor if party.pk == session.mentee_id else session.mentee
    what = _("your session report") if party.pk == session.mentor_id else _("your reflection")
    return [
        Message(
            recipient=party,
            kind=Kind.AFTER_SESSION,
            key=f"reflection-reopened:{reopening.pk}",
            title=_("You can write %(what)s again") % {"what": what},
            lines=[
                _("Your session with %(other)s on %(day)s is open for %(what)s again.")
                % {
                    "other": other.name,
                    "day": local_time(session.starts_at, party),
                    "what": what,
                },
                _("It stays open until %(until)s.") % {"until": local_time(reopening.until, party)},
            ],
            url=program_path("session_reflect", session.program, session_id=session.pk),
            program=session.program,
            when=session.starts_at,
            action=_("Reflect now"),
        )
    ]
