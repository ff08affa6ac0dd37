"""Staff matching writes: one-click match from suggestions, and whole-cohort bulk matching.

Every mentorship is started by `lifecycle.services.mentorship_start`, so capacity,
withdrawal of open requests and notices work as for any other match.

Bulk matching is preview first: `bulk_preview` scores the chosen mentees
against the chosen mentor pool a block of mentees at a time, solves the
assignment (assignment.match_in_blocks) and stores the proposal as a
BulkMatchRun in status "preview" with one row per mentee; nothing else is
created. `bulk_publish` then starts exactly the previewed pairs.

Publishing is all-or-nothing. If anything changed since the preview (a mentor
became full or left, a mentee got matched meanwhile, a pair ended as "not a
fit"), nothing is created, the run stays a preview and each affected row is
reported with what changed; the admin re-runs the preview (`bulk_revise`) and
publishes that. Why not skip the stale rows: the admin approved a whole
assignment, and an optimal assignment minus some pairs is neither what they saw
nor optimal any more (the freed places would be better used elsewhere).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentora.clock import now_or_current
from mentora.matching.engine.assignment import NO_CAPACITY, PinError, match_in_blocks
from mentora.matching.engine.features import (
    MenteeFeatures,
    MentorFeatures,
    load_mentees,
    load_mentors,
    not_a_fit_pairs,
    vectorise,
)
from mentora.matching.engine.scoring import RowScorer, Weights, explain_pairs
from mentora.matching.engine.suggestions import ranked_mentors_for
from mentora.matching.errors import MatchingCode, MatchingError
from mentora.matching.lifecycle.rhythm import regular_time_propose
from mentora.matching.lifecycle.services import (
    StartsRefused,
    mentorship_start,
    mentorships_start,
)
from mentora.matching.models import BulkMatchRow, BulkMatchRun, BulkObjective, BulkRunStatus
from mentora.matching.staff import queries as q
from mentora.programs.models import Mentorship, Program
from mentora.scheduling.locking import lock_people

if TYPE_CHECKING:
    from mentora.accounts.models import User

Pair = tuple[int, int]  # (mentee user id, mentor user id)
NO_PROFILE = gettext_lazy("Hasn't filled in a mentee profile yet")
NO_ALLOWED_MENTOR = gettext_lazy(
    "The rules allow none of the chosen mentors (a past “not a fit”, no shared language, or self)"
)


class PublishConflict(MatchingError):
    """Some previewed pairs can't be started any more; `rows` says which and why."""

    def __init__(self, rows: dict[int, str]) -> None:
        count = len(rows)
        super().__init__(
            MatchingCode.CHANGED,
            ngettext(
                "%(count)d pair can't be started any more, so nothing was created. "
                "Run the preview again to match with what is true now.",
                "%(count)d pairs can't be started any more, so nothing was created. "
                "Run the preview again to match with what is true now.",
                count,
            )
            % {"count": count},
        )
        self.rows = rows


# --- one by one -----------------------------------------------------------------------


def match_from_suggestion(
    *, program: Program, mentee: User, mentor_id: int, by: User, now: datetime | None = None
) -> Mentorship:
    """Start a mentorship with a suggested mentor, in one click.

    Steps: find the mentor among the program's mentors; lock both people; refuse
    if the mentee got a mentor meanwhile (a second click, or a colleague was
    quicker); re-check the pair with the same ranking and hard rules the page
    showed (full, "not a fit" before, self, shared language); start it and
    propose its regular time (lifecycle.rhythm).
    """
    now = now_or_current(now)
    mentor = q.active_mentor(program, mentor_id)
    if mentor is None:
        raise MatchingError(
            MatchingCode.NOT_A_MENTOR,
            _("That person isn't a mentor in this program."),
            field="mentor",
        )
    with transaction.atomic():
        lock_people(mentor.pk, mentee.pk)
        current = Mentorship.objects.live().filter(program=program, mentee=mentee)
        if current.exists():
            raise MatchingError(
                MatchingCode.MENTEE_MATCHED,
                _("%(mentee)s already has a mentor.") % {"mentee": mentee.name},
            )
        ranked = ranked_mentors_for(program, mentee.pk, now.date(), mentor_ids=[mentor.pk])
        checked = q.suggestions(program, mentee, ranked)
        if not checked or not checked[0].matchable:
            why = checked[0].blocked if checked else _("There is no profile to match on yet.")
            raise MatchingError(
                MatchingCode.NOT_MATCHABLE,
                _("%(mentor)s can't be matched: %(why)s") % {"mentor": mentor.name, "why": why},
            )
        mentorship = mentorship_start(program=program, mentor=mentor, mentee=mentee, now=now)
        regular_time_propose(mentorship=mentorship, now=now)
        return mentorship


