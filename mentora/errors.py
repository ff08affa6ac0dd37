"""One error family: every app's domain error subclasses `DomainError`, with its
codes as a `StrEnum` of that app. Services raise them; the edges translate them
in one place each: `form_error` for a form, `page_error` for a page message
(and, later, the API for a JSON 409/422)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib import messages

if TYPE_CHECKING:
    from django import forms
    from django.http import HttpRequest


class DomainError(Exception):
    """A domain rule refused a write.

    `code` is machine-readable (the API returns it), `message` is shown to a
    person as is, and `field` names the form field the message belongs next to,
    if any. Each app subclasses it, so a view catches its own app's refusals.
    """

    def __init__(self, code: StrEnum, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


def form_error(form: forms.BaseForm, error: DomainError, *, field: str | None = None) -> None:
    """Show the refusal next to its field (`field` overrides the error's own), or
    above the form when the form has no such field."""
    name = field or error.field
    form.add_error(name if name in form.fields else None, error.message)


def page_error(request: HttpRequest, error: DomainError) -> None:
    """Show the refusal as a message on the next page."""
    messages.error(request, error.message)
