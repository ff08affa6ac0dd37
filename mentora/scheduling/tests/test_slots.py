"""Slot computation, including weeks when only one of two zones changed clocks.

Expected times are written out as local wall-clock strings, worked out by hand
from the 2027 transition dates: US clocks go forward on 14 March and back on
7 November; the EU's go forward on 28 March and back on 31 October; Sydney's go
back on 4 April.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mentora.scheduling.slots import (
    AvailabilityRules,
    LocalRange,
    SlotRules,
    availability_intervals,
    day_bounds,
    nearest,
    open_slots,
)

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
SYDNEY = ZoneInfo("Australia/Sydney")
MINUTES_45 = timedelta(minutes=45)


def rules_for(tz, weekly=None, extra=None, days_off=(), time_off=()):
    return AvailabilityRules(
        time_zone=tz,
        weekly={wd: [LocalRange(*r) for r in ranges] for wd, ranges in (weekly or {}).items()},
        extra={d: [LocalRange(*r) for r in ranges] for d, ranges in (extra or {}).items()},
        days_off=frozenset(days_off),
        time_off=list(time_off),
    )


def slot_rules(
    earliest=datetime(2000, 1, 1, tzinfo=UTC),
    latest=datetime(2100, 1, 1, tzinfo=UTC),
    length=MINUTES_45,
    before=0,
    after=0,
    grid=15,
):
    return SlotRules(
        length=length,
        buffer_before=timedelta(minutes=before),
        buffer_after=timedelta(minutes=after),
        grid=timedelta(minutes=grid),
        earliest=earliest,
        latest=latest,
    )


def slots_seen_in(viewer_tz, availability, first, last, busy=(), rules=None):
    window = day_bounds(first, last, viewer_tz)
    available = availability_intervals(availability, window)
    found = open_slots(available, list(busy), rules or slot_rules())
    return [s.astimezone(viewer_tz).strftime("%a %d %b %H:%M") for s in found]


TUESDAY_EVENING_NY = rules_for(NEW_YORK, weekly={1: [(time(18), time(19))]})


def test_new_york_tuesday_seen_from_berlin_before_any_change():
    assert slots_seen_in(BERLIN, TUESDAY_EVENING_NY, date(2027, 3, 9), date(2027, 3, 10)) == [
        "Wed 10 Mar 00:00",
        "Wed 10 Mar 00:15",
    ]


def test_new_york_tuesday_seen_from_berlin_when_only_us_changed():
    assert slots_seen_in(BERLIN, TUESDAY_EVENING_NY, date(2027, 3, 16), date(2027, 3, 17)) == [
        "Tue 16 Mar 23:00",
        "Tue 16 Mar 23:15",
    ]


def test_new_york_tuesday_seen_from_berlin_when_both_changed():
    assert slots_seen_in(BERLIN, TUESDAY_EVENING_NY, date(2027, 3, 30), date(2027, 3, 31)) == [
        "Wed 31 Mar 00:00",
        "Wed 31 Mar 00:15",
    ]


def test_new_york_tuesday_seen_from_berlin_when_only_eu_went_back():
    assert slots_seen_in(BERLIN, TUESDAY_EVENING_NY, date(2027, 11, 2), date(2027, 11, 2)) == [
        "Tue 02 Nov 23:00",
        "Tue 02 Nov 23:15",
    ]


def test_mentor_keeps_their_local_time_across_their_own_change():
    seen_by_mentor = slots_seen_in(
        NEW_YORK, TUESDAY_EVENING_NY, date(2027, 3, 9), date(2027, 3, 16)
    )

    assert seen_by_mentor == [
        "Tue 09 Mar 18:00",
        "Tue 09 Mar 18:15",
        "Tue 16 Mar 18:00",
        "Tue 16 Mar 18:15",
    ]


MONDAY_MORNING_SYDNEY = rules_for(SYDNEY, weekly={0: [(time(8), time(9))]})


def test_sydney_monday_seen_from_berlin_before_eu_change():
    assert slots_seen_in(BERLIN, MONDAY_MORNING_SYDNEY, date(2027, 3, 21), date(2027, 3, 21)) == [
        "Sun 21 Mar 22:00",
        "Sun 21 Mar 22:15",
    ]


def test_sydney_monday_seen_from_berlin_when_only_eu_changed():
    assert slots_seen_in(BERLIN, MONDAY_MORNING_SYDNEY, date(2027, 3, 28), date(2027, 3, 28)) == [
        "Sun 28 Mar 23:00",
        "Sun 28 Mar 23:15",
    ]


def test_sydney_monday_seen_from_berlin_after_sydney_went_back():
    assert slots_seen_in(BERLIN, MONDAY_MORNING_SYDNEY, date(2027, 4, 5), date(2027, 4, 5)) == [
        "Mon 05 Apr 00:00",
        "Mon 05 Apr 00:15",
    ]


def test_hours_in_the_spring_forward_gap_start_when_the_clock_resumes():
    # 02:00–04:00 on 14 March 2027 in New York: 02:00–03:00 doesn't exist.
    rules = rules_for(NEW_YORK, extra={date(2027, 3, 14): [(time(2), time(4))]})

    slots = slots_seen_in(NEW_YORK, rules, date(2027, 3, 14), date(2027, 3, 14))

    assert slots == ["Sun 14 Mar 03:00", "Sun 14 Mar 03:15"]


def test_existing_session_and_its_buffers_block_neighbouring_starts():
    rules = rules_for(BERLIN, weekly={0: [(time(9), time(12))]})
    # A session 10:00-10:45 Berlin (CET = UTC+1) whose block runs to 10:55.
    busy = [(datetime(2027, 1, 4, 9, 0, tzinfo=UTC), datetime(2027, 1, 4, 9, 55, tzinfo=UTC))]

    slots = slots_seen_in(
        BERLIN,
        rules,
        date(2027, 1, 4),
        date(2027, 1, 4),
        busy=busy,
        rules=slot_rules(after=10),
    )

    # A new 45-minute session needs its own 10 minutes after it as well.
    assert slots == [
        "Mon 04 Jan 09:00",
        "Mon 04 Jan 11:00",
        "Mon 04 Jan 11:15",
    ]


def test_day_off_removes_the_weekly_hours_and_extra_hours_add_to_them():
    rules = rules_for(
        BERLIN,
        weekly={0: [(time(9), time(10))], 1: [(time(9), time(10))]},
        days_off=[date(2027, 1, 4)],
        extra={date(2027, 1, 5): [(time(14), time(15))]},
    )

    slots = slots_seen_in(BERLIN, rules, date(2027, 1, 4), date(2027, 1, 5))

    assert slots == [
        "Tue 05 Jan 09:00",
        "Tue 05 Jan 09:15",
        "Tue 05 Jan 14:00",
        "Tue 05 Jan 14:15",
    ]


def test_time_off_removes_every_day_in_its_range():
    rules = rules_for(
        BERLIN,
        weekly={d: [(time(9), time(10))] for d in range(7)},
        time_off=[(date(2027, 1, 5), date(2027, 1, 6))],
    )

    days = {s[:10] for s in slots_seen_in(BERLIN, rules, date(2027, 1, 4), date(2027, 1, 7))}

    assert days == {"Mon 04 Jan", "Thu 07 Jan"}


def test_notice_and_window_bound_the_open_starts():
    rules = rules_for(BERLIN, weekly={d: [(time(9), time(10))] for d in range(7)})
    earliest = datetime(2027, 1, 4, 8, 10, tzinfo=UTC)  # 09:10 Berlin
    latest = datetime(2027, 1, 5, 8, 0, tzinfo=UTC)  # 09:00 Berlin next day

    slots = slots_seen_in(
        BERLIN,
        rules,
        date(2027, 1, 4),
        date(2027, 1, 6),
        rules=slot_rules(earliest=earliest, latest=latest),
    )

    assert slots == ["Mon 04 Jan 09:15", "Tue 05 Jan 09:00"]


def test_several_ranges_a_day_are_all_offered():
    rules = rules_for(BERLIN, weekly={2: [(time(8), time(8, 45)), (time(19), time(19, 45))]})

    slots = slots_seen_in(BERLIN, rules, date(2027, 1, 6), date(2027, 1, 6))

    assert slots == ["Wed 06 Jan 08:00", "Wed 06 Jan 19:00"]


def test_nearest_offers_the_closest_open_times_in_order():
    base = datetime(2027, 1, 4, 9, tzinfo=UTC)
    slots = [base + timedelta(minutes=15 * i) for i in range(10)]

    picked = nearest(slots, base + timedelta(minutes=62), count=3)

    assert picked == [base + timedelta(minutes=m) for m in (45, 60, 75)]