# --- whole cohort: preview ---------------------------------------------------------------


def _check_selection(
    program: Program, mentee_ids: Sequence[int], mentor_ids: Sequence[int]
) -> None:
    if not mentee_ids:
        raise MatchingError(
            MatchingCode.NO_MENTEES, _("Choose at least one mentee."), field="mentees"
        )
    if not mentor_ids:
        raise MatchingError(
            MatchingCode.NO_MENTORS, _("Choose at least one mentor."), field="mentors"
        )
    open_mentees = set(
        q.unmatched_mentees(program)
        .filter(user_id__in=mentee_ids)
        .values_list("user_id", flat=True)
    )
    stray = len(set(mentee_ids) - open_mentees)
    if stray:
        raise MatchingError(
            MatchingCode.MENTEES_CHANGED,
            _(
                "%(count)d of the chosen mentees aren't unmatched mentees of this program "
                "(any more). Reload the page and choose again."
            )
            % {"count": stray},
            field="mentees",
        )
    pool = set(
        q.mentor_pool(program).filter(user_id__in=mentor_ids).values_list("user_id", flat=True)
    )
    stray = len(set(mentor_ids) - pool)
    if stray:
        raise MatchingError(
            MatchingCode.MENTORS_CHANGED,
            _("%(count)d of the chosen mentors aren't mentors of this program (any more).")
            % {"count": stray},
            field="mentors",
        )


def _check_pairs(
    pins: Sequence[Pair],
    excluded: Sequence[Pair],
    mentee_ids: Sequence[int],
    mentor_ids: Sequence[int],
) -> None:
    mentees, mentors = set(mentee_ids), set(mentor_ids)
    for field, code, pairs in (
        ("pins", MatchingCode.PINS_OUTSIDE, pins),
        ("excluded", MatchingCode.EXCLUDED_OUTSIDE, excluded),
    ):
        if any(a not in mentees or b not in mentors for a, b in pairs):
            raise MatchingError(
                code,
                _(
                    "A pinned or excluded pair names someone outside the chosen mentees "
                    "and mentors."
                ),
                field=field,
            )
    twice = [a for a, n in Counter(a for a, _ in pins).items() if n > 1]
    if twice:
        raise MatchingError(
            MatchingCode.PINNED_TWICE, _("A mentee can be pinned to one mentor only."), field="pins"
        )
    both = set(pins) & set(excluded)
    if both:
        raise MatchingError(
            MatchingCode.PINNED_AND_EXCLUDED,
            _("A pair can't be both pinned and excluded."),
            field="pins",
        )


def _pin_problem(
    mentee: MenteeFeatures,
    mentor: MentorFeatures,
    *,
    not_a_fit: set[Pair],
    must_share_language: bool,
    pins_on_mentor: int,
) -> str:
    facts = q.MenteeFacts(
        mentee_id=mentee.user_id,
        languages=mentee.languages,
        not_a_fit_mentors=frozenset(b for a, b in not_a_fit if a == mentee.user_id),
        current_mentors=frozenset(),
    )
    why = q.blocked_reason(facts, mentor, must_share_language=must_share_language)
    if not why and pins_on_mentor > mentor.free:
        why = ngettext(
            "%(pinned)d mentees are pinned to them and they have %(free)d place left.",
            "%(pinned)d mentees are pinned to them and they have %(free)d places left.",
            mentor.free,
        ) % {"pinned": pins_on_mentor, "free": mentor.free}
    return why


def _unmatched_words(reason: str, min_score: int, closest: tuple[str, float] | None) -> str:
    if reason == NO_CAPACITY:
        return _("No capacity left: the mentors who fit have no places left")
    if closest is None:
        return str(NO_ALLOWED_MENTOR)
    name, score = closest
    return _("No mentor above the minimum fit of %(min)d (closest: %(name)s, %(score).0f)") % {
        "min": min_score,
        "name": name[:60],
        "score": score,
    }


