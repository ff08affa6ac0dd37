"""Reads for staff matching: suggestions for one mentee, the hard rules in words,
bulk-match choices and previews.

Who may match whom is decided in `mentora.matching.access` (suggestions: the
mentee's own success manager and program admins; bulk matching: admins); the
lookups here find the mentee or run and leave that decision to it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, Q, QuerySet, When
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentora.accounts.models import MentorProfile, User
from mentora.matching.engine.features import MentorFeatures
from mentora.matching.engine.scoring import Explanation
from mentora.matching.engine.suggestions import RankedMentor, ranked_mentors_for
from mentora.matching.models import BulkMatchRow, BulkMatchRun, BulkRunStatus
from mentora.programs import queries as program_queries
from mentora.programs.models import (
    LIVE_MENTORSHIP_STATUSES,
    EndReason,
    Membership,
    Mentorship,
    MentorshipStatus,
    Program,
    Role,
)
from mentora.programs.roster import queries as roster_queries

FACTOR_LABELS = {
    "stack": gettext_lazy("Stack"),
    "areas": gettext_lazy("Knowledge areas"),
    "experience": gettext_lazy("Experience"),
    "availability": gettext_lazy("Availability"),
    "language": gettext_lazy("Language"),
    "background": gettext_lazy("Shared background"),
}
SUGGESTIONS_SHOWN = 10

# --- lookups (access.py decides who may use them) ------------------------------------


def mentee_to_match(program: Program, mentee_id: int) -> Membership | None:
    """An active mentee's membership, with what the suggestions page shows of them."""
    return (
        Membership.objects.active()
        .filter(program=program, user_id=mentee_id, role=Role.MENTEE)
        .select_related("user", "user__mentee_profile", "cohort", "success_manager")
        .first()
    )


def run_in(program: Program, run_id: int) -> BulkMatchRun | None:
    return BulkMatchRun.objects.filter(pk=run_id, program=program).first()


# --- explanations as rows for templates and JSON ------------------------------------


@dataclass(frozen=True)
class Reason:
    name: str
    label: str
    points: float
    max_points: float
    reason: str


def reasons_of(explanation: Explanation) -> list[Reason]:
    return [
        Reason(f.name, str(FACTOR_LABELS.get(f.name, f.name)), f.points, f.max_points, f.reason)
        for f in explanation.factors
    ]


def reasons_json(explanation: Explanation) -> list[dict[str, object]]:
    """What a bulk-match row stores: the same reasons, rounded for reading."""
    return [
        {
            "name": r.name,
            "label": r.label,
            "points": round(r.points, 1),
            "max_points": round(r.max_points, 1),
            "reason": r.reason,
        }
        for r in reasons_of(explanation)
    ]


# --- hard rules, in words -------------------------------------------------------------


@dataclass(frozen=True)
class MenteeFacts:
    """What the hard rules need to know about one mentee, beyond the score matrix."""

    mentee_id: int
    languages: frozenset[str]
    not_a_fit_mentors: frozenset[int]
    current_mentors: frozenset[int]


def blocked_reason(facts: MenteeFacts, mentor: MentorFeatures, *, must_share_language: bool) -> str:
    """Why this mentor can't be matched with this mentee now ("" when they can)."""
    if mentor.user_id == facts.mentee_id:
        return _("This is the mentee themselves.")
    if mentor.user_id in facts.current_mentors:
        return _("Already their mentor.")
    if mentor.user_id in facts.not_a_fit_mentors:
        return _("An earlier mentorship of these two ended as not a fit.")
    if mentor.free <= 0:
        return _("Full: %(load)d of %(capacity)d places taken.") % {
            "load": mentor.load,
            "capacity": mentor.capacity,
        }
    if must_share_language and not (facts.languages & mentor.languages):
        return _("Shares no language with the mentee, which this program requires.")
    return ""


