"""Which of a program's fields the settings page edits, grouped as it shows
them, and how a value is worded in the change log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentora.programs.models import Program
from mentora.programs.settings.rules import WEIGHT_FIELDS

# (legend, field names); the page shows them in this order.
POLICY_GROUPS: tuple[tuple[Promise, tuple[str, ...]], ...] = (
    (
        gettext_lazy("Scheduling and notice"),
        (
            "default_session_minutes",
            "notice_hours",
            "late_move_counts_as_late_cancel",
            "slot_grid_minutes",
            "unmarked_flag_hours",
        ),
    ),
    (gettext_lazy("Makeups"), ("makeup_gap_hours",)),
    (
        gettext_lazy("Booking limits and buffers"),
        (
            "min_booking_notice_hours",
            "booking_window_weeks",
            "max_sessions_per_mentee_per_week",
            "buffer_before_minutes",
            "buffer_after_minutes",
        ),
    ),
    (gettext_lazy("Reminders"), ("first_reminder_hours", "second_reminder_hours")),
    (
        gettext_lazy("Mentor requests"),
        ("self_requests_enabled", "max_open_requests", "request_expiry_days"),
    ),
    (
        gettext_lazy("Matching weights and rules"),
        (*WEIGHT_FIELDS, "must_share_language", "min_match_score"),
    ),
    (
        gettext_lazy("Relationship pulses"),
        ("pulse_after_first_session", "pulse_every_weeks"),
    ),
    (gettext_lazy("Reflection window"), ("reflection_window_days",)),
    (
        gettext_lazy("Sign-in"),
        (
            "staff_need_second_factor",
            "mentors_need_second_factor",
            "trust_sso_second_factor",
            "password_login_allowed",
            "sso_providers",
            "sso_email_domains",
        ),
    ),
    (
        gettext_lazy("Calendars and meeting rooms"),
        ("calendar_stale_hours", "meeting_room_base_url"),
    ),
)
IDENTITY_FIELDS = ("name", "description", "time_zone")
# Every policy: what "copy settings from" copies to a new program.
POLICY_FIELDS: tuple[str, ...] = tuple(name for _legend, names in POLICY_GROUPS for name in names)
SETTING_FIELDS: tuple[str, ...] = IDENTITY_FIELDS + POLICY_FIELDS

MAX_VALUE_TEXT = 200  # ProgramSettingChange.old_value / new_value


def label(name: str) -> str:
    """The field's label as the page shows it ('Session length (minutes)')."""
    try:
        verbose = str(Program._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:  # a field since removed: its record still reads
        return name
    return verbose[:1].upper() + verbose[1:]


def display(value: Any) -> str:
    """A value as the change log keeps it: Yes/No, a number, or the text (cut short)."""
    if isinstance(value, bool):
        text = _("Yes") if value else _("No")
    elif value is None or value == "":
        text = "—"
    else:
        text = " ".join(str(value).split())
    if len(text) > MAX_VALUE_TEXT:
        text = text[: MAX_VALUE_TEXT - 1] + "…"
    return text


def default_text(name: str) -> str | None:
    """The field's default worded for the page, or None when it has none."""
    field = Program._meta.get_field(name)
    if not field.has_default():  # type: ignore[union-attr]
        return None
    return display(field.get_default())  # type: ignore[union-attr]