def _check_pins(
    pinned: Sequence[tuple[int, int]],
    mentees: Sequence[MenteeFeatures],
    mentors: Sequence[MentorFeatures],
    *,
    not_a_fit: set[Pair],
    must_share_language: bool,
) -> None:
    """Refuse a pin that breaks a hard rule, naming the people and the rule."""
    pins_per_mentor = Counter(j for _, j in pinned)
    for i, j in pinned:
        problem = _pin_problem(
            mentees[i],
            mentors[j],
            not_a_fit=not_a_fit,
            must_share_language=must_share_language,
            pins_on_mentor=pins_per_mentor[j],
        )
        if problem:
            raise MatchingError(
                MatchingCode.BAD_PIN,
                _("%(mentee)s can't be pinned to %(mentor)s: %(problem)s")
                % {"mentee": mentees[i].name, "mentor": mentors[j].name, "problem": problem},
                field="pins",
            )


@dataclass(frozen=True)
class _Proposal:
    rows: list[BulkMatchRow]
    total: float


def _propose(
    program: Program,
    reference: date,
    *,
    mentee_ids: Sequence[int],
    mentor_ids: Sequence[int],
    objective: str,
    min_score: int,
    pins: Sequence[Pair],
    excluded: Sequence[Pair],
) -> _Proposal:
    """Score, solve and explain: one unsaved row per mentee, and the total fit."""
    mentees = load_mentees(program, reference, mentee_ids)
    mentors = load_mentors(program, reference, mentor_ids)
    rows = {m.user_id: i for i, m in enumerate(mentees)}
    cols = {m.user_id: j for j, m in enumerate(mentors)}
    weights = Weights.from_program(program)
    not_a_fit = not_a_fit_pairs(program)
    arrays = vectorise(mentees, mentors)
    # Scored a block of mentees at a time: no mentees x mentors matrix is ever held.
    scorer = RowScorer(
        *arrays, weights, not_a_fit=not_a_fit, must_share_language=program.must_share_language
    )
    pinned = [(rows[a], cols[b]) for a, b in pins if a in rows and b in cols]
    barred = [(rows[a], cols[b]) for a, b in excluded if a in rows and b in cols]
    _check_pins(
        pinned,
        mentees,
        mentors,
        not_a_fit=not_a_fit,
        must_share_language=program.must_share_language,
    )
    try:
        result = match_in_blocks(
            scorer,
            arrays[1].free,
            objective="most_matched" if objective == BulkObjective.MOST_MATCHED else "total_fit",
            min_score=float(min_score),
            pinned=pinned,
            excluded=barred,
        )
    except PinError as error:  # _check_pins says it better first; kept as a net
        raise MatchingError(MatchingCode.BAD_PIN, str(error), field="pins") from error
    explanations = explain_pairs(  # staff review the pairs: reasons name the mentee
        mentees, mentors, arrays, [(i, j) for i, j, _ in result.pairs], weights, to_staff=True
    )
    pinned_set = set(pinned)
    new_rows = [
        BulkMatchRow(
            mentee_id=mentees[i].user_id,
            mentor_id=mentors[j].user_id,
            score=_clamp(score),
            pinned=(i, j) in pinned_set,
            reasons=q.reasons_json(explanation),
        )
        for (i, j, score), explanation in zip(result.pairs, explanations, strict=True)
    ]
    # For "no mentor above the minimum", name the closest one the rules allow.
    for i, why in result.unmatched.items():
        best = result.closest.get(i)
        closest = (mentors[best[0]].name, best[1]) if best is not None else None
        new_rows.append(
            BulkMatchRow(
                mentee_id=mentees[i].user_id,
                unmatched_reason=_unmatched_words(why, min_score, closest),
            )
        )
    new_rows += [
        BulkMatchRow(mentee_id=a, unmatched_reason=str(NO_PROFILE))
        for a in mentee_ids
        if a not in rows
    ]
    return _Proposal(rows=new_rows, total=result.total)


