"""Messages about a person's connected calendars: one stopped being read."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from mentora.notifications.messages import Message
from mentora.notifications.models import Kind
from mentora.scheduling.models import CalendarConnection


def calendar_disabled(connection_id: int, *, now: datetime) -> list[Message]:
    """The owner hears that Mentora stopped reading their calendar, and why
    (nothing if it was connected again or removed meanwhile). Never the
    calendar's address: its name and host only."""
    connection = (
        CalendarConnection.objects.select_related("owner")
        .filter(pk=connection_id, disabled_at__isnull=False)
        .first()
    )
    if connection is None or not connection.owner.is_active:
        return []
    name = connection.label or connection.url_host
    return [
        Message(
            recipient=connection.owner,
            # Sessions: while a mentor's calendar can't be read, they offer no times.
            kind=Kind.SESSION_CHANGES,
            key=f"calendar-disabled:{connection.pk}:{connection.disabled_at:%Y%m%dT%H%M%S}",
            title=_("We stopped reading your calendar %(name)s") % {"name": name},
            lines=[
                connection.disabled_reason,
                _(
                    "Until it can be read again, its busy times may be out of date: as a "
                    "mentor you offer no times once they are older than your program allows."
                ),
            ],
            url=reverse("calendar_connections"),
            action=_("Your calendars"),
        )
    ]
