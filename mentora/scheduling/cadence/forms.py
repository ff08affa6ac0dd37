"""The cadence form: it only parses; cadence_set holds the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.scheduling.models import Frequency, Weekday


class CadenceForm(inputs.Form):
    frequency = forms.ChoiceField(choices=Frequency.choices)
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    time_of_day = forms.TimeField(
        label=_("Time (mentor's zone)"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    length_minutes = inputs.BoundedIntegerField(
        min_value=15, max_value=240, label=_("Length in minutes")
    )
    # A regular time starts about now: far dates overflow computing its weeks.
    starts_on = inputs.BoundedDateField(
        years=(1, 2), label=_("First week"), widget=forms.DateInput(attrs={"type": "date"})
    )
