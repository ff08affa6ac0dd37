"""Every pairing starts with a rhythm: a proposed regular time, and its confirmation.

A mentor request is accepted with a weekly time the mentor picks, so it starts
with a cadence. Pairings staff make (one by one, a published cohort match, a
re-match) have no one to pick, so Mentora proposes the soonest weekly time in
the mentor's hours that falls in the mentee's day (scheduling's pure
`propose_weekly_time`). Either party confirms it, which goes through
scheduling's `cadence_set` exactly as accepting a request does (the regular
sessions are booked by the same sync), or chooses another time on the cadence
page. A proposal only counts while the mentorship has no cadence: setting one
by any path makes it moot, so every reader filters on that.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from mentora.accounts.models import MenteeProfile
from mentora.clock import now_or_current
from mentora.matching.errors import MatchingCode, MatchingError
from mentora.matching.mentor_requests.queries import first_week_day
from mentora.matching.models import ProposedCadence
from mentora.programs.models import (
    LIVE_MENTORSHIP_STATUSES,
    Mentorship,
    MentorshipStatus,
    Program,
)
from mentora.scheduling.cadence.proposal import (
    MENTEE_DAY,
    ProposedTime,
    Rules,
    WeeklyRange,
    propose_weekly_time,
)
from mentora.scheduling.cadence.services import SyncResult, cadence_set
from mentora.scheduling.calendars import busy as calendar_busy
from mentora.scheduling.errors import SchedulingError
from mentora.scheduling.locking import lock_people
from mentora.scheduling.models import Cadence, Frequency, WeeklyHours
from mentora.scheduling.slots import Interval, day_bounds, local_to_utc

if TYPE_CHECKING:
    from mentora.accounts.models import User

MINUTES_PER_DAY = 24 * 60
BULK_BATCH = 1000  # proposals per INSERT when a cohort publish makes thousands


def _weekly_range(weekday: int, start: time, length_minutes: int) -> WeeklyRange:
    end = min(start.hour * 60 + start.minute + length_minutes, MINUTES_PER_DAY)
    # 24:00 is written 00:00, as hours that run to midnight are.
    return WeeklyRange(
        weekday, start, time(0) if end == MINUTES_PER_DAY else time(*divmod(end, 60))
    )


def _mentor_taken(mentorship: Mentorship) -> list[WeeklyRange]:
    """The weekly times the mentor's other live pairings hold or have been offered.

    Proposals count too, so a cohort publish giving one mentor two mentees
    proposes two different times. Every program counts: the mentor is one person.
    """
    others = Q(mentorship__mentor_id=mentorship.mentor_id) & Q(
        mentorship__status__in=LIVE_MENTORSHIP_STATUSES
    )
    taken = [
        _weekly_range(c.weekday, c.time_of_day, c.length_minutes)
        for c in Cadence.objects.filter(others).exclude(mentorship=mentorship)
    ]
    pending = ProposedCadence.objects.filter(others, mentorship__cadence__isnull=True)
    taken += [
        _weekly_range(p.weekday, p.time_of_day, p.length_minutes)
        for p in pending.exclude(mentorship=mentorship)
    ]
    return taken


def _mentee_day(mentorship: Mentorship) -> tuple[time, time]:
    """The hours the mentee said they can meet, or the default day without a profile."""
    hours = (
        MenteeProfile.objects.filter(user_id=mentorship.mentee_id)
        .values_list("meets_from", "meets_until")
        .first()
    )
    return hours or MENTEE_DAY


def _calendar_span(program: Program, mentor: User, now: datetime) -> tuple[date, Interval]:
    """The first day of regular sessions, and the mentor's calendar window over
    every week the sync would book at once from it."""
    first_day = first_week_day(program, mentor, now)
    span = day_bounds(
        first_day,
        first_day + timedelta(weeks=max(program.booking_window_weeks, 1)),
        ZoneInfo(mentor.time_zone),
    )
    return first_day, span


def _rules(program: Program) -> Rules:
    return Rules(
        length_minutes=program.default_session_minutes,
        buffer_before_minutes=program.buffer_before_minutes,
        buffer_after_minutes=program.buffer_after_minutes,
        grid_minutes=max(program.slot_grid_minutes, 15),  # as weekly_times offers them
        weeks=program.booking_window_weeks,
    )


def _proposal_row(
    mentorship: Mentorship, proposed: ProposedTime, now: datetime
) -> dict[str, object]:
    return {
        "weekday": proposed.weekday,
        "time_of_day": proposed.at,
        "time_zone": mentorship.mentor.time_zone,
        "length_minutes": mentorship.program.default_session_minutes,
        "starts_on": proposed.first_day,
        "created_at": now,
    }


def regular_time_propose(
    *, mentorship: Mentorship, now: datetime | None = None
) -> ProposedCadence | None:
    """Propose a regular time for a new mentorship without one; None when none fits.

    Called by the staff match and the re-match inside their transaction, after
    `mentorship_start` (a cohort publish proposes for all its pairs at once:
    `regular_times_propose`). Where nothing fits, both parties are asked to
    choose their regular time instead (see `rhythm_prompts_for`).
    """
    now = now_or_current(now)
    if Cadence.objects.filter(mentorship=mentorship).exists():
        return None
    program, mentor = mentorship.program, mentorship.mentor
    hours = [
        WeeklyRange(h.weekday, h.start_time, h.end_time)
        for h in WeeklyHours.objects.filter(mentor=mentor)
    ]
    first_day, span = _calendar_span(program, mentor, now)
    proposed = propose_weekly_time(
        hours=hours,
        taken=_mentor_taken(mentorship),
        mentor_zone=mentor.time_zone,
        mentee_zone=mentorship.mentee.time_zone,
        mentee_day=_mentee_day(mentorship),
        first_day=first_day,
        busy=calendar_busy.busy_intervals(mentor.pk, span),
        rules=_rules(program),
    )
    if proposed is None:
        ProposedCadence.objects.filter(mentorship=mentorship).delete()
        return None
    proposal, _created = ProposedCadence.objects.update_or_create(
        mentorship=mentorship, defaults=_proposal_row(mentorship, proposed, now)
    )
    return proposal


def regular_times_propose(
    *, mentorships: Sequence[Mentorship], now: datetime | None = None
) -> list[ProposedCadence]:
    """`regular_time_propose` for many new mentorships (without a cadence or a
    proposal yet: a cohort publish's) in a fixed number of queries.

    The same proposal each would get one after the other, in order: a mentor
    with several new mentees is proposed a different time for each, as the
    times already proposed count as taken. Returns the proposals made (pairs
    where nothing fits get none and are asked to choose).
    """
    now = now_or_current(now)
    if not mentorships:
        return []
    mentor_ids = {m.mentor_id for m in mentorships}
    new_ids = {m.pk for m in mentorships}
    hours: dict[int, list[WeeklyRange]] = defaultdict(list)
    for h in WeeklyHours.objects.filter(mentor_id__in=mentor_ids):
        hours[h.mentor_id].append(WeeklyRange(h.weekday, h.start_time, h.end_time))
    taken: dict[int, list[WeeklyRange]] = defaultdict(list)
    others = Q(mentorship__mentor_id__in=mentor_ids) & Q(
        mentorship__status__in=LIVE_MENTORSHIP_STATUSES
    )
    for c in (
        Cadence.objects.filter(others)
        .exclude(mentorship_id__in=new_ids)
        .values_list("mentorship__mentor_id", "weekday", "time_of_day", "length_minutes")
    ):
        taken[c[0]].append(_weekly_range(c[1], c[2], c[3]))
    pending = ProposedCadence.objects.filter(others, mentorship__cadence__isnull=True)
    for p in pending.exclude(mentorship_id__in=new_ids).values_list(
        "mentorship__mentor_id", "weekday", "time_of_day", "length_minutes"
    ):
        taken[p[0]].append(_weekly_range(p[1], p[2], p[3]))
    days = dict(
        (user_id, (start, until))
        for user_id, start, until in MenteeProfile.objects.filter(
            user_id__in={m.mentee_id for m in mentorships}
        ).values_list("user_id", "meets_from", "meets_until")
    )
    spans = {}
    for m in mentorships:
        if m.mentor_id not in spans:
            spans[m.mentor_id] = _calendar_span(m.program, m.mentor, now)
    busy: dict[int, list[Interval]] = defaultdict(list)
    if spans:
        window = (min(s[0] for _d, s in spans.values()), max(s[1] for _d, s in spans.values()))
        for owner_id, starts, ends in calendar_busy.busy_intervals_many(mentor_ids, window):
            span = spans[owner_id][1]
            if ends > span[0] and starts < span[1]:
                busy[owner_id].append((starts, ends))
    made = []
    for m in mentorships:
        first_day, _span = spans[m.mentor_id]
        proposed = propose_weekly_time(
            hours=hours[m.mentor_id],
            taken=taken[m.mentor_id],
            mentor_zone=m.mentor.time_zone,
            mentee_zone=m.mentee.time_zone,
            mentee_day=days.get(m.mentee_id, MENTEE_DAY),
            first_day=first_day,
            busy=busy[m.mentor_id],
            rules=_rules(m.program),
        )
        if proposed is None:
            continue
        taken[m.mentor_id].append(
            _weekly_range(proposed.weekday, proposed.at, m.program.default_session_minutes)
        )
        made.append(ProposedCadence(mentorship=m, **_proposal_row(m, proposed, now)))
    return ProposedCadence.objects.bulk_create(made, batch_size=BULK_BATCH)


def regular_time_confirm(
    *, mentorship: Mentorship, by: User, now: datetime | None = None
) -> SyncResult:
    """Make the proposed time the mentorship's cadence; its regular sessions are booked.

    Steps, in one transaction: lock both people; find the proposal (refused if
    there is none, or a cadence was agreed meanwhile); refuse a proposal made
    in a zone the mentor has since left (the time would mean another hour);
    set the cadence through `cadence_set` (party check, the sync) from the
    proposal's first week or, if that has passed, the first week now possible;
    drop the proposal.
    """
    now = now_or_current(now)
    with transaction.atomic():
        lock_people(mentorship.mentor_id, mentorship.mentee_id)
        proposal = ProposedCadence.objects.filter(mentorship=mentorship).first()
        if proposal is None or Cadence.objects.filter(mentorship=mentorship).exists():
            raise MatchingError(
                MatchingCode.NO_PROPOSAL,
                _("There is no proposed time to confirm any more; choose your regular time."),
            )
        if proposal.time_zone != mentorship.mentor.time_zone:
            proposal.delete()
            raise MatchingError(
                MatchingCode.PROPOSAL_STALE,
                _(
                    "The mentor has changed time zone since this time was proposed; "
                    "choose your regular time."
                ),
            )
        starts_on = max(
            proposal.starts_on, first_week_day(mentorship.program, mentorship.mentor, now)
        )
        try:
            result = cadence_set(
                mentorship=mentorship,
                by=by,
                frequency=Frequency.WEEKLY,
                weekday=proposal.weekday,
                time_of_day=proposal.time_of_day,
                length_minutes=proposal.length_minutes,
                starts_on=starts_on,
                now=now,
            )
        except SchedulingError as error:
            raise MatchingError(MatchingCode.BAD_TIME, error.message) from None
        proposal.delete()
    return result


# --- reads: what the homes, the schedule and the mentorship's pages show ----------------


@dataclass(frozen=True)
class RhythmPrompt:
    """A live pairing of the person's without a regular time: a proposal to
    confirm, or (proposal None) the ask to choose one."""

    mentorship: Mentorship
    proposal: ProposedCadence | None
    first_start: datetime | None  # the proposal's first session (UTC), if confirmed now

    @property
    def other(self) -> User:
        return self.mentorship.mentee if self.viewer_is_mentor else self.mentorship.mentor

    viewer_is_mentor: bool = False


def _first_start(
    proposal: ProposedCadence, program: Program, mentor: User, now: datetime
) -> datetime:
    earliest: date = max(proposal.starts_on, first_week_day(program, mentor, now))
    day = earliest + timedelta(days=(proposal.weekday - earliest.weekday()) % 7)
    return local_to_utc(day, proposal.time_of_day, ZoneInfo(proposal.time_zone))


def rhythm_prompt(
    mentorship: Mentorship, viewer: User, now: datetime | None = None
) -> RhythmPrompt | None:
    """For one mentorship: its prompt, or None when it has a cadence or isn't active."""
    now = now_or_current(now)
    if mentorship.status != MentorshipStatus.ACTIVE:
        return None
    if Cadence.objects.filter(mentorship=mentorship).exists():
        return None
    proposal = ProposedCadence.objects.filter(mentorship=mentorship).first()
    if proposal is not None and proposal.time_zone != mentorship.mentor.time_zone:
        proposal = None  # out of date: confirming it is refused, so ask to choose
    first = _first_start(proposal, mentorship.program, mentorship.mentor, now) if proposal else None
    return RhythmPrompt(
        mentorship=mentorship,
        proposal=proposal,
        first_start=first,
        viewer_is_mentor=mentorship.mentor_id == viewer.pk,
    )


def proposed_cadence_for(
    user: User, program: Program, now: datetime | None = None
) -> list[RhythmPrompt]:
    """The person's active pairings in the program that have no regular time yet,
    each with its proposed time or the ask to choose one (for the homes'
    "needs you now"; each links to `regular_time`)."""
    now = now_or_current(now)
    mentorships = (
        Mentorship.objects.filter(
            program=program, status=MentorshipStatus.ACTIVE, cadence__isnull=True
        )
        .filter(Q(mentor=user) | Q(mentee=user))
        .select_related("program", "mentor", "mentee")
        .order_by("started_at", "pk")
    )
    prompts = [rhythm_prompt(m, user, now) for m in mentorships]
    return [p for p in prompts if p is not None]


def cadence_page_section(
    mentorship: Mentorship, viewer: User
) -> tuple[str, dict[str, object]] | None:
    """The proposal (or the ask to choose) on scheduling's cadence page; see its sections.py."""
    prompt = rhythm_prompt(mentorship, viewer)
    if prompt is None:
        return None
    return "matching/includes/cadence_section.html", {"prompt": prompt}
