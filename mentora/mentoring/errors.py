"""Mentoring's refusals: `MentoringError` and its codes, `MentoringCode`.

Agenda, question, workspace and goal services raise them, with `field` naming
the form field the message belongs next to; the pages show them with
`mentora.errors.form_error` / `page_error`. `clean_or_refuse` turns a model's
own validation (`full_clean`) into the same error, so a service refuses in one
way only.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from mentora.errors import DomainError


class MentoringCode(StrEnum):
    # Who may do it, and when
    NOT_MENTEE = "not_mentee"
    NOT_MENTOR = "not_mentor"
    NOT_PARTY = "not_party"
    NOT_ALLOWED = "not_allowed"
    NOT_YOURS = "not_yours"
    NOT_LIVE = "not_live"
    AGENDA_CLOSED = "agenda_closed"
    NOTES_CLOSED = "notes_closed"
    REFLECTION_CLOSED = "reflection_closed"
    FEEDBACK_CLOSED = "feedback_closed"
    # What was sent
    INVALID = "invalid"
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    BAD_URL = "bad_url"
    BAD_TEMPLATE = "bad_template"
    BAD_CHOICE = "bad_choice"
    BAD_GOAL = "bad_goal"
    BAD_STATUS = "bad_status"
    BAD_SESSION = "bad_session"
    BAD_OWNER = "bad_owner"
    BAD_RATING = "bad_rating"
    BAD_VISIBILITY = "bad_visibility"
    DATE_IN_PAST = "date_in_past"
    DATE_TOO_FAR = "date_too_far"
    REASON_MISSING = "reason_missing"
    # Agenda links and files
    TOO_MANY_LINKS = "too_many_links"
    NO_LINK = "no_link"
    BAD_TYPE = "bad_type"
    TYPE_MISMATCH = "type_mismatch"
    TOO_BIG = "too_big"
    EMPTY_FILE = "empty_file"
    TOO_MANY_FILES = "too_many_files"
    NO_FILE = "no_file"
    # Questions, goals, reflections
    NOT_OPEN = "not_open"
    ALREADY_OPEN = "already_open"
    STALE = "stale"
    TOO_MANY_ACTIVE = "too_many_active"
    CHANGED_MEANWHILE = "changed_meanwhile"
    ALREADY_SAVED = "already_saved"
    ALREADY_GIVEN = "already_given"


class MentoringError(DomainError):
    """An agenda, question, workspace or goal rule said no."""

    def __init__(self, code: MentoringCode, message: str, field: str | None = None) -> None:
        super().__init__(code, message, field=field)


def clean_or_refuse(
    instance: Model, fields: dict[str, str] | None = None, **full_clean: Any
) -> None:
    """`full_clean()`, with the first problem raised as a MentoringError next to
    its field (`fields` renames a model field to the form's name for it)."""
    try:
        instance.full_clean(**full_clean)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        name = None if field == "__all__" else (fields or {}).get(field, field)
        raise MentoringError(MentoringCode.INVALID, messages[0], field=name) from error