def bulk_preview(
    *,
    program: Program,
    by: User,
    mentee_ids: Sequence[int],
    mentor_ids: Sequence[int],
    objective: str,
    min_score: int,
    pins: Sequence[Pair] = (),
    excluded: Sequence[Pair] = (),
    cohort_id: int | None = None,
    now: datetime | None = None,
) -> BulkMatchRun:
    """Propose a whole-cohort match and store it as a preview; create no mentorship.

    Steps: check the selection (unmatched mentees and mentors of this program,
    pins and exclusions inside it, pins obeying the hard rules and capacities);
    load features and score every pair with the program's weights; solve the
    assignment for the objective; explain each chosen pair; save the run and
    one row per mentee (the pair with its reasons, or why they stay unmatched).
    """
    now = now_or_current(now)
    if objective not in BulkObjective.values:
        raise MatchingError(
            MatchingCode.BAD_OBJECTIVE, _("Choose an objective."), field="objective"
        )
    if not 0 <= min_score <= 100:
        raise MatchingError(
            MatchingCode.BAD_MIN_SCORE, _("The minimum fit is 0 to 100."), field="min_score"
        )
    mentee_ids, mentor_ids = _unique(mentee_ids), _unique(mentor_ids)
    pins, excluded = _unique_pairs(pins), _unique_pairs(excluded)
    _check_selection(program, mentee_ids, mentor_ids)
    _check_pairs(pins, excluded, mentee_ids, mentor_ids)
    parameters: dict[str, Any] = {
        "cohort": cohort_id,
        "mentees": mentee_ids,
        "mentors": mentor_ids,
        "pins": [list(p) for p in pins],
        "excluded": [list(p) for p in excluded],
    }
    if is_large_match(len(mentee_ids), len(mentor_ids)):
        return _preview_in_worker(
            program=program,
            by=by,
            objective=objective,
            min_score=min_score,
            parameters=parameters,
            now=now,
        )
    proposal = _propose(
        program,
        now.date(),
        mentee_ids=mentee_ids,
        mentor_ids=mentor_ids,
        objective=objective,
        min_score=min_score,
        pins=pins,
        excluded=excluded,
    )
    with transaction.atomic():
        run = BulkMatchRun(
            program=program,
            created_by=by,
            created_at=now,
            objective=objective,
            min_score=min_score,
            parameters=parameters,
            total_score=proposal.total,
        )
        run.full_clean()
        run.save()
        for row in proposal.rows:
            row.run = run
        BulkMatchRow.objects.bulk_create(proposal.rows, batch_size=PUBLISH_BATCH)
    return run


def is_large_match(mentees: int, mentors: int) -> bool:
    """Whether a match of this size is worked out by the worker rather than in
    the request (settings.MENTORA_BULK_MATCH_JOB_PAIRS: mentees × mentors)."""
    return mentees * mentors > settings.MENTORA_BULK_MATCH_JOB_PAIRS


def _preview_in_worker(
    *,
    program: Program,
    by: User,
    objective: str,
    min_score: int,
    parameters: dict[str, Any],
    now: datetime,
) -> BulkMatchRun:
    """Store the run as computing, with no rows yet; the worker's `compute_job`
    proposes the match and makes it a preview (its page follows the progress)."""
    from mentora.matching import jobs

    with transaction.atomic():
        run = BulkMatchRun(
            program=program,
            created_by=by,
            created_at=now,
            objective=objective,
            min_score=min_score,
            parameters=parameters,
            status=BulkRunStatus.COMPUTING,
            progress_total=len(parameters["mentees"]),
            job_started_at=now,
        )
        run.full_clean()
        run.save()
        transaction.on_commit(lambda: jobs.bulk_match_compute.enqueue(run.pk))
    return run