def mentee_facts(program: Program, mentee: User) -> MenteeFacts:
    ended = Mentorship.objects.filter(
        program=program,
        mentee=mentee,
        status=MentorshipStatus.ENDED,
        end_reason=EndReason.NOT_A_FIT,
    ).values_list("mentor_id", flat=True)
    live = Mentorship.objects.live().filter(program=program, mentee=mentee)
    profile = getattr(mentee, "mentee_profile", None)
    return MenteeFacts(
        mentee_id=mentee.pk,
        languages=frozenset(profile.languages if profile else ()),
        not_a_fit_mentors=frozenset(ended),
        current_mentors=frozenset(live.values_list("mentor_id", flat=True)),
    )


# --- suggestions for one mentee ---------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    mentor: MentorFeatures
    score: float
    reasons: list[Reason]
    blocked: str  # "" when the mentor may be matched

    @property
    def matchable(self) -> bool:
        return not self.blocked


@dataclass(frozen=True)
class SuggestionsPage:
    membership: Membership
    mentorships: list[Mentorship]
    matchable: list[Suggestion]
    blocked: list[Suggestion]
    matchable_total: int
    blocked_total: int

    @property
    def mentee(self) -> User:
        return self.membership.user

    @property
    def already_matched(self) -> bool:
        return bool(self.mentorships)

    @property
    def has_profile(self) -> bool:
        return hasattr(self.membership.user, "mentee_profile")


def suggestions(program: Program, mentee: User, ranked: Sequence[RankedMentor]) -> list[Suggestion]:
    facts = mentee_facts(program, mentee)
    return [
        Suggestion(
            mentor=r.mentor,
            score=r.score,
            reasons=reasons_of(r.staff_explanation),
            # The matrix's rules first (one scoring function), then the page's words for them.
            blocked=blocked_reason(facts, r.mentor, must_share_language=program.must_share_language)
            or ("" if r.feasible else _("Not allowed by the program's matching rules.")),
        )
        for r in ranked
    ]


def suggestions_page(
    *, program: Program, membership: Membership, now: datetime, shown: int = SUGGESTIONS_SHOWN
) -> SuggestionsPage:
    """Ranked mentors for one mentee (access.mentee_for_matching's), split into
    matchable and not.

    A fixed number of queries whatever the number of mentors (features are
    loaded in bulk; see features.load_mentors).
    """
    mentee = membership.user
    ranked = ranked_mentors_for(program, mentee.pk, now.date())
    everyone = suggestions(program, mentee, ranked)
    matchable = [s for s in everyone if s.matchable]
    blocked = [s for s in everyone if not s.matchable]
    return SuggestionsPage(
        membership=membership,
        mentorships=list(program_queries.live_mentorships_of_mentee(program, mentee)),
        matchable=matchable[:shown],
        blocked=blocked[:shown],
        matchable_total=len(matchable),
        blocked_total=len(blocked),
    )


def active_mentor(program: Program, mentor_id: int) -> User | None:
    """A mentor of the program by id, or None (junk ids, other programs, ex-mentors)."""
    try:
        return program_queries.mentor_in_program(program, mentor_id)
    except Http404:
        return None


# --- bulk matching: choices -------------------------------------------------------------------


def unmatched_mentees(
    program: Program, cohort_id: int | None = None, search: str = ""
) -> QuerySet[Membership]:
    """Active mentees without a live mentorship in the program (optionally of one
    cohort, optionally whose name or email contains `search`), by name."""
    live = Mentorship.objects.live().filter(program=program).values("mentee_id")
    mentees = (
        Membership.objects.active()
        .filter(program=program, role=Role.MENTEE)
        .exclude(user_id__in=live)
        .select_related("user", "cohort")
        .order_by("user__name", "user_id")
    )
    if search:
        mentees = mentees.filter(user_id__in=roster_queries.users_matching(search).values("pk"))
    return mentees.filter(cohort_id=cohort_id) if cohort_id is not None else mentees


