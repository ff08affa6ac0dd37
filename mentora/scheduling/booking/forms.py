"""Forms for the booking pages: slot, cancel, keep, attendance, makeup request.
They only parse; the views put a SchedulingError on them with `errors.form_error`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora import inputs

if TYPE_CHECKING:
    from mentora.programs.models import Program

from mentora.scheduling.models import (
    PERSON_CANCEL_REASONS,
    AgendaSwitch,
    SessionStatus,
)


class SlotForm(inputs.Form):
    """A start time picked from the offered slots, sent as an ISO UTC timestamp,
    within the program's booking window: a time outside it (or at the calendar's
    edge, where converting it overflows) is a form error, not a 500."""

    starts_at = inputs.BoundedDateTimeField(
        offset_required=True,
        error_messages={
            "required": _("Pick one of the offered times."),
            "invalid": _("Pick one of the offered times."),
        },
    )

    def __init__(self, *args: Any, program: Program, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["starts_at"]
        assert isinstance(field, inputs.BoundedDateTimeField)
        field.set_bounds(now, now + timedelta(weeks=program.booking_window_weeks))

    def clean_starts_at(self) -> datetime:
        value: datetime = self.cleaned_data["starts_at"]
        return value.astimezone(UTC)


class CancelForm(inputs.Form):
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


class KeepSessionForm(inputs.Form):
    switch = forms.ChoiceField(
        choices=AgendaSwitch.choices, widget=forms.RadioSelect, label=_("Use the session to")
    )


class AttendanceForm(inputs.Form):
    outcome = forms.ChoiceField(
        choices=[
            (SessionStatus.HELD, _("The session was held")),
            (SessionStatus.MENTEE_NO_SHOW, _("The mentee didn't come")),
            (SessionStatus.MENTOR_NO_SHOW, _("The mentor didn't come")),
        ]
    )


class MakeupRequestForm(inputs.Form):
    message = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("A word to your mentor (optional)"),
    )
