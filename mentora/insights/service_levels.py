"""The service levels a program is judged on (#13): how long people wait.

Three waits, each in days:

- joining to first match: a mentee's `Membership.joined_at` to the start of
  their first mentorship in the program;
- match to first held session: a mentorship's `started_at` to the start of its
  first session whose attendance says it was held;
- concern to resolution or re-match: a concern's `created_at` to its
  `resolved_at` (a re-match through the concern resolves it) or, if sooner, the
  start of another mentorship of the same mentee begun after it was raised.

For each: the median and the 90th percentile of the cases that finished inside
the page's weeks (a match made, a first session held, a concern resolved), and
the cases still waiting now with their age so far: a median over finished cases
alone hides the people still waiting. Waiting means an active mentee who was
never matched, an active (not paused) mentorship without a held session, an
open concern without a re-match.

The scope is the insights page's: the whole program or one success manager's
caseload, with its cohort filter. One query per level (the first time found by
a correlated subquery, no query per row); the durations are computed in Python
from the rows, which keeps the date arithmetic the same on SQLite and
PostgreSQL. A negative duration (a mentorship recorded before the membership
that joined later, say) counts as zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Least
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mentora.insights.access import Scope
from mentora.insights.figures import Period, mentee_ids
from mentora.insights.queries import default_period
from mentora.matching.models import Concern, ConcernStatus
from mentora.programs.models import Cohort, Membership, Mentorship, MentorshipStatus, Role
from mentora.scheduling.models import Session, SessionStatus

DAY_SECONDS = 86_400.0


def percentile(values: Iterable[float], p: float) -> float | None:
    """The `p`-th percentile (0 to 100) of `values`, by linear interpolation
    between the closest ranks: the sorted values are read at rank (n - 1) * p / 100
    and a rank between two values takes the point between them (numpy's default,
    and Excel's PERCENTILE.INC). None for no values; the value itself for one;
    the median of an even count is the mean of the two middle values."""
    if not 0 <= p <= 100:
        raise ValueError("p is a percentage, from 0 to 100")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _days(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / DAY_SECONDS)


@dataclass(frozen=True)
class Level:
    """One wait: the finished cases of the period and the ones still open now, in days."""

    key: str
    label: str | Promise
    finished: tuple[float, ...]
    waiting: tuple[float, ...]
    waiting_label: str | Promise

    @property
    def median(self) -> float | None:
        return percentile(self.finished, 50)

    @property
    def p90(self) -> float | None:
        return percentile(self.finished, 90)

    @property
    def waiting_median(self) -> float | None:
        return percentile(self.waiting, 50)

    @property
    def waiting_longest(self) -> float | None:
        return max(self.waiting) if self.waiting else None


@dataclass(frozen=True)
class ServiceLevels:
    period: Period
    to_match: Level
    to_first_session: Level
    to_resolution: Level

    def __iter__(self) -> Iterator[Level]:
        return iter((self.to_match, self.to_first_session, self.to_resolution))


def _in(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _split(
    rows: Iterable[tuple[datetime, datetime | None]], now: datetime
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(durations of the finished rows, ages so far of the open ones)."""
    finished, waiting = [], []
    for start, end in rows:
        if end is None:
            waiting.append(_days(start, now))
        else:
            finished.append(_days(start, end))
    return tuple(finished), tuple(waiting)


def _first_mentorship_start(**match: Any) -> Subquery:
    return Subquery(
        Mentorship.objects.filter(**match).order_by("started_at").values("started_at")[:1]
    )


def _to_match(scope: Scope, period: Period, mentees: QuerySet[Any] | None) -> QuerySet[Any]:
    members = Membership.objects.filter(program=scope.program, role=Role.MENTEE)
    if mentees is not None:
        members = members.filter(user_id__in=mentees)
    return (
        members.annotate(
            first_match=_first_mentorship_start(
                program=OuterRef("program"), mentee=OuterRef("user")
            )
        )
        .filter(_in(period, "first_match") | Q(first_match__isnull=True, is_active=True))
        .values_list("joined_at", "first_match")
    )


def _to_first_session(scope: Scope, period: Period, mentees: QuerySet[Any] | None) -> QuerySet[Any]:
    mentorships = Mentorship.objects.filter(program=scope.program)
    if mentees is not None:
        mentorships = mentorships.filter(mentee__in=mentees)
    first_held = Subquery(
        Session.objects.filter(mentorship=OuterRef("pk"), status=SessionStatus.HELD)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return (
        mentorships.annotate(first_held=first_held)
        .filter(
            _in(period, "first_held") | Q(first_held__isnull=True, status=MentorshipStatus.ACTIVE)
        )
        .values_list("started_at", "first_held")
    )


def _to_resolution(scope: Scope, period: Period, mentees: QuerySet[Any] | None) -> QuerySet[Any]:
    concerns = Concern.objects.filter(program=scope.program)
    if mentees is not None:
        concerns = concerns.filter(mentorship__mentee__in=mentees)
    # A re-match: another mentorship of the mentee, begun after the concern was
    # raised and after the concern's own mentorship ended (not a second mentor
    # the mentee already had alongside).
    rematch = Subquery(
        Mentorship.objects.filter(
            Q(started_at__gte=OuterRef("created_at"))
            & Q(started_at__gte=OuterRef("mentorship__ended_at")),
            program=OuterRef("program"),
            mentee=OuterRef("mentorship__mentee"),
        )
        .order_by("started_at")
        .values("started_at")[:1]
    )
    # The sooner of the two, whichever is there (LEAST treats NULL differently on
    # SQLite and PostgreSQL; with each side coalesced to the other, it never sees one).
    return (
        concerns.annotate(rematch=rematch)
        .annotate(
            settled=Least(Coalesce("resolved_at", "rematch"), Coalesce("rematch", "resolved_at"))
        )
        .filter(_in(period, "settled") | Q(settled__isnull=True, status=ConcernStatus.OPEN))
        .values_list("created_at", "settled")
    )


def service_levels(
    scope: Scope, period: Period, cohort: Cohort | None, now: datetime
) -> ServiceLevels:
    """The three waits for the page's scope, weeks and cohort: three queries."""
    mentees = mentee_ids(scope, cohort)
    matched, unmatched = _split(_to_match(scope, period, mentees), now)
    met, not_met = _split(_to_first_session(scope, period, mentees), now)
    settled, open_ = _split(_to_resolution(scope, period, mentees), now)
    return ServiceLevels(
        period=period,
        to_match=Level(
            "to_match", _("Joining to first match"), matched, unmatched, _("not matched yet")
        ),
        to_first_session=Level(
            "to_first_session",
            _("Match to first held session"),
            met,
            not_met,
            _("no session held yet"),
        ),
        to_resolution=Level(
            "to_resolution",
            _("Concern to resolution or re-match"),
            settled,
            open_,
            _("concerns still open"),
        ),
    )


def recent_service_levels(scope: Scope, now: datetime, weeks: int) -> ServiceLevels:
    """The levels over the insights page's default weeks (for a home page)."""
    zone = ZoneInfo(scope.program.time_zone)
    first, last = default_period(now.astimezone(zone).date(), weeks)
    return service_levels(scope, Period.covering(first, last, zone), None, now)
