"""Reads for scheduling: availability rules, busy time, open slots, schedules and
calendar feeds. Who may see which session or mentorship is decided in
scheduling/access.py; these functions take the person whose rows they read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import (
    CharField,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    TimeField,
    Value,
)
from django.db.models.functions import Cast

from mentora.programs.models import Mentorship, Program
from mentora.scheduling import slots, timelabels
from mentora.scheduling.calendars import busy as calendar_busy
from mentora.scheduling.models import (
    DateOverride,
    OverrideKind,
    Session,
    SessionKind,
    SessionStatus,
    TimeOff,
    WeeklyHours,
)

if TYPE_CHECKING:
    from mentora.accounts.models import User


def availability_rules(
    mentor: User, window: slots.Interval | None = None
) -> slots.AvailabilityRules:
    """The mentor's weekly hours, date overrides and time off, in one query (the three
    tables read as one UNION ALL of rows shaped alike: which table, weekday, two dates,
    two times, the override's kind)."""
    weekly_rows = WeeklyHours.objects.filter(mentor=mentor)
    overrides = DateOverride.objects.filter(mentor=mentor)
    time_off = TimeOff.objects.filter(mentor=mentor)
    if window is not None:
        # A day's margin either side: local dates differ from UTC dates.
        first, last = window[0].date() - timedelta(days=2), window[1].date() + timedelta(days=2)
        overrides = overrides.filter(date__range=(first, last))
        time_off = time_off.filter(starts_on__lte=last, ends_on__gte=first)
    no_day, no_date, no_time = (
        Cast(Value(None), IntegerField()),
        Cast(Value(None), DateField()),
        Cast(Value(None), TimeField()),
    )
    rows = _shaped(
        weekly_rows,
        _WEEKLY,
        F("weekday"),
        no_date,
        no_date,
        F("start_time"),
        F("end_time"),
        Value("", output_field=CharField()),
    ).union(
        _shaped(
            overrides,
            _OVERRIDE,
            no_day,
            F("date"),
            no_date,
            F("start_time"),
            F("end_time"),
            F("kind"),
        ),
        _shaped(
            time_off,
            _TIME_OFF,
            no_day,
            F("starts_on"),
            F("ends_on"),
            no_time,
            no_time,
            Value("", output_field=CharField()),
        ),
        all=True,
    )
    weekly: dict[int, list[slots.LocalRange]] = {}
    extra: dict[date, list[slots.LocalRange]] = {}
    days_off: set[date] = set()
    off: list[tuple[date, date]] = []
    for source, weekday, day_from, day_to, start, end, kind in sorted(rows, key=_row_order):
        if source == _WEEKLY:
            weekly.setdefault(weekday, []).append(slots.LocalRange(start, end))
        elif source == _OVERRIDE:
            if kind == OverrideKind.DAY_OFF:
                days_off.add(day_from)
            elif start and end:
                extra.setdefault(day_from, []).append(slots.LocalRange(start, end))
        else:
            off.append((day_from, day_to))
    return slots.AvailabilityRules(
        time_zone=ZoneInfo(mentor.time_zone),
        weekly=weekly,
        extra=extra,
        days_off=frozenset(days_off),
        time_off=off,
    )


_WEEKLY, _OVERRIDE, _TIME_OFF = 0, 1, 2


def _shaped(rows: QuerySet[Any], source: int, *values: Any) -> QuerySet[Any]:
    """`rows` as the columns availability_rules unites (every column an annotation,
    so each part of the union selects them in the same order)."""
    names = ("r_source", "r_weekday", "r_from", "r_to", "r_start", "r_end", "r_kind")
    shaped = rows.order_by().annotate(
        **dict(zip(names, (Value(source, output_field=IntegerField()), *values), strict=True))
    )
    return shaped.values_list(*names)


