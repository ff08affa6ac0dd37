"""The applications app's domain error and its codes."""

from __future__ import annotations

from enum import StrEnum

from mentora.errors import DomainError


class ApplicationCode(StrEnum):
    # rounds and questions
    BAD_ROLE = "bad_role"
    BAD_DATES = "bad_dates"
    BAD_KIND = "bad_kind"
    CHOICES_NEEDED = "choices_needed"
    BAD_CHOICES = "bad_choices"
    QUESTION_ANSWERED = "question_answered"
    TOO_MANY_QUESTIONS = "too_many_questions"
    # applying
    ROUND_CLOSED = "round_closed"
    ANSWER_NEEDED = "answer_needed"
    ANSWER_TOO_LONG = "answer_too_long"
    APPLICATION_TOO_LONG = "application_too_long"
    BAD_CHOICE = "bad_choice"
    BAD_LINK = "bad_link"
    BAD_ANSWER = "bad_answer"
    RATE_LIMITED = "rate_limited"
    NOT_DRAFT = "not_draft"
    # reviewing and withdrawing
    BAD_MOVE = "bad_move"
    CHANGED = "changed"
    NOTE_TOO_LONG = "note_too_long"
    # decisions
    ALREADY_MEMBER = "already_member"
    CANNOT_ADMIT = "cannot_admit"
    BAD_COHORT = "bad_cohort"
    TEMPLATE_NEEDED = "template_needed"
    TEMPLATE_NAME_TAKEN = "template_name_taken"
    TOO_MANY_TEMPLATES = "too_many_templates"
    BAD_TEMPLATE = "bad_template"


class ApplicationError(DomainError):
    """A rule of applications refused a write (a round, a question, an application)."""

    def __init__(self, code: ApplicationCode, message: str, *, field: str | None = None) -> None:
        super().__init__(code, message, field=field)
        self.code: ApplicationCode = code