def mentor_pool(program: Program, search: str = "") -> QuerySet[MentorProfile]:
    """The program's active mentors with capacity and live load (`live_load`), by name."""
    members = Membership.objects.active().filter(program=program, role=Role.MENTOR)
    if search:
        members = members.filter(user_id__in=roster_queries.users_matching(search).values("pk"))
    live = Q(
        user__mentorships_as_mentor__program=program,
        user__mentorships_as_mentor__status__in=LIVE_MENTORSHIP_STATUSES,
    )
    return (
        MentorProfile.objects.filter(user_id__in=members.values("user_id"))
        .select_related("user")
        .annotate(live_load=Count("user__mentorships_as_mentor", filter=live))
        .order_by("user__name", "user_id")
    )


LIST_PER_PAGE = 20


def listed_page(people: QuerySet[Any], number: str | None) -> Page[Any]:
    """One page of a side too large to tick one by one (the form says who it takes)."""
    return Paginator(people, LIST_PER_PAGE).get_page(number)


def with_room(pool: QuerySet[MentorProfile]) -> QuerySet[MentorProfile]:
    """The mentors of `pool` with a place left: who a new bulk match offers by default."""
    return pool.filter(capacity__gt=F("live_load"))


# --- bulk matching: the preview -----------------------------------------------------------------


@dataclass(frozen=True)
class MentorLoad:
    mentor: User
    capacity: int
    live_now: int
    proposed: int

    @property
    def after(self) -> int:
        return self.live_now + self.proposed

    @property
    def over(self) -> bool:
        return self.after > self.capacity


PREVIEW_PER_PAGE = 50
LOADS_PER_PAGE = 50


class Show:
    """Which rows of a preview are listed."""

    ALL = ""
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    CHOICES = (ALL, MATCHED, UNMATCHED)


@dataclass(frozen=True)
class PreviewFilters:
    """What a preview page lists: a search on mentee or mentor, which rows, which pages."""

    search: str = ""
    show: str = Show.ALL
    page: str | None = None
    mentors_page: str | None = None


@dataclass(frozen=True)
class PreviewPage:
    """One page of a run's rows, with the whole run's counts and one page of loads.

    Built in a fixed number of queries whatever the run's size: the counts are
    aggregates, and only the rows and mentors shown are read whole.
    """

    run: BulkMatchRun
    filters: PreviewFilters
    rows: Page[BulkMatchRow]  # this page's rows, matched first by fit
    matched_count: int  # in the whole run
    unmatched_count: int
    loads: Page[MentorLoad]  # most proposed first
    over_capacity: int  # mentors the run would take over capacity now
    conflicts: dict[int, str]  # this page's row id -> what changed since the preview
    conflict_count: int  # in the whole run
    pool: list[User]  # the mentor pool, for pinning
    excluded: list[tuple[User, User]]  # (mentee, mentor) pairs never to propose

    @property
    def matched(self) -> list[BulkMatchRow]:
        return [r for r in self.rows if r.mentor_id is not None]

    @property
    def unmatched(self) -> list[BulkMatchRow]:
        return [r for r in self.rows if r.mentor_id is None]

    @property
    def mentee_count(self) -> int:
        return self.matched_count + self.unmatched_count

    @property
    def average(self) -> float:
        return self.run.total_score / self.matched_count if self.matched_count else 0.0


def run_rows(run: BulkMatchRun) -> list[BulkMatchRow]:
    return list(
        run.rows.select_related(
            "mentee", "mentor", "mentor__mentor_profile", "mentorship"
        ).order_by("-score", "mentee__name", "mentee_id")
    )


def run_rows_to_pin(run: BulkMatchRun) -> list[BulkMatchRow]:
    """The run's rows with only what a pin or an exclusion is checked against."""
    return list(
        run.rows.select_related("mentee")
        .only("pk", "run_id", "mentee_id", "mentor_id", "mentee__id", "mentee__name")
        .order_by("mentee__name", "mentee_id")
    )


