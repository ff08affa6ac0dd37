"""Rules between a program's settings: combinations that contradict each other.

Pure (no database): `contradictions` takes the values by field name and says
which combinations can't work, each naming every field it involves, so the
settings form shows the message next to all of them and the service refuses
the same values whichever page sent them. A rule whose fields are not all in
`values` (one was refused on its own) is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

HOURS_PER_WEEK = 24 * 7
# The shortest rhythm of regular sessions (scheduling's Frequency.WEEKLY).
SHORTEST_CADENCE_HOURS = HOURS_PER_WEEK

WEIGHT_FIELDS = (
    "weight_stack",
    "weight_areas",
    "weight_experience",
    "weight_availability",
    "weight_language",
    "weight_background",
)


@dataclass(frozen=True)
class Contradiction:
    fields: tuple[str, ...]
    message: str


def _weeks(weeks: int) -> str:
    return ngettext("%(weeks)d week", "%(weeks)d weeks", weeks) % {"weeks": weeks}


def _present(values: Mapping[str, Any], *names: str) -> bool:
    return all(values.get(name) is not None for name in names)


def contradictions(values: Mapping[str, Any]) -> list[Contradiction]:
    """Every contradiction among `values` (field name -> value), in page order."""
    found: list[Contradiction] = []
    if _present(values, "notice_hours", "booking_window_weeks"):
        window_hours = values["booking_window_weeks"] * HOURS_PER_WEEK
        if values["notice_hours"] > window_hours:
            found.append(
                Contradiction(
                    ("notice_hours", "booking_window_weeks"),
                    _(
                        "The cancellation notice (%(notice)d hours) is longer than the booking "
                        "window (%(weeks)s, %(window)d hours): no cancellation could ever "
                        "be on time. Shorten the notice or widen the window."
                    )
                    % {
                        "notice": values["notice_hours"],
                        "weeks": _weeks(values["booking_window_weeks"]),
                        "window": window_hours,
                    },
                )
            )
    if _present(values, "makeup_gap_hours", "min_booking_notice_hours"):
        taken = values["makeup_gap_hours"] + values["min_booking_notice_hours"]
        if taken >= SHORTEST_CADENCE_HOURS:
            found.append(
                Contradiction(
                    ("makeup_gap_hours", "min_booking_notice_hours"),
                    _(
                        "The makeup gap (%(gap)d hours) and the minimum booking notice "
                        "(%(notice)d hours) together take %(taken)d hours, a week or more: "
                        "a session missed in a weekly rhythm could never be made up before "
                        "the next one. Keep the two under %(limit)d hours together."
                    )
                    % {
                        "gap": values["makeup_gap_hours"],
                        "notice": values["min_booking_notice_hours"],
                        "taken": taken,
                        "limit": SHORTEST_CADENCE_HOURS,
                    },
                )
            )
    if _present(values, "min_booking_notice_hours", "booking_window_weeks"):
        window_hours = values["booking_window_weeks"] * HOURS_PER_WEEK
        if values["min_booking_notice_hours"] >= window_hours:
            found.append(
                Contradiction(
                    ("min_booking_notice_hours", "booking_window_weeks"),
                    _(
                        "The minimum booking notice (%(notice)d hours) reaches to the end of the "
                        "booking window (%(weeks)s, %(window)d hours): nothing could be "
                        "booked. Shorten the notice or widen the window."
                    )
                    % {
                        "notice": values["min_booking_notice_hours"],
                        "weeks": _weeks(values["booking_window_weeks"]),
                        "window": window_hours,
                    },
                )
            )
    if _present(values, "first_reminder_hours", "second_reminder_hours"):
        first, last = values["first_reminder_hours"], values["second_reminder_hours"]
        if last >= first:
            found.append(
                Contradiction(
                    ("first_reminder_hours", "second_reminder_hours"),
                    _(
                        "The last reminder (%(last)d hours before) must come after the first "
                        "(%(first)d hours before): make the first reminder the earlier one."
                    )
                    % {"last": last, "first": first},
                )
            )
    if _present(values, *WEIGHT_FIELDS) and not any(values[name] for name in WEIGHT_FIELDS):
        found.append(
            Contradiction(
                WEIGHT_FIELDS,
                _(
                    "At least one matching weight must be above 0: with every weight at 0, "
                    "every mentor fits every mentee equally and suggestions mean nothing."
                ),
            )
        )
    return found
