"""Time-zone names people may choose, and the validator that enforces them."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError


@cache
def time_zone_names() -> tuple[str, ...]:
    # Only canonical-looking Area/City names: they are what a person recognises.
    names = {n for n in zoneinfo.available_timezones() if "/" in n and not n.startswith("Etc/")}
    return tuple(sorted(names | {"UTC"}))


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            "“%(value)s” is not a time zone we know. Use a name like Europe/Berlin "
            "or America/New_York.",
            code="invalid_time_zone",
            params={"value": value},
        )