def _pair_ids(value: object) -> list[tuple[int, int]]:
    if not isinstance(value, list):
        return []
    return [(int(p[0]), int(p[1])) for p in value if isinstance(p, list | tuple) and len(p) == 2]


def run_pins(run: BulkMatchRun) -> list[tuple[int, int]]:
    return _pair_ids(run.parameters.get("pins"))


def run_exclusions(run: BulkMatchRun) -> list[tuple[int, int]]:
    return _pair_ids(run.parameters.get("excluded"))


def run_mentor_ids(run: BulkMatchRun) -> list[int]:
    value = run.parameters.get("mentors", [])
    return [int(v) for v in value] if isinstance(value, list) else []


def run_pool(run: BulkMatchRun) -> list[User]:
    """The run's mentor pool as it is now (people who left the program drop out)."""
    pool = mentor_pool(run.program).filter(user_id__in=run_mentor_ids(run))
    return [p.user for p in pool]


class PairRow(NamedTuple):
    """What publish_conflicts reads of a row: a preview passes these, not whole rows."""

    pk: int
    mentee_id: int
    mentor_id: int | None


def publish_conflicts(
    run: BulkMatchRun, rows: Sequence[BulkMatchRow] | Sequence[PairRow]
) -> dict[int, str]:
    """Rows whose pair can't be started any more, with what changed since the preview.

    A fixed number of queries for the whole run. bulk_publish calls it after
    locking every person of the run, so what it finds still holds at creation.
    """
    pairs = [r for r in rows if r.mentor_id is not None]
    # The run's pairs as subqueries, not lists of ids: a national run has more
    # people than a query may carry parameters (SQLite allows 32,766).
    run_pairs = BulkMatchRow.objects.filter(run=run, mentor__isnull=False)
    mentee_ids = run_pairs.values("mentee_id")
    mentor_ids = run_pairs.values("mentor_id")
    program = run.program
    active = Membership.objects.active().filter(program=program)
    mentees_now = set(
        active.filter(role=Role.MENTEE, user_id__in=mentee_ids).values_list("user_id", flat=True)
    )
    mentors_now = set(
        active.filter(role=Role.MENTOR, user_id__in=mentor_ids).values_list("user_id", flat=True)
    )
    matched_meanwhile = set(
        Mentorship.objects.live()
        .filter(program=program, mentee_id__in=mentee_ids)
        .values_list("mentee_id", flat=True)
    )
    not_a_fit = set(
        Mentorship.objects.filter(
            program=program,
            mentee_id__in=mentee_ids,
            status=MentorshipStatus.ENDED,
            end_reason=EndReason.NOT_A_FIT,
        ).values_list("mentee_id", "mentor_id")
    )
    pool = mentor_pool(program).filter(user_id__in=mentor_ids)
    room = {
        user_id: capacity - live
        for user_id, capacity, live in pool.values_list("user_id", "capacity", "live_load")  # type: ignore[misc]
    }
    wanted = Counter(r.mentor_id for r in pairs)
    conflicts: dict[int, str] = {}
    for row in pairs:
        assert row.mentor_id is not None
        if row.mentee_id not in mentees_now:
            conflicts[row.pk] = _("The mentee is no longer an active mentee of the program.")
        elif row.mentor_id not in mentors_now:
            conflicts[row.pk] = _("The mentor is no longer an active mentor of the program.")
        elif row.mentee_id in matched_meanwhile:
            conflicts[row.pk] = _("The mentee was matched with a mentor since this preview.")
        elif (row.mentee_id, row.mentor_id) in not_a_fit:
            conflicts[row.pk] = _("A mentorship of these two has since ended as not a fit.")
        elif wanted[row.mentor_id] > room.get(row.mentor_id, 0):
            conflicts[row.pk] = _no_room_left(
                max(0, room.get(row.mentor_id, 0)), wanted[row.mentor_id]
            )
    return conflicts