def _row_order(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Each table's own order (weekday, date or first day, then start time), as the
    models' Meta.ordering read them one table at a time."""
    source, weekday, day_from, _to, start, *_ = row
    return (source, weekday or 0, day_from or date.min, start or time.min)


def busy_blocks(
    mentor_id: int, window: slots.Interval, exclude_session_id: int | None = None
) -> list[slots.Interval]:
    sessions = Session.objects.live().filter(
        mentor_id=mentor_id, blocked_until__gt=window[0], blocked_from__lt=window[1]
    )
    if exclude_session_id is not None:
        sessions = sessions.exclude(pk=exclude_session_id)
    return list(sessions.values_list("blocked_from", "blocked_until"))


def mentee_busy_blocks(
    mentee_id: int, window: slots.Interval, exclude_session_id: int | None = None
) -> list[slots.Interval]:
    """The mentee's own live sessions in any program, with any mentor: a mentee
    is never in two sessions at once (an exclusion constraint on PostgreSQL)."""
    sessions = Session.objects.live().filter(
        mentee_id=mentee_id, blocked_until__gt=window[0], blocked_from__lt=window[1]
    )
    if exclude_session_id is not None:
        sessions = sessions.exclude(pk=exclude_session_id)
    return list(sessions.values_list("blocked_from", "blocked_until"))


def party_busy_blocks(
    mentor_id: int, mentee_id: int, window: slots.Interval, exclude_session_id: int | None = None
) -> list[slots.Interval]:
    """busy_blocks of the mentor and mentee_busy_blocks of the mentee, in one query."""
    sessions = Session.objects.live().filter(
        Q(mentor_id=mentor_id) | Q(mentee_id=mentee_id),
        blocked_until__gt=window[0],
        blocked_from__lt=window[1],
    )
    if exclude_session_id is not None:
        sessions = sessions.exclude(pk=exclude_session_id)
    return list(sessions.values_list("blocked_from", "blocked_until"))


def buffers(program: Program) -> tuple[timedelta, timedelta]:
    return (
        timedelta(minutes=program.buffer_before_minutes),
        timedelta(minutes=program.buffer_after_minutes),
    )


def slot_rules(program: Program, length: timedelta, now: datetime) -> slots.SlotRules:
    before, after = buffers(program)
    return slots.SlotRules(
        length=length,
        buffer_before=before,
        buffer_after=after,
        grid=timedelta(minutes=program.slot_grid_minutes),
        earliest=now + timedelta(hours=program.min_booking_notice_hours),
        latest=now + timedelta(weeks=program.booking_window_weeks),
    )


def mentor_open_slots(
    *,
    mentor: User,
    program: Program,
    window: slots.Interval,
    now: datetime,
    length: timedelta | None = None,
    exclude_session_id: int | None = None,
    not_after: datetime | None = None,
    mentee_id: int | None = None,
    calendar: calendar_busy.CalendarState | None = None,
) -> list[datetime]:
    """Open start times for `mentor` inside `window` (UTC), program rules applied;
    with `mentee_id`, also free for that mentee (their sessions with anyone).

    The mentor's connected calendars count like sessions (buffers around them
    too); a calendar too stale to trust leaves no open time at all (fail
    closed). `calendar` is the mentor's calendar_state when the caller has it.
    """
    if calendar is None:
        calendar = calendar_busy.calendar_state(mentor.pk, program, now)
    if calendar.stale:
        return []
    length = length or timedelta(minutes=program.default_session_minutes)
    rules = slot_rules(program, length, now)
    if not_after is not None and not_after < rules.latest:
        rules = slots.SlotRules(**{**rules.__dict__, "latest": not_after})
    available = slots.availability_intervals(availability_rules(mentor, window), window)
    wide = (window[0] - length, window[1] + length)
    if mentee_id is None:
        busy = busy_blocks(mentor.pk, wide, exclude_session_id)
    else:
        busy = party_busy_blocks(mentor.pk, mentee_id, wide, exclude_session_id)
    busy += calendar_busy.state_busy_intervals(calendar, wide)
    return slots.open_slots(available, busy, rules)


@dataclass(frozen=True)
class Bookable:
    """What a mentorship may book in a window: the open times that break no rule,
    the weeks left out because the mentee is at the weekly limit, since when the
    mentor's calendar couldn't be read (when that leaves no times), and the open
    times that clash with the mentee's own calendar (offered all the same)."""

    starts: list[datetime]
    full_weeks: list[slots.Interval]
    mentor_calendar_stale_since: datetime | None = None
    mentee_clashes: frozenset[datetime] = frozenset()


def bookable_slots(
    mentorship: Mentorship,
    *,
    window: slots.Interval,
    now: datetime,
    length: timedelta | None = None,
    exclude_session_id: int | None = None,
    not_after: datetime | None = None,
) -> Bookable:
    """The times the booking services would accept, so a page never offers a
    time it then refuses: mentor and mentee both free, within the weekly limit,
    and (for a makeup) before `not_after`."""
    program = mentorship.program
    length = length or timedelta(minutes=program.default_session_minutes)
    calendar = calendar_busy.calendar_state(mentorship.mentor_id, program, now)
    starts = mentor_open_slots(
        mentor=mentorship.mentor,
        program=program,
        window=window,
        now=now,
        length=length,
        exclude_session_id=exclude_session_id,
        not_after=not_after,
        mentee_id=mentorship.mentee_id,
        calendar=calendar,
    )
    full = full_weeks(program, mentorship.mentee_id, window, exclude_session_id)
    kept = [s for s in starts if not any(w0 <= s < w1 for w0, w1 in full)]
    return Bookable(
        kept,
        full,
        mentor_calendar_stale_since=calendar.stale_since,
        mentee_clashes=frozenset(mentee_calendar_clashes(mentorship.mentee_id, kept, length)),
    )


def mentee_calendar_clashes(
    mentee_id: int, starts: list[datetime], length: timedelta
) -> set[datetime]:
    """The starts that overlap the mentee's own connected calendar: one query,
    and none when there are no starts to mark."""
    if not starts:
        return set()
    window = (min(starts), max(starts) + length)
    return calendar_busy.clashes(starts, length, calendar_busy.busy_intervals(mentee_id, window))


def full_weeks(
    program: Program, mentee_id: int, window: slots.Interval, exclude_session_id: int | None
) -> list[slots.Interval]:
    """The program weeks touching `window` where the mentee is at the weekly limit
    (one query for all of them: the starts of the mentee's live sessions)."""
    touched: list[slots.Interval] = []
    week = program_week(program, window[0])
    while week[0] < window[1]:
        touched.append(week)
        week = program_week(program, week[1] + timedelta(hours=1))
    if not touched:
        return []
    sessions = Session.objects.live().filter(
        program=program,
        mentee_id=mentee_id,
        starts_at__gte=touched[0][0],
        starts_at__lt=touched[-1][1],
    )
    if exclude_session_id is not None:
        sessions = sessions.exclude(pk=exclude_session_id)
    starts = list(sessions.order_by().values_list("starts_at", flat=True))
    limit = program.max_sessions_per_mentee_per_week
    return [(w0, w1) for w0, w1 in touched if sum(w0 <= s < w1 for s in starts) >= limit]


def program_week(program: Program, moment: datetime) -> slots.Interval:
    """Monday to Monday around `moment`, in the program's zone: the week limits count in."""
    tz = ZoneInfo(program.time_zone)
    local_day = moment.astimezone(tz).date()
    monday = local_day - timedelta(days=local_day.weekday())
    return slots.day_bounds(monday, monday + timedelta(days=6), tz)


def mentee_sessions_in_week(
    program: Program, mentee_id: int, moment: datetime, exclude_session_id: int | None = None
) -> int:
    start, end = program_week(program, moment)
    sessions = Session.objects.live().filter(
        program=program, mentee_id=mentee_id, starts_at__gte=start, starts_at__lt=end
    )
    if exclude_session_id is not None:
        sessions = sessions.exclude(pk=exclude_session_id)
    return sessions.count()


def next_regular_session(mentorship: Mentorship, after: datetime) -> Session | None:
    return (
        Session.objects.filter(
            mentorship=mentorship,
            kind=SessionKind.REGULAR,
            status=SessionStatus.SCHEDULED,
            starts_at__gt=after,
        )
        .order_by("starts_at")
        .first()
    )


def sessions_for(user: User, program: Program) -> QuerySet[Session]:
    """The person's sessions in the program, as mentor or mentee. The two sides are
    read by their own indexes and united: with `mentor OR mentee`, PostgreSQL walked
    the program's sessions in start order to filter them, reading all of a large
    program's for a mentee with one page of their own (43 ms at 100,000 sessions)."""
    mine = (
        Session.objects.filter(mentor=user)
        .order_by()
        .values("pk")
        .union(Session.objects.filter(mentee=user).order_by().values("pk"))
    )
    return (
        Session.objects.filter(program=program, pk__in=mine)
        .select_related("mentor", "mentee", "makeup_for")
        .order_by("starts_at")
    )


def upcoming_sessions(user: User, program: Program, now: datetime) -> QuerySet[Session]:
    # Not through sessions_for's union: here the (status, ends_at) index finds the few
    # sessions still to come, and the parties are filtered on them (2.8 ms against 5.6
    # with the union at 100,000 sessions).
    return (
        Session.objects.filter(
            Q(mentor=user) | Q(mentee=user),
            program=program,
            status=SessionStatus.SCHEDULED,
            ends_at__gte=now,
        )
        .select_related("mentor", "mentee", "makeup_for")
        .order_by("starts_at")
    )


def past_sessions(user: User, program: Program, now: datetime) -> QuerySet[Session]:
    """Everything not still to come (held, missed, cancelled), latest first."""
    ahead = Q(status=SessionStatus.SCHEDULED, ends_at__gte=now)
    return sessions_for(user, program).exclude(ahead).order_by("-starts_at")


def caseload_sessions(program: Program, success_manager: User) -> QuerySet[Session]:
    return (
        Session.objects.filter(
            program=program,
            mentee__memberships__program=program,
            mentee__memberships__success_manager=success_manager,
        )
        .select_related("mentor", "mentee")
        .order_by("starts_at")
    )


def caseload_unmarked(program: Program, success_manager: User, now: datetime) -> QuerySet[Session]:
    return unmarked_sessions(program, now).filter(
        mentee__memberships__program=program,
        mentee__memberships__success_manager=success_manager,
    )


def unmarked_sessions(program: Program, now: datetime) -> QuerySet[Session]:
    """Sessions whose end is longer ago than the program allows without attendance."""
    cutoff = now - timedelta(hours=program.unmarked_flag_hours)
    return (
        Session.objects.filter(program=program, status=SessionStatus.SCHEDULED, ends_at__lte=cutoff)
        .select_related("mentor", "mentee")
        .order_by("ends_at")
    )


@dataclass(frozen=True)
class SlotChoice:
    value: str  # ISO timestamp in UTC, what the form posts back
    label: str  # local time for the viewer
    clashes: bool = False  # with the viewer's own connected calendar


def slots_by_local_day(
    open_slots: list[datetime],
    tz: ZoneInfo,
    first: date,
    days: int,
    clashes: frozenset[datetime] = frozenset(),
) -> list[tuple[date, list[SlotChoice]]]:
    """Open slots grouped by the viewer's local date, every day listed; those in
    `clashes` are marked (the viewer's own calendar is busy then)."""
    grouped: dict[date, list[SlotChoice]] = {first + timedelta(days=i): [] for i in range(days)}
    for start in open_slots:
        local = start.astimezone(tz)
        if local.date() in grouped:
            label = timelabels.clock(start, tz.key)
            grouped[local.date()].append(
                SlotChoice(start.isoformat(), label, clashes=start in clashes)
            )
    return list(grouped.items())


def live_mentorships_of(user: User, program: Program) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.live()
        .filter(Q(mentor=user) | Q(mentee=user), program=program)
        .select_related("mentor", "mentee", "cadence")
        .order_by("started_at")
    )


# A calendar feed reaches this far back; forward, each session is held to its
# own program's booking window (at most 52 weeks, the largest a program may set).
FEED_PAST = timedelta(days=30)
FEED_FUTURE_MAX = timedelta(weeks=52)


def feed_sessions(user: User, now: datetime) -> list[Session]:
    """A person's sessions in every program, for their calendar feed: one query."""
    candidates = (
        Session.objects.filter(Q(mentor=user) | Q(mentee=user))
        .filter(starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_FUTURE_MAX)
        # A late move's record of the old time is bookkeeping for the notice
        # policy; in a calendar the session itself moves (same UID), so the old
        # time must not linger as a second, "Cancelled:" event.
        .filter(moved_to__isnull=True)
        .select_related("program", "mentor", "mentee", "mentor__mentor_profile")
        .order_by("starts_at")
    )
    return [
        s
        for s in candidates
        if s.starts_at <= now + timedelta(weeks=s.program.booking_window_weeks)
    ]