def compute_job(*, run_id: int, now: datetime | None = None) -> str:
    """What the worker runs for a large match: propose it and make the run a preview.

    A run no longer computing (done by another worker, the task run twice, or
    discarded) is left as it is. The proposal is computed outside any
    transaction (it reads only), then stored under the run's lock if it is
    still computing. A refusal (someone in the selection changed meanwhile, a
    pin that no longer holds) leaves the run failed with the reason in words;
    staff run a new one. Returns the status it left.
    """
    now = now_or_current(now)
    run = BulkMatchRun.objects.select_related("program").filter(pk=run_id).first()
    if run is None or run.status != BulkRunStatus.COMPUTING:
        return run.status if run is not None else BulkRunStatus.DISCARDED
    params = run.parameters
    try:
        mentee_ids, mentor_ids = list(params["mentees"]), list(params["mentors"])
        pins, excluded = q.run_pins(run), q.run_exclusions(run)
        _check_selection(run.program, mentee_ids, mentor_ids)
        proposal = _propose(
            run.program,
            now.date(),
            mentee_ids=mentee_ids,
            mentor_ids=mentor_ids,
            objective=run.objective,
            min_score=run.min_score,
            pins=pins,
            excluded=excluded,
        )
    except MatchingError as error:
        return _job_failed(run, BulkRunStatus.FAILED, error.message, now)
    except Exception:
        _job_failed(run, BulkRunStatus.FAILED, str(JOB_FAILED), now)
        raise  # the worker records the traceback
    with transaction.atomic():
        if _lock_run(run) != BulkRunStatus.COMPUTING:
            return BulkMatchRun.objects.get(pk=run.pk).status
        for row in proposal.rows:
            row.run = run
        BulkMatchRow.objects.bulk_create(proposal.rows, batch_size=PUBLISH_BATCH)
        BulkMatchRun.objects.filter(pk=run.pk).update(
            status=BulkRunStatus.PREVIEW,
            total_score=proposal.total,
            progress_done=run.progress_total,
            job_finished_at=now,
            job_error="",
        )
    return BulkRunStatus.PREVIEW


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(int(i) for i in ids))


def _unique_pairs(pairs: Iterable[Pair]) -> list[Pair]:
    return list(dict.fromkeys((int(a), int(b)) for a, b in pairs))


def _clamp(score: float) -> float:
    return round(min(100.0, max(0.0, score)), 3)


def bulk_revise(
    *,
    run: BulkMatchRun,
    by: User,
    pins: Sequence[Pair],
    excluded: Sequence[Pair],
    now: datetime | None = None,
) -> BulkMatchRun:
    """Discard a preview and propose again with new pins and more exclusions.

    The same mentees and mentors, minus anyone matched or gone since; earlier
    exclusions stay; `pins` replaces the earlier pins. One transaction: the old
    preview is discarded only if the new one is made.
    """
    program = run.program
    params = run.parameters
    mentee_ids = list(
        q.unmatched_mentees(program)
        .filter(user_id__in=params.get("mentees", []))
        .values_list("user_id", flat=True)
    )
    mentor_ids = list(
        q.mentor_pool(program)
        .filter(user_id__in=q.run_mentor_ids(run))
        .values_list("user_id", flat=True)
    )
    kept = set(mentee_ids), set(mentor_ids)
    excluded = [*q.run_exclusions(run), *excluded]
    with transaction.atomic():
        _discard(run)
        return bulk_preview(
            program=program,
            by=by,
            mentee_ids=mentee_ids,
            mentor_ids=mentor_ids,
            objective=run.objective,
            min_score=run.min_score,
            pins=[p for p in pins if p[0] in kept[0] and p[1] in kept[1]],
            excluded=[p for p in excluded if p[0] in kept[0] and p[1] in kept[1]],
            cohort_id=params.get("cohort"),
            now=now,
        )


# --- whole cohort: publish or discard --------------------------------------------------------


def _not_preview(run: BulkMatchRun) -> MatchingError:
    status = BulkMatchRun.objects.filter(pk=run.pk).values_list("status", flat=True).first()
    if status == BulkRunStatus.PUBLISHED:
        return MatchingError(MatchingCode.PUBLISHED, _("This bulk match is already published."))
    if status == BulkRunStatus.PUBLISHING:
        return MatchingError(
            MatchingCode.PUBLISHING, _("This bulk match is already being published.")
        )
    if status == BulkRunStatus.COMPUTING:
        return MatchingError(
            MatchingCode.COMPUTING, _("This bulk match is still being worked out. Wait a moment.")
        )
    if status == BulkRunStatus.FAILED:
        return MatchingError(
            MatchingCode.JOB_FAILED, _("Working out this bulk match failed. Run a new one.")
        )
    return MatchingError(MatchingCode.DISCARDED, _("This bulk match was discarded. Run a new one."))


