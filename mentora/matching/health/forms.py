"""Forms for pulses, concerns and re-matching. Views turn MatchingError into form errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.matching.health.services import (
    MAX_CONCERN_DETAILS,
    MAX_PULSE_COMMENT,
    MAX_RESOLUTION_NOTE,
    REMATCH_END_REASONS,
)
from mentora.matching.models import ConcernOutcome, ConcernReason, PulseAnswer

_CHOOSE = {"required": _("Choose one."), "invalid_choice": _("Choose one from the list.")}


def _too_long(limit: int) -> dict[str, Any]:
    return {"max_length": format_lazy(_("Keep it under {limit} characters."), limit=f"{limit:,}")}


class PulseAnswerForm(inputs.Form):
    answer = forms.ChoiceField(
        choices=PulseAnswer.choices,
        widget=forms.RadioSelect,
        label=_("How is this mentorship going?"),
        error_messages=_CHOOSE,
    )
    comment = forms.CharField(
        max_length=MAX_PULSE_COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Anything to add? (optional, seen by your success manager)"),
        error_messages=_too_long(MAX_PULSE_COMMENT),
    )


class ConcernForm(inputs.Form):
    reason = forms.ChoiceField(
        choices=ConcernReason.choices,
        widget=forms.RadioSelect,
        label=_("What isn't working?"),
        error_messages={
            "required": _("Choose a reason."),
            "invalid_choice": _("Choose a reason from the list."),
        },
    )
    details = forms.CharField(
        max_length=MAX_CONCERN_DETAILS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label=_("Tell your success manager more"),
        help_text=_("Only your success manager and program staff read this, not the other person."),
        error_messages=_too_long(MAX_CONCERN_DETAILS),
    )


def _end_reason_choices() -> list[tuple[str, str]]:
    return [(r.value, r.label) for r in REMATCH_END_REASONS]


class ResolveForm(inputs.Form):
    """Keep going or pause; a re-match goes through the re-match page."""

    outcome = forms.ChoiceField(
        choices=[
            (ConcernOutcome.KEEP_GOING, _("Keep going")),
            (ConcernOutcome.PAUSED, _("Pause the mentorship")),
        ],
        widget=forms.RadioSelect,
        label=_("Outcome"),
        error_messages=_CHOOSE,
    )
    note = forms.CharField(
        max_length=MAX_RESOLUTION_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Note (what was agreed)"),
        help_text=_("The person who raised the concern is told the outcome."),
        error_messages=_too_long(MAX_RESOLUTION_NOTE),
    )


class RematchForm(inputs.Form):
    mentor = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        label=_("New mentor"),
        error_messages={
            "required": _("Choose the new mentor."),
            "invalid_choice": _("Choose a mentor from the list."),
        },
    )
    reason = forms.ChoiceField(
        choices=_end_reason_choices,
        label=_("Why the current mentorship ends"),
        error_messages={
            "required": _("Choose a reason."),
            "invalid_choice": _("Choose a reason from the list."),
        },
    )
    note = forms.CharField(
        max_length=MAX_RESOLUTION_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Note (kept with the ended mentorship)"),
        error_messages=_too_long(MAX_RESOLUTION_NOTE),
    )

    def __init__(self, *args: object, mentors: Sequence[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["mentor"].choices = mentors  # type: ignore[attr-defined]
