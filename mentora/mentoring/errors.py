from __future__ import annotations


class MentoringError(Exception):
    """An agenda, question or workspace rule said no.

    `code` is machine-readable (the API returns it), `message` is for people,
    and `field` names the form field the message belongs next to, if any.
    """

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