def _discard(run: BulkMatchRun) -> None:
    discardable = [BulkRunStatus.PREVIEW, BulkRunStatus.FAILED]
    changed = BulkMatchRun.objects.filter(pk=run.pk, status__in=discardable).update(
        status=BulkRunStatus.DISCARDED
    )
    if changed != 1:
        raise _not_preview(run)


def bulk_publish(*, run: BulkMatchRun, by: User, now: datetime | None = None) -> list[Mentorship]:
    """Start exactly the previewed pairs, all or nothing, in one transaction and
    a fixed number of queries (lifecycle.mentorships_start).

    Steps: lock the run's row and refuse unless it is a preview or being
    published (a second publish, a second worker, or a discarded run is
    refused); lock every person of the run (ascending ids, as every booking and
    match does); check what changed since the preview, row by row, and refuse
    with the list if anything did; start every mentorship with its proposed
    regular time (each pair a different time where one mentor has several) and
    link it to its row; mark the run published. Any refusal rolls the whole
    publish back, the status included. The worker's job (`publish_job`) calls
    this; the publish page only queues it (`publish_request`).
    """
    now = now_or_current(now)
    with transaction.atomic():
        status = _lock_run(run)
        if status not in (BulkRunStatus.PREVIEW, BulkRunStatus.PUBLISHING):
            raise _not_preview(run)
        rows = [r for r in q.run_rows(run) if r.mentor is not None]
        lock_people(*{r.mentee_id for r in rows}, *{r.mentor_id for r in rows if r.mentor_id})
        conflicts = q.publish_conflicts(run, rows)
        if conflicts:
            raise PublishConflict(conflicts)
        pairs = [(row.mentor, row.mentee) for row in rows if row.mentor is not None]
        try:
            started = mentorships_start(program=run.program, pairs=pairs, by=by, now=now)
        except StartsRefused as refused:  # publish_conflicts should have said so first
            raise PublishConflict(
                {rows[i].pk: error.message for i, error in refused.pairs.items()}
            ) from refused
        for row, mentorship in zip(rows, started, strict=True):
            row.mentorship = mentorship
        BulkMatchRow.objects.bulk_update(rows, ["mentorship"], batch_size=PUBLISH_BATCH)
        BulkMatchRun.objects.filter(pk=run.pk).update(
            status=BulkRunStatus.PUBLISHED,
            published_at=now,
            progress_done=len(started),
            progress_total=len(started),
            job_finished_at=now,
            job_error="",
        )
    run.refresh_from_db()
    return started


# --- whole cohort as worker jobs: publishing, and computing a large match ------------------

PUBLISH_BATCH = 1000
JOB_FAILED = gettext_lazy(
    "Something went wrong in the background, so nothing was created. Try again; "
    "if it fails again, tell your Mentora administrator."
)


def _lock_run(run: BulkMatchRun) -> str:
    """Lock the run's row until the transaction ends; its status as it is now."""
    status = (
        BulkMatchRun.objects.select_for_update()
        .filter(pk=run.pk)
        .values_list("status", flat=True)
        .first()
    )
    return status or BulkRunStatus.DISCARDED


def _run_has_rows(run: BulkMatchRun) -> bool:
    return BulkMatchRow.objects.filter(run=run).exists()


def publish_request(*, run: BulkMatchRun, by: User, now: datetime | None = None) -> BulkMatchRun:
    """Publish a preview (or a run whose publish failed): in the worker if it is large.

    Steps, under the run's row lock: refuse unless it is a preview or a failed
    publish (a second click while it is publishing, a published or a discarded
    run are refused: nothing is published twice); mark it publishing with its
    number of pairs to do. Then a run of more pairs than
    settings.MENTORA_BULK_PUBLISH_JOB_PAIRS is queued for the worker after
    commit (`matching.jobs.bulk_publish_run`; its progress page follows it);
    a smaller one is published at once by the same `publish_job`, so the
    outcome (published, a preview again with what changed, or failed) is the
    same either way. Returns the run as it is now.
    """
    from mentora.matching import jobs

    now = now_or_current(now)
    with transaction.atomic():
        status = _lock_run(run)
        retry = status == BulkRunStatus.FAILED and _run_has_rows(run)
        if status != BulkRunStatus.PREVIEW and not retry:
            raise _not_preview(run)
        pairs = BulkMatchRow.objects.filter(run=run, mentor__isnull=False).count()
        BulkMatchRun.objects.filter(pk=run.pk).update(
            status=BulkRunStatus.PUBLISHING,
            progress_done=0,
            progress_total=pairs,
            job_started_at=now,
            job_finished_at=None,
            job_error="",
        )
        in_worker = is_large_publish(pairs)
        if in_worker:
            transaction.on_commit(lambda: jobs.bulk_publish_run.enqueue(run.pk, by.pk))
    if not in_worker:
        publish_job(run_id=run.pk, by_id=by.pk, now=now)
    run.refresh_from_db()
    return run


