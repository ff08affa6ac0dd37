"""`{% your_calendars request.user %}`: the "Your calendars" section of the
availability page (and any page of the person's own), from
calendars/queries.calendar_status."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from mentora.accounts.models import User
from mentora.scheduling.calendars.queries import calendar_status

register = template.Library()


@register.inclusion_tag("scheduling/includes/your_calendars.html")
def your_calendars(user: User) -> dict[str, Any]:
    return {"connections": calendar_status(user, timezone.now())}
