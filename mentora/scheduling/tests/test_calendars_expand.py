"""busy_intervals on real-world exports (Google, Outlook): recurrences with
exceptions, zones, clock changes, all-day, floating, free, cancelled, declined."""

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mentora.scheduling.calendars import expand
from mentora.scheduling.calendars.errors import CalendarCode, CalendarUnreadable
from mentora.scheduling.calendars.expand import busy_intervals, merge

from .calendar_server import fixture

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


YEAR_START, YEAR_END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
MARCH, DECEMBER = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)


def google(start=YEAR_START, end=YEAR_END, owners=("dana.mentor@example.com",)):
    return busy_intervals(
        fixture("google_export.ics"),
        default_zone=NY,
        window_start=start,
        window_end=end,
        owner_emails=owners,
    )


def outlook(start=MARCH, end=DECEMBER):
    return busy_intervals(
        fixture("outlook_export.ics"), default_zone=BERLIN, window_start=start, window_end=end
    )


def tuesdays_at_17_ny(intervals):
    return [s for s, e in intervals if s.astimezone(NY).hour == 17 and s.weekday() == 1]


def test_weekly_meeting_keeps_its_new_york_wall_time_across_both_clock_changes():
    starts = {s.astimezone(NY).date(): s for s in tuesdays_at_17_ny(google())}
    # Before 2026-03-08 New York is UTC-5, after it UTC-4; after 2026-11-01 UTC-5 again.
    assert starts[datetime(2026, 3, 3).date()] == utc(2026, 3, 3, 22)
    assert starts[datetime(2026, 3, 10).date()] == utc(2026, 3, 10, 21)
    assert starts[datetime(2026, 10, 27).date()] == utc(2026, 10, 27, 21)
    assert starts[datetime(2026, 11, 3).date()] == utc(2026, 11, 3, 22)
    assert (utc(2026, 11, 3, 22), utc(2026, 11, 3, 23)) in google()


def test_exdate_leaves_that_tuesday_free():
    days = {s.astimezone(NY).date() for s in tuesdays_at_17_ny(google())}
    assert datetime(2026, 3, 10).date() in days
    assert datetime(2026, 3, 17).date() not in days
    assert datetime(2026, 3, 24).date() in days


def test_recurrence_id_override_moves_that_one_occurrence():
    intervals = google()
    assert (utc(2026, 11, 10, 22), utc(2026, 11, 10, 23)) not in intervals
    assert (utc(2026, 11, 11, 0), utc(2026, 11, 11, 1)) in intervals  # 19:00-20:00 EST


def test_series_ends_at_until():
    last = max(tuesdays_at_17_ny(google()))
    assert last == utc(2026, 12, 29, 22)


def test_all_day_event_blocks_the_whole_local_days():
    assert (utc(2026, 3, 12, 4), utc(2026, 3, 14, 4)) in google()  # 00:00 EDT to 00:00 EDT


def test_meeting_created_in_tokyo_keeps_its_tokyo_time():
    # 09:00 JST on 10 March is 00:00 UTC (20:00 the evening before in New York).
    assert (utc(2026, 3, 10, 0), utc(2026, 3, 10, 1)) in google()


def test_floating_time_is_in_the_owners_zone():
    assert (utc(2026, 3, 11, 12), utc(2026, 3, 11, 12, 30)) in google()


def test_transparent_cancelled_and_declined_events_do_not_block():
    intervals = google(utc(2026, 3, 5), utc(2026, 3, 10))
    for start in (utc(2026, 3, 5, 17), utc(2026, 3, 6, 15), utc(2026, 3, 9, 14)):
        assert not any(s <= start < e for s, e in intervals)


def test_declined_invitation_blocks_for_someone_else():
    intervals = google(utc(2026, 3, 6), utc(2026, 3, 7), owners=("someone@example.com",))
    assert intervals == [(utc(2026, 3, 6, 15), utc(2026, 3, 6, 16))]


def test_outlook_windows_zone_across_the_eu_clock_changes():
    intervals = outlook()
    # 09:00 W. Europe: UTC+1 before 2026-03-29, UTC+2 until 2026-10-25.
    assert (utc(2026, 3, 17, 8), utc(2026, 3, 17, 8, 30)) in intervals
    assert (utc(2026, 3, 31, 7), utc(2026, 3, 31, 7, 30)) in intervals
    assert (utc(2026, 10, 20, 7), utc(2026, 10, 20, 7, 30)) in intervals
    assert (utc(2026, 10, 27, 8), utc(2026, 10, 27, 8, 30)) in intervals


