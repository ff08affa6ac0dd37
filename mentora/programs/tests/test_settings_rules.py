"""The rules between a program's settings (programs/settings/rules.py), tested directly."""

from __future__ import annotations

from typing import Any

import pytest

from mentora.programs.settings.rules import WEIGHT_FIELDS, contradictions

DEFAULTS: dict[str, Any] = {
    "notice_hours": 24,
    "makeup_gap_hours": 24,
    "min_booking_notice_hours": 12,
    "booking_window_weeks": 8,
    "first_reminder_hours": 24,
    "second_reminder_hours": 1,
    **dict.fromkeys(WEIGHT_FIELDS, 10),
}


def _fields(**changes: Any) -> list[tuple[str, ...]]:
    return [c.fields for c in contradictions({**DEFAULTS, **changes})]


def test_the_defaults_contradict_nothing():
    assert contradictions(DEFAULTS) == []


def test_a_minimum_booking_notice_reaching_the_end_of_the_window_is_refused():
    # One week is 168 hours: a notice of exactly the window leaves nothing to book.
    found = _fields(min_booking_notice_hours=168, booking_window_weeks=1, makeup_gap_hours=0)
    assert ("min_booking_notice_hours", "booking_window_weeks") in found
    assert _fields(min_booking_notice_hours=167, booking_window_weeks=1, makeup_gap_hours=0) == []


def test_a_cancellation_notice_longer_than_the_window_is_refused():
    assert _fields(notice_hours=169, booking_window_weeks=1) == [
        ("notice_hours", "booking_window_weeks")
    ]
    assert _fields(notice_hours=168, booking_window_weeks=1) == []
    assert _fields(notice_hours=336, booking_window_weeks=2) == []


def test_a_makeup_gap_that_with_the_notice_fills_a_week_is_refused():
    assert _fields(makeup_gap_hours=156, min_booking_notice_hours=12) == [
        ("makeup_gap_hours", "min_booking_notice_hours")
    ]
    assert _fields(makeup_gap_hours=155, min_booking_notice_hours=12) == []
    # A gap longer than the weekly cadence on its own is refused too.
    assert ("makeup_gap_hours", "min_booking_notice_hours") in _fields(
        makeup_gap_hours=200, min_booking_notice_hours=0
    )


def test_the_last_reminder_must_come_after_the_first():
    assert _fields(first_reminder_hours=2, second_reminder_hours=2) == [
        ("first_reminder_hours", "second_reminder_hours")
    ]
    assert _fields(first_reminder_hours=3, second_reminder_hours=2) == []


def test_all_weights_at_zero_are_refused_on_every_weight():
    assert _fields(**dict.fromkeys(WEIGHT_FIELDS, 0)) == [WEIGHT_FIELDS]
    assert _fields(**{**dict.fromkeys(WEIGHT_FIELDS, 0), "weight_language": 1}) == []


def test_a_rule_missing_a_value_is_skipped():
    # A field refused on its own reaches the rules as missing; no second message.
    assert contradictions({"notice_hours": 999, "booking_window_weeks": None}) == []
    assert contradictions({"first_reminder_hours": 1}) == []


def test_each_message_states_the_values():
    (found,) = contradictions({**DEFAULTS, "notice_hours": 200, "booking_window_weeks": 1})
    assert "200 hours" in found.message
    assert "1 week," in found.message


@pytest.mark.parametrize(
    "changes",
    [
        {"notice_hours": 400, "booking_window_weeks": 1},
        {"makeup_gap_hours": 100, "min_booking_notice_hours": 100},
    ],
)
def test_several_contradictions_are_all_reported(changes):
    found = contradictions({**DEFAULTS, **changes, "second_reminder_hours": 24})
    assert len(found) >= 2
