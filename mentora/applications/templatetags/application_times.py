"""`{{ moment|in_zone:program.time_zone }}`: '3 Mar 2027, 18:00 CET', the wall
clock of a zone (a round's dates are the program's), with the zone's label."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.formats import date_format

from mentora.scheduling import timelabels

register = template.Library()


@register.filter
def in_zone(moment: datetime | None, zone: str = "") -> str:
    if moment is None:
        return ""
    local = timelabels.local(moment, zone or None)
    return f"{date_format(local, 'j M Y, H:i')} {timelabels.zone_label(local)}"