def test_outlook_exdate_and_moved_occurrence():
    intervals = outlook()
    assert not any(s == utc(2026, 4, 7, 7) for s, _e in intervals)
    assert (utc(2026, 4, 14, 7), utc(2026, 4, 14, 7, 30)) not in intervals
    assert (utc(2026, 4, 14, 9), utc(2026, 4, 14, 9, 30)) in intervals


def test_all_day_event_over_the_eu_spring_change_is_47_hours():
    # Saturday 28 and Sunday 29 March, Berlin: the Sunday has 23 hours.
    assert (utc(2026, 3, 27, 23), utc(2026, 3, 29, 22)) in outlook()


def test_result_is_sorted_merged_and_utc():
    intervals = google()
    assert intervals == sorted(intervals)
    assert all(e > s and s.utcoffset() == timedelta(0) for s, e in intervals)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(intervals))


def test_window_keeps_only_what_overlaps_it():
    intervals = google(utc(2026, 3, 13), utc(2026, 3, 14))
    assert intervals == [(utc(2026, 3, 12, 4), utc(2026, 3, 14, 4))]  # kept whole


def test_merge_joins_touching_and_overlapping():
    a, b, c = utc(2026, 1, 1, 9), utc(2026, 1, 1, 10), utc(2026, 1, 1, 11)
    assert merge([(b, c), (a, b)]) == [(a, c)]
    assert merge([(a, c), (a, b)]) == [(a, c)]


def _ics(*lines):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(f"{x}\r\n" for x in lines)).encode() + (
        b"END:VCALENDAR\r\n"
    )


def _read(text):
    return busy_intervals(
        text, default_zone=BERLIN, window_start=utc(2026, 3, 1), window_end=utc(2026, 4, 1)
    )


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"<!doctype html><html><body>Sign in</body></html>",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        _ics("BEGIN:VEVENT", "DTSTART:garbage", "DTEND:20260301T100000Z", "END:VEVENT"),
        _ics("BEGIN:VEVENT", "DTSTART:20260301T100000Z", "RRULE:FREQ=SOMETIMES", "END:VEVENT"),
        _ics("BEGIN:VEVENT", "SUMMARY:no start", "END:VEVENT"),
        _ics("BEGIN:VEVENT", "DTSTART:20260301T100000Z"),
        "BEGIN:VCALENDAR\r\n\x00\xff\r\nEND:VCALENDAR".encode("latin-1"),
    ],
)
def test_malformed_calendar_is_calendar_unreadable(text):
    with pytest.raises(CalendarUnreadable) as refused:
        _read(text)
    assert str(refused.value)


def test_a_rule_repeating_every_minute_is_refused_not_read_in_part():
    text = _ics(
        "BEGIN:VEVENT",
        "DTSTART:20260301T100000Z",
        "DTEND:20260301T100030Z",
        "RRULE:FREQ=MINUTELY",
        "END:VEVENT",
    )
    with pytest.raises(CalendarUnreadable) as refused:
        _read(text)
    assert refused.value.code == CalendarCode.TOO_MANY
    assert f"{expand.MAX_OCCURRENCES:,}" in str(refused.value)


def test_event_without_length_blocks_nothing_and_all_day_without_end_blocks_its_day():
    text = _ics(
        "BEGIN:VEVENT",
        "UID:a",
        "DTSTART:20260302T100000Z",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:b",
        "DTSTART;VALUE=DATE:20260303",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:c",
        "DTSTART:20260304T100000Z",
        "DURATION:PT45M",
        "END:VEVENT",
    )
    assert _read(text) == [
        (utc(2026, 3, 2, 23), utc(2026, 3, 3, 23)),
        (utc(2026, 3, 4, 10), utc(2026, 3, 4, 10, 45)),
    ]


def test_naive_window_is_a_programming_error():
    with pytest.raises(ValueError):
        busy_intervals(
            _ics(),
            default_zone=BERLIN,
            window_start=datetime(2026, 3, 1),
            window_end=utc(2026, 4, 1),
        )
