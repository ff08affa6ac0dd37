"""Forms for the availability editor: weekly hours, date overrides, time off.

The forms only parse (a weekday, a time, a date); the rules themselves (end
after start, no overlaps, no past dates) live in availability/services.py.
Each form's `error_fields` names the field a SchedulingCode is about, and
`add_domain_error` puts the service's message there (`errors.form_error`).
Templates render these with `novalidate`, so the server's message is the one
a person reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora import errors, inputs
from mentora.scheduling.errors import SchedulingCode, SchedulingError
from mentora.scheduling.models import OverrideKind, Weekday

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev dependency: for mypy only

TIME_FORMAT = "%H:%M"
DATE_FORMAT = "%Y-%m-%d"


def time_field(
    label: StrOrPromise, *, required_message: StrOrPromise, required: bool = True
) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=[TIME_FORMAT, "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format=TIME_FORMAT),
        error_messages={
            "required": required_message,
            "invalid": _("Enter a time as hours and minutes, for example 18:00."),
        },
    )


def date_field(label: StrOrPromise, *, required_message: StrOrPromise) -> forms.DateField:
    # Overrides and time off are planned a year or two ahead, never in year 9999.
    return inputs.BoundedDateField(
        years=(1, 3),
        label=label,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={
            "required": required_message,
            "invalid": _("Enter a date as year-month-day, for example 2027-03-14."),
        },
    )


START_REQUIRED = _("Enter the start time, for example 18:00.")
END_REQUIRED = _("Enter the end time, for example 18:00.")


class DomainErrorForm(inputs.Form):
    """A form that puts a SchedulingError next to the field its code is about."""

    # Code -> field name; codes not listed go above the form.
    error_fields: ClassVar[dict[SchedulingCode, str]] = {}

    def add_domain_error(self, error: SchedulingError) -> None:
        errors.form_error(self, error, field=self.error_fields.get(SchedulingCode(error.code)))


class WeeklyHoursForm(DomainErrorForm):
    prefix = "weekly"
    error_fields = {
        SchedulingCode.END_NOT_AFTER_START: "end_time",
        SchedulingCode.OVERLAP: "start_time",
    }

    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=Weekday.choices,
        coerce=int,
        error_messages={
            "required": _("Choose a day of the week."),
            "invalid_choice": _("Choose a day of the week from the list."),
        },
    )
    start_time = time_field(_("Start"), required_message=START_REQUIRED)
    end_time = time_field(_("End"), required_message=END_REQUIRED)


class DateOverrideForm(DomainErrorForm):
    prefix = "override"
    error_fields = {
        SchedulingCode.END_NOT_AFTER_START: "end_time",
        SchedulingCode.OVERLAP: "start_time",
        SchedulingCode.DATE_IN_PAST: "date",
        SchedulingCode.ALREADY_DAY_OFF: "date",
        SchedulingCode.TIMES_NOT_ALLOWED: "start_time",
    }

    date = date_field(_("Date"), required_message=_("Enter the date."))
    kind = forms.ChoiceField(
        label=_("What changes"),
        choices=OverrideKind.choices,
        error_messages={
            "required": _("Choose extra hours or a day off."),
            "invalid_choice": _("Choose extra hours or a day off."),
        },
    )
    start_time = time_field(_("Start"), required_message=START_REQUIRED, required=False)
    end_time = time_field(_("End"), required_message=END_REQUIRED, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].help_text = _(
            "Extra hours need a start and an end; a day off needs none."
        )

    def add_domain_error(self, error: SchedulingError) -> None:
        if error.code == SchedulingCode.TIMES_REQUIRED:
            # Next to the time that is missing: the end, if only the start was given.
            missing_end = self.cleaned_data.get("start_time") is not None
            errors.form_error(self, error, field="end_time" if missing_end else "start_time")
            return
        super().add_domain_error(error)


class TimeOffForm(DomainErrorForm):
    prefix = "time_off"
    error_fields = {
        SchedulingCode.END_NOT_AFTER_START: "ends_on",
        SchedulingCode.DATE_IN_PAST: "ends_on",
        SchedulingCode.TIME_OFF_TOO_LONG: "ends_on",
    }

    starts_on = date_field(_("First day"), required_message=_("Enter the first day."))
    ends_on = date_field(_("Last day"), required_message=_("Enter the last day."))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Optional, for example “Parental leave”."),
        error_messages={
            "max_length": _(
                "Keep the note to at most %(limit_value)d characters (you wrote %(show_value)d)."
            )
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Report an overlong paste instead of letting the browser cut it silently.
        self.fields["note"].widget.attrs.pop("maxlength", None)


class RemoveForm(inputs.Form):
    """The id of the row a remove button names; anything else is refused."""

    id = inputs.IdField()
