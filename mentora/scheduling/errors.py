from __future__ import annotations

from datetime import datetime


class SchedulingError(Exception):
    """A booking, cancellation or attendance rule said no.

    `code` is machine-readable (the API returns it), `message` is for people,
    and `alternatives` are open start times to offer instead, where relevant.
    """

    def __init__(self, code: str, message: str, alternatives: list[datetime] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.alternatives = alternatives or []
