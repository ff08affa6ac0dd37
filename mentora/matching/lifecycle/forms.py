"""Forms of the off-boarding pages: an optional note, an optional closing reflection."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.matching.lifecycle.offboarding import MAX_CLOSING_REFLECTION, MAX_LEAVE_NOTE


def _too_long(limit: int) -> dict[str, Any]:
    return {"max_length": format_lazy(_("Keep it under {limit} characters."), limit=f"{limit:,}")}


class OffboardNoteForm(inputs.Form):
    """Leaving a program or completing a mentorship: why, in a line (optional)."""

    note = forms.CharField(
        max_length=MAX_LEAVE_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Note (kept with the ended mentorships)"),
        help_text=_("Staff and the two parties of each mentorship read it."),
        error_messages=_too_long(MAX_LEAVE_NOTE),
    )


class ClosingReflectionForm(inputs.Form):
    text = forms.CharField(
        max_length=MAX_CLOSING_REFLECTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label=_("Your closing words (optional)"),
        help_text=_(
            "What you take away, and a word for the other person. They and the "
            "program's staff read it."
        ),
        error_messages=_too_long(MAX_CLOSING_REFLECTION),
    )
