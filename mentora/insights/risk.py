"""Risk signals of a caseload: what each rule counts, when it fires, and in what words.

Every count is a correlated subquery annotated on the mentees' memberships, so a
caseload of any size costs one query (plus the prefetch of live mentors), and
each subquery walks an index on the mentee (sessions by mentee and start,
mentorships by mentee and status). Thresholds and weights come from the
program's RiskPolicy; the score is the sum of the weights of the signals that fire.

Time boundaries ("in the last 4 weeks" means at or after now − 4 weeks):
- missed: a no-show whose session started in [now − window, now), or a late
  cancellation made at or after now − window;
- no recent session: the later of the last held session's start and the latest
  live mentorship's start is more than `no_session_weeks` before now;
- held without a goal, low feedback: sessions that started in [now − window, now);
- not a fit: a pulse answered, or a reflection written, at or after now − window,
  on a live mentorship;
- overdue: the mentee's own action items on a live mentorship, not done and due
  before today in the program's zone;
- unmarked: still "scheduled" at least the program's unmarked_flag_hours after its end;
- no mentor: no live mentorship now; waiting since the later of joining the program
  and the end of the last mentorship (a mentee who was never matched waits from
  the day they joined);
- no success manager: nobody is assigned to look after the mentee.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentora.insights.models import RiskPolicy
from mentora.matching.models import Concern, ConcernStatus, Pulse, PulseAnswer
from mentora.mentoring.models import ActionItem, Feedback, Reflection, StillMakesSense
from mentora.programs.models import LIVE_MENTORSHIP_STATUSES, Membership, Mentorship, Program
from mentora.scheduling.models import CancellationKind, Session, SessionStatus
from mentora.scheduling.queries import unmarked_sessions

NO_SHOWS = (SessionStatus.MENTEE_NO_SHOW, SessionStatus.MENTOR_NO_SHOW)
SIGNAL_COLUMNS = (
    "r_concerns",
    "r_not_a_fit_pulses",
    "r_not_a_fit_reflections",
    "r_missed",
    "r_last_held",
    "r_live_since",
    "r_no_goal",
    "r_low_feedback",
    "r_overdue",
    "r_unmarked",
    "r_last_ended",
    "joined_at",
    "success_manager_id",
)


class Signal(models.TextChoices):
    CONCERN = "concern", gettext_lazy("Open concern")
    NOT_A_FIT = "not_a_fit", gettext_lazy("“Not a fit”")
    NO_MENTOR = "no_mentor", gettext_lazy("No mentor")
    MISSED = "missed", gettext_lazy("Missed sessions")
    NO_SESSION = "no_session", gettext_lazy("No recent session")
    NO_SUCCESS_MANAGER = "no_success_manager", gettext_lazy("No success manager")
    NO_GOAL = "no_goal", gettext_lazy("Held without a goal")
    LOW_FEEDBACK = "low_feedback", gettext_lazy("Low feedback")
    OVERDUE = "overdue", gettext_lazy("Overdue action items")
    UNMARKED = "unmarked", gettext_lazy("Attendance not recorded")


@dataclass(frozen=True)
class Reason:
    """One signal firing for a mentee. Its words are written when read: a caseload
    ranks every mentee but shows one page of them."""

    signal: Signal
    weight: int
    words: Callable[..., str]  # called with no arguments (its numbers bound as defaults)

    @property
    def text(self) -> str:
        return self.words()

    @property
    def label(self) -> str:
        return str(self.signal.label)


@dataclass
class CaseRow:
    """One mentee of a caseload with the signals that fire for them. `membership`
    (with user, cohort and success manager) is loaded only for the rows shown."""

    membership_id: int
    name: str
    reasons: list[Reason] = field(default_factory=list)
    membership: Membership | None = None

    @property
    def score(self) -> int:
        return sum(r.weight for r in self.reasons)

    @property
    def signals(self) -> set[Signal]:
        return {r.signal for r in self.reasons}

    @property
    def level(self) -> str:
        """Words for the score, so the list reads without colour: high, watch, fine."""
        if self.score >= 40:
            return "high"
        return "watch" if self.score else "fine"


def _count(qs: QuerySet, mentee_path: str) -> Coalesce:
    """Rows of `qs` for the outer membership's mentee, as a correlated subquery."""
    per_mentee = (
        qs.filter(**{mentee_path: OuterRef("user_id")})
        .order_by()
        .values(mentee_path)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(per_mentee), 0)


