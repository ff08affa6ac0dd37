"""The notifications app's domain error and its codes."""

from __future__ import annotations

from enum import StrEnum

from mentora.errors import DomainError


class NotificationCode(StrEnum):
    """Why a notification preference was refused (the API returns these)."""

    BAD_KIND = "bad_kind"
    BAD_CHOICE = "bad_choice"
    MUST_SEND = "must_send"
    NO_DIGEST = "no_digest"


class PreferenceError(DomainError):
    """A choice the rules don't allow, with a message for the person; `field` is
    the kind of message it is about (the preferences form names its fields so)."""

    code: NotificationCode

    @property
    def kind(self) -> str:
        return self.field or ""
