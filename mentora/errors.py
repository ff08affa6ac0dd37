"""The base of every app's domain error: views turn one into a form error or a JSON 409/422."""

from __future__ import annotations


class DomainError(Exception):
    """A domain rule refused a write.

    `code` is machine-readable (the API returns it), `message` is shown to a
    person as is, and `field` names the form field the message belongs next to,
    if any. Each app subclasses it, so a view catches its own app's refusals.
    """

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message
