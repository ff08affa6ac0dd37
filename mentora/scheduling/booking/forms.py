"""Forms for the booking pages: slot, cancel, keep, attendance, makeup request.
They only parse; the views put a SchedulingError on them with `errors.form_error`."""

from __future__ import annotations

from datetime import UTC, datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora.scheduling.models import (
    PERSON_CANCEL_REASONS,
    AgendaSwitch,
    SessionStatus,
)


class SlotForm(forms.Form):
    """A start time picked from the offered slots, sent as an ISO UTC timestamp."""

    starts_at = forms.CharField(max_length=40)

    def clean_starts_at(self) -> datetime:
        raw = self.cleaned_data["starts_at"]
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError(_("Pick one of the offered times.")) from None
        if value.tzinfo is None:
            raise forms.ValidationError(_("Pick one of the offered times."))
        return value.astimezone(UTC)


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        choices=PERSON_CANCEL_REASONS,
        label=_("Why are you cancelling?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a reason."),
            "invalid_choice": _("Choose a reason from the list."),
        },
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Anything the other person should know? (optional)"),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class KeepSessionForm(forms.Form):
    switch = forms.ChoiceField(
        choices=AgendaSwitch.choices, widget=forms.RadioSelect, label=_("Use the session to")
    )


class AttendanceForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (SessionStatus.HELD, _("The session was held")),
            (SessionStatus.MENTEE_NO_SHOW, _("The mentee didn't come")),
            (SessionStatus.MENTOR_NO_SHOW, _("The mentor didn't come")),
        ]
    )


class MakeupRequestForm(forms.Form):
    message = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("A word to your mentor (optional)"),
    )