def annotate_signals(
    memberships: QuerySet[Membership], program: Program, policy: RiskPolicy, now: datetime
) -> QuerySet[Membership]:
    """Add one column per signal (counts and the dates the rules need)."""
    since = now - timedelta(weeks=policy.window_weeks)
    today = now.astimezone(ZoneInfo(program.time_zone)).date()
    sessions = Session.objects.filter(program=program)
    reflection_window = timedelta(days=program.reflection_window_days + 1)
    live = Mentorship.objects.live().filter(program=program)
    return memberships.annotate(
        r_concerns=_count(
            Concern.objects.filter(program=program, status=ConcernStatus.OPEN),
            "mentorship__mentee",
        ),
        r_not_a_fit_pulses=_count(
            Pulse.objects.filter(
                mentorship__in=live, answer=PulseAnswer.NOT_A_FIT, answered_at__gte=since
            ),
            "mentorship__mentee",
        ),
        r_not_a_fit_reflections=_count(
            Reflection.objects.filter(
                session__mentorship__in=live,
                still_makes_sense=StillMakesSense.NO,
                created_at__gte=since,
                # Reflections are written within the program's window after a session:
                # bounding the session's start lets the (mentee, start) index do the work.
                session__starts_at__gte=since - reflection_window,
            ),
            "session__mentee",
        ),
        r_missed=_count(
            sessions.filter(
                Q(status__in=NO_SHOWS, starts_at__gte=since, starts_at__lt=now)
                | Q(
                    status=SessionStatus.CANCELLED,
                    cancellation_kind=CancellationKind.LATE,
                    cancelled_at__gte=since,
                )
            ),
            "mentee",
        ),
        r_last_held=Subquery(
            sessions.filter(mentee=OuterRef("user_id"), status=SessionStatus.HELD)
            .order_by("-starts_at")
            .values("starts_at")[:1]
        ),
        r_live_since=Subquery(
            live.filter(mentee=OuterRef("user_id")).order_by("-started_at").values("started_at")[:1]
        ),
        r_no_goal=_count(
            sessions.filter(
                status=SessionStatus.HELD, starts_at__gte=since, starts_at__lt=now
            ).filter(Q(agenda__isnull=True) | Q(agenda__goal="")),
            "mentee",
        ),
        r_low_feedback=_count(
            Feedback.objects.filter(
                session__program=program,
                rating__lte=policy.low_rating_max,
                session__starts_at__gte=since,
                session__starts_at__lt=now,
            ),
            "session__mentee",
        ),
        r_overdue=_count(
            # The mentee's own items, through the (owner, done_at, due_on) index.
            ActionItem.objects.filter(
                done_at__isnull=True,
                due_on__lt=today,
                mentorship__program=program,
                mentorship__status__in=LIVE_MENTORSHIP_STATUSES,
            ),
            "owner",
        ),
        r_unmarked=_count(unmarked_sessions(program, now), "mentee"),
        r_last_ended=Subquery(
            Mentorship.objects.filter(
                program=program, mentee=OuterRef("user_id"), ended_at__isnull=False
            )
            .order_by("-ended_at")
            .values("ended_at")[:1]
        ),
    )


def _weeks(w: int) -> str:
    return ngettext("the last %(n)d week", "the last %(n)d weeks", w) % {"n": w}


def _waiting_since(a: dict[str, Any], now: datetime) -> str:
    """'No mentor' in words: since when, and why that day (joined, or the last one ended)."""
    ended = a["r_last_ended"]
    since = max((t for t in (a["joined_at"], ended) if t), default=now)
    days = max((now - since).days, 0)
    words = {
        "days": days,
        "date": formats.date_format(timezone.localtime(since), "j F Y"),
    }
    if ended and ended >= a["joined_at"]:
        return (
            ngettext(
                "Waiting for a mentor for %(days)d day, "
                "since the last mentorship ended on %(date)s",
                "Waiting for a mentor for %(days)d days, "
                "since the last mentorship ended on %(date)s",
                days,
            )
            % words
        )
    return (
        ngettext(
            "Waiting for a mentor for %(days)d day, since joining on %(date)s",
            "Waiting for a mentor for %(days)d days, since joining on %(date)s",
            days,
        )
        % words
    )


