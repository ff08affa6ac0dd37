"""Which of a period's local weeks a moment falls in, computed by the database.

Weeks start on Monday at midnight in the program's zone. Rather than truncate
every row's time in that zone (SQLite has no zones: Django's TruncWeek calls a
Python function per row there), the boundaries are worked out here, once, with
zoneinfo (so daylight saving is right: a week across the change is 167 or 169
hours long), and the database only compares each row's UTC time against them:
a balanced CASE, so a row costs about log2(weeks) comparisons, the same SQL on
SQLite and PostgreSQL, and the result is the week's number (0 for the first),
NULL outside the period.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, Expression, IntegerField, Q, Value, When


def week_starts(mondays: Sequence[date], zone: ZoneInfo) -> list[datetime]:
    """Each local Monday's midnight as an aware moment, then the midnight after the
    last week (where the period ends)."""
    if not mondays:
        return []
    days = [*mondays, mondays[-1] + timedelta(days=7)]
    return [datetime.combine(day, time(), zone) for day in days]


def _branch(field: str, bounds: Sequence[datetime], lo: int, hi: int) -> Expression:
    # Known here: bounds[lo] <= value < bounds[hi]. One week left: its number.
    if hi - lo == 1:
        return Value(lo, output_field=IntegerField())
    mid = (lo + hi) // 2
    return Case(
        When(Q(**{f"{field}__lt": bounds[mid]}), then=_branch(field, bounds, lo, mid)),
        default=_branch(field, bounds, mid, hi),
        output_field=IntegerField(),
    )


def week_number(field: str, mondays: Sequence[date], zone: ZoneInfo) -> Expression:
    """The number of the week (index into `mondays`, consecutive local Mondays) in
    which the datetime `field` falls, NULL when it is outside them or NULL itself."""
    bounds = week_starts(mondays, zone)
    if not bounds:
        return Value(None, output_field=IntegerField())
    inside = Q(**{f"{field}__gte": bounds[0], f"{field}__lt": bounds[-1]})
    return Case(
        When(inside, then=_branch(field, bounds, 0, len(mondays))),
        default=Value(None, output_field=IntegerField()),
        output_field=IntegerField(),
    )
