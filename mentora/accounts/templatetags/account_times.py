"""`{{ moment|local_stamp }}` → '31 Oct 2027, 02:30 CEST' in the reader's zone.

Django's own "T" format leaves the zone out in the hour that repeats when
daylight saving ends, so the two 02:30s would read the same; the zone's name
from zoneinfo tells them apart. (Scheduling has its own wording, timelabels.py;
accounts can't use it, being below scheduling.)
"""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.filter
def local_stamp(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'j M Y, H:i')} {local.tzname() or ''}".strip()
