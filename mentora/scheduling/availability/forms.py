"""Forms for the availability editor: weekly hours, date overrides, time off.

The forms only parse (a weekday, a time, a date); the rules themselves (end
after start, no overlaps, no past dates) live in availability_services, and
`add_domain_error` puts a service's message next to the field it is about.
Templates render these with `novalidate`, so the server's message is the one
a person reads.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from mentora.converters import MAX_ID
from mentora.scheduling.availability import services
from mentora.scheduling.errors import SchedulingError
from mentora.scheduling.models import OverrideKind, Weekday

TIME_FORMAT = "%H:%M"
DATE_FORMAT = "%Y-%m-%d"


def time_field(label: str, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=[TIME_FORMAT, "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format=TIME_FORMAT),
        error_messages={
            "required": f"Enter the {label.lower()} time, for example 18:00.",
            "invalid": "Enter a time as hours and minutes, for example 18:00.",
        },
    )


def date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={
            "required": f"Enter the {label.lower()}.",
            "invalid": "Enter a date as year-month-day, for example 2027-03-14.",
        },
    )


class DomainErrorForm(forms.Form):
    """A form that puts a SchedulingError next to the field its code is about."""

    # Service error code -> field name; codes not listed go above the form.
    error_fields: ClassVar[dict[str, str]] = {}

    def add_domain_error(self, error: SchedulingError) -> None:
        self.add_error(self.error_fields.get(error.code), error.message)


class WeeklyHoursForm(DomainErrorForm):
    prefix = "weekly"
    error_fields = {
        services.END_NOT_AFTER_START: "end_time",
        services.OVERLAP: "start_time",
    }

    weekday = forms.TypedChoiceField(
        label="Day",
        choices=Weekday.choices,
        coerce=int,
        error_messages={
            "required": "Choose a day of the week.",
            "invalid_choice": "Choose a day of the week from the list.",
        },
    )
    start_time = time_field("Start")
    end_time = time_field("End")


class DateOverrideForm(DomainErrorForm):
    prefix = "override"
    error_fields = {
        services.END_NOT_AFTER_START: "end_time",
        services.OVERLAP: "start_time",
        services.DATE_IN_PAST: "date",
        services.ALREADY_DAY_OFF: "date",
        services.TIMES_NOT_ALLOWED: "start_time",
    }

    date = date_field("Date")
    kind = forms.ChoiceField(
        label="What changes",
        choices=OverrideKind.choices,
        error_messages={
            "required": "Choose extra hours or a day off.",
            "invalid_choice": "Choose extra hours or a day off.",
        },
    )
    start_time = time_field("Start", required=False)
    end_time = time_field("End", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].help_text = "Extra hours need a start and an end; a day off needs none."

    def add_domain_error(self, error: SchedulingError) -> None:
        if error.code == services.TIMES_REQUIRED:
            # Next to the time that is missing: the end, if only the start was given.
            missing_end = self.cleaned_data.get("start_time") is not None
            self.add_error("end_time" if missing_end else "start_time", error.message)
            return
        super().add_domain_error(error)


class TimeOffForm(DomainErrorForm):
    prefix = "time_off"
    error_fields = {
        services.END_NOT_AFTER_START: "ends_on",
        services.DATE_IN_PAST: "ends_on",
        services.TIME_OFF_TOO_LONG: "ends_on",
    }

    starts_on = date_field("First day")
    ends_on = date_field("Last day")
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=200,
        help_text="Optional, for example “Parental leave”.",
        error_messages={
            "max_length": "Keep the note to at most %(limit_value)d characters "
            "(you wrote %(show_value)d)."
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Report an overlong paste instead of letting the browser cut it silently.
        self.fields["note"].widget.attrs.pop("maxlength", None)


class RemoveForm(forms.Form):
    """The id of the row a remove button names; anything else is refused."""

    id = forms.IntegerField(min_value=1, max_value=MAX_ID)