def _no_room_left(left: int, wanted: int) -> str:
    return ngettext(
        "The mentor has %(left)d place left now, and this preview gives them %(wanted)d.",
        "The mentor has %(left)d places left now, and this preview gives them %(wanted)d.",
        left,
    ) % {"left": left, "wanted": wanted}


def _listed_rows(run: BulkMatchRun, filters: PreviewFilters) -> QuerySet[BulkMatchRow]:
    rows = run.rows.all()
    if filters.show == Show.MATCHED:
        rows = rows.filter(mentor__isnull=False)
    elif filters.show == Show.UNMATCHED:
        rows = rows.filter(mentor__isnull=True)
    if filters.search:
        people = roster_queries.users_matching(filters.search).values("pk")
        rows = rows.filter(Q(mentee_id__in=people) | Q(mentor_id__in=people))
    unmatched_last = Case(When(mentor__isnull=True, then=1), default=0)
    return rows.select_related("mentee", "mentor", "mentorship").order_by(
        unmatched_last, "-score", "mentee__name", "mentee_id"
    )


def _loads(run: BulkMatchRun) -> list[MentorLoad]:
    """Every mentor of the run's pool with their load, most proposed first.

    Read as values, not whole profiles: a national pool has 20,000 mentors.
    """
    proposed = dict(
        run.rows.filter(mentor__isnull=False)
        .values_list("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    pool = mentor_pool(run.program).filter(user_id__in=run_mentor_ids(run))
    loads = [
        MentorLoad(User(pk=user_id, name=name), capacity, live, proposed.get(user_id, 0))
        for user_id, name, capacity, live in pool.values_list(  # type: ignore[misc]
            "user_id", "user__name", "capacity", "live_load"
        )
    ]
    return sorted(loads, key=lambda x: (-x.proposed, x.mentor.name, x.mentor.pk))


def preview_page(run: BulkMatchRun, filters: PreviewFilters | None = None) -> PreviewPage:

    filters = filters or PreviewFilters()
    counts = run.rows.aggregate(
        matched=Count("pk", filter=Q(mentor__isnull=False)),
        unmatched=Count("pk", filter=Q(mentor__isnull=True)),
    )
    rows = Paginator(_listed_rows(run, filters), PREVIEW_PER_PAGE).get_page(filters.page)
    loads = _loads(run)
    all_conflicts = {}
    if run.status == BulkRunStatus.PREVIEW:
        # Only what publish_conflicts reads: the whole run is checked, a page is shown.
        pairs = run.rows.filter(mentor__isnull=False).values_list("pk", "mentee_id", "mentor_id")
        all_conflicts = publish_conflicts(run, [PairRow(*pair) for pair in pairs])
    excluded = run_exclusions(run)
    people = User.objects.in_bulk({i for pair in excluded for i in pair})
    return PreviewPage(
        run=run,
        filters=filters,
        rows=rows,
        matched_count=counts["matched"],
        unmatched_count=counts["unmatched"],
        loads=Paginator(loads, LOADS_PER_PAGE).get_page(filters.mentors_page),
        over_capacity=sum(1 for load in loads if load.over),
        conflicts={r.pk: all_conflicts[r.pk] for r in rows if r.pk in all_conflicts},
        conflict_count=len(all_conflicts),
        pool=sorted((load.mentor for load in loads), key=lambda u: (u.name, u.pk)),
        excluded=[(people[a], people[b]) for a, b in excluded if a in people and b in people],
    )


def recent_runs(program: Program, limit: int = 10) -> QuerySet[BulkMatchRun]:
    return (
        BulkMatchRun.objects.filter(program=program)
        .select_related("created_by")
        .annotate(
            pair_count=Count("rows", filter=Q(rows__mentor__isnull=False)),
            row_count=Count("rows"),
        )
        .order_by("-created_at", "-pk")[:limit]
    )
