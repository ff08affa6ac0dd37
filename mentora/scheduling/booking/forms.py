"""Forms for the scheduling pages. Views turn SchedulingError into form errors."""

from __future__ import annotations

from datetime import UTC, datetime

from django import forms

from mentora.scheduling.models import (
    PERSON_CANCEL_REASONS,
    AgendaSwitch,
    Frequency,
    SessionStatus,
    Weekday,
)


class SlotForm(forms.Form):
    """A start time picked from the offered slots, sent as an ISO UTC timestamp."""

    starts_at = forms.CharField(max_length=40)

    def clean_starts_at(self) -> datetime:
        raw = self.cleaned_data["starts_at"]
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError("Pick one of the offered times.") from None
        if value.tzinfo is None:
            raise forms.ValidationError("Pick one of the offered times.")
        return value.astimezone(UTC)


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        choices=PERSON_CANCEL_REASONS,
        label="Why are you cancelling?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a reason.",
            "invalid_choice": "Choose a reason from the list.",
        },
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything the other person should know? (optional)",
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class KeepSessionForm(forms.Form):
    switch = forms.ChoiceField(
        choices=AgendaSwitch.choices, widget=forms.RadioSelect, label="Use the session to"
    )


class AttendanceForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (SessionStatus.HELD, "The session was held"),
            (SessionStatus.MENTEE_NO_SHOW, "The mentee didn't come"),
            (SessionStatus.MENTOR_NO_SHOW, "The mentor didn't come"),
        ]
    )


class MakeupRequestForm(forms.Form):
    message = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="A word to your mentor (optional)",
    )


class CadenceForm(forms.Form):
    frequency = forms.ChoiceField(choices=Frequency.choices)
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    time_of_day = forms.TimeField(
        label="Time (mentor's zone)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    length_minutes = forms.IntegerField(min_value=15, max_value=240, label="Length in minutes")
    starts_on = forms.DateField(label="First week", widget=forms.DateInput(attrs={"type": "date"}))