def reasons_for(a: dict[str, Any], policy: RiskPolicy, now: datetime) -> list[Reason]:
    """The signals that fire for one mentee's counts, heaviest first (each worded
    only when read: see Reason)."""
    w = policy.window_weeks
    reasons: list[Reason] = []

    def fire(signal: Signal, weight: int, words: Callable[..., str]) -> None:
        if weight > 0:
            reasons.append(Reason(signal, weight, words))

    # Each lambda binds its numbers as defaults: they are worded later, if at all.
    if a["r_concerns"]:
        fire(
            Signal.CONCERN,
            policy.concern_weight,
            lambda n=a["r_concerns"]: (
                ngettext("%(n)d open concern", "%(n)d open concerns", n) % {"n": n}
            ),
        )
    said = a["r_not_a_fit_pulses"] + a["r_not_a_fit_reflections"]
    if said:
        fire(
            Signal.NOT_A_FIT,
            policy.not_a_fit_weight,
            lambda n=said: (
                ngettext(
                    "“Not a fit” said %(n)d time in a pulse or reflection in %(weeks)s",
                    "“Not a fit” said %(n)d times in a pulse or reflection in %(weeks)s",
                    n,
                )
                % {"n": n, "weeks": _weeks(w)}
            ),
        )
    if not a["r_live_since"]:
        # Nobody to hold a session with: the other session rules can't fire, this one does.
        fire(Signal.NO_MENTOR, policy.no_mentor_weight, lambda: _waiting_since(a, now))
    if a["r_missed"] >= policy.missed_threshold:
        fire(
            Signal.MISSED,
            policy.missed_weight,
            lambda n=a["r_missed"]: (
                ngettext(
                    "%(n)d missed session (late cancellations and no-shows) in %(weeks)s",
                    "%(n)d missed sessions (late cancellations and no-shows) in %(weeks)s",
                    n,
                )
                % {"n": n, "weeks": _weeks(w)}
            ),
        )
    reference = max((t for t in (a["r_last_held"], a["r_live_since"]) if t), default=None)
    if (
        a["r_live_since"]
        and reference
        and reference < now - timedelta(weeks=policy.no_session_weeks)
    ):
        fire(
            Signal.NO_SESSION,
            policy.no_session_weight,
            lambda days=(now - reference).days, since_held=bool(a["r_last_held"]): (
                _("No session held in %(days)d days (%(held)s)")
                % {
                    "days": days,
                    "held": (
                        _("since the last session")
                        if since_held
                        else _("since the mentorship started")
                    ),
                }
            ),
        )
    if a["success_manager_id"] is None:
        fire(
            Signal.NO_SUCCESS_MANAGER,
            policy.no_success_manager_weight,
            lambda: _("No success manager is assigned: nobody on staff looks after this mentee"),
        )
    if a["r_no_goal"] >= policy.no_goal_threshold:
        fire(
            Signal.NO_GOAL,
            policy.no_goal_weight,
            lambda n=a["r_no_goal"]: (
                ngettext(
                    "%(n)d session held without a written goal in %(weeks)s",
                    "%(n)d sessions held without a written goal in %(weeks)s",
                    n,
                )
                % {"n": n, "weeks": _weeks(w)}
            ),
        )
    if a["r_low_feedback"]:
        fire(
            Signal.LOW_FEEDBACK,
            policy.low_feedback_weight,
            lambda n=a["r_low_feedback"]: (
                ngettext(
                    "Feedback rated %(max)d/5 or lower on %(n)d session in %(weeks)s",
                    "Feedback rated %(max)d/5 or lower on %(n)d sessions in %(weeks)s",
                    n,
                )
                % {"max": policy.low_rating_max, "n": n, "weeks": _weeks(w)}
            ),
        )
    if a["r_overdue"] >= policy.overdue_threshold:
        fire(
            Signal.OVERDUE,
            policy.overdue_weight,
            lambda n=a["r_overdue"]: (
                ngettext("%(n)d overdue action item", "%(n)d overdue action items", n) % {"n": n}
            ),
        )
    if a["r_unmarked"]:
        fire(
            Signal.UNMARKED,
            policy.unmarked_weight,
            lambda n=a["r_unmarked"]: (
                ngettext(
                    "Attendance not recorded by the mentor for %(n)d session",
                    "Attendance not recorded by the mentor for %(n)d sessions",
                    n,
                )
                % {"n": n}
            ),
        )
    return sorted(reasons, key=lambda r: -r.weight)


def rank(
    memberships: QuerySet[Membership], program: Program, policy: RiskPolicy, now: datetime
) -> list[CaseRow]:
    """The mentees ordered by risk: score, then number of signals, then name.

    Only counts and names are fetched (no model instances): ordering needs every
    mentee, the page shows a few (`attach` loads those)."""
    annotated = annotate_signals(memberships.select_related(None), program, policy, now)
    columns = ["pk", "user__name", *SIGNAL_COLUMNS]
    rows = [
        CaseRow(a["pk"], a["user__name"], reasons_for(a, policy, now))
        for a in annotated.values(*columns)
    ]
    rows.sort(key=lambda r: (-r.score, -len(r.reasons), r.name.lower()))
    return rows


def attach(rows: list[CaseRow], memberships: QuerySet[Membership]) -> None:
    """Load the memberships of `rows` from `memberships`, with what it selects and prefetches."""
    loaded = memberships.in_bulk([r.membership_id for r in rows])
    for row in rows:
        row.membership = loaded[row.membership_id]


def has_live_mentorship_with(mentor_id: int, program: Program) -> Exists:
    return Exists(
        Mentorship.objects.live().filter(
            program=program, mentee=OuterRef("user_id"), mentor_id=mentor_id
        )
    )