def is_large_publish(pairs: int) -> bool:
    """Whether publishing this many pairs is left to the worker (over
    settings.MENTORA_BULK_PUBLISH_JOB_PAIRS) rather than done in the request."""
    return pairs > settings.MENTORA_BULK_PUBLISH_JOB_PAIRS


def publish_job(*, run_id: int, by_id: int, now: datetime | None = None) -> str:
    """What the worker runs for a queued publish: bulk_publish, then the outcome on the run.

    Returns the status it left. A run no longer publishing (done by another
    worker, or the task run twice) is left as it is. If something changed since
    the preview, nothing is started and the run is a preview again, with the
    reason (its page lists the rows); any other error leaves it failed, with
    the reason in words, and nothing started: staff may publish again.
    """
    from mentora.accounts.models import User

    now = now_or_current(now)
    run = BulkMatchRun.objects.select_related("program").filter(pk=run_id).first()
    by = User.objects.filter(pk=by_id).first()
    if run is None or run.status != BulkRunStatus.PUBLISHING:
        return run.status if run is not None else BulkRunStatus.DISCARDED
    try:
        if by is None:
            raise MatchingError(MatchingCode.JOB_FAILED, str(JOB_FAILED))
        bulk_publish(run=run, by=by, now=now)
    except PublishConflict as conflict:
        return _job_failed(run, BulkRunStatus.PREVIEW, conflict.message, now)
    except MatchingError as error:
        return _job_failed(run, BulkRunStatus.FAILED, error.message, now)
    except Exception:
        _job_failed(run, BulkRunStatus.FAILED, str(JOB_FAILED), now)
        raise  # the worker records the traceback
    return BulkRunStatus.PUBLISHED


def _job_failed(run: BulkMatchRun, status: str, why: str, now: datetime) -> str:
    """Leave the run (if its job is still running) in `status`, with why; the
    status it is in now."""
    running = [BulkRunStatus.PUBLISHING, BulkRunStatus.COMPUTING]
    changed = BulkMatchRun.objects.filter(pk=run.pk, status__in=running).update(
        status=status, job_error=why[:300], job_finished_at=now
    )
    if changed:
        return status
    # Another worker finished it first (the refusal was "already published").
    found = BulkMatchRun.objects.filter(pk=run.pk).values_list("status", flat=True).first()
    return found or BulkRunStatus.DISCARDED


@dataclass(frozen=True)
class RunProgress:
    """What a run's page shows while the worker computes or publishes it."""

    run: BulkMatchRun
    working: bool  # computing or publishing: the page refreshes itself
    done: int
    total: int
    error: str
    can_publish_again: bool = False  # a failed publish: staff may try again

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def run_progress(run: BulkMatchRun) -> RunProgress | None:
    """The progress to show for a run, or None when there is none to show (a
    preview or a published run with no error): the preview page calls this and,
    when it isn't None, shows matching/staff/_run_progress.html with it."""
    working = run.status in (BulkRunStatus.COMPUTING, BulkRunStatus.PUBLISHING)
    if not working and not run.job_error:
        return None
    return RunProgress(
        run=run,
        working=working,
        done=run.progress_done,
        total=run.progress_total,
        error=run.job_error,
        can_publish_again=run.status == BulkRunStatus.FAILED and _run_has_rows(run),
    )


def bulk_discard(*, run: BulkMatchRun, by: User) -> BulkMatchRun:
    """Throw a preview away; it stays as a record, marked discarded."""
    _discard(run)
    run.refresh_from_db()
    return run
