"""The cohort form: a name and optional start and end dates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentora import inputs
from mentora.programs.cohorts.services import NAME_MAX
from mentora.programs.models import Cohort


class CohortForm(inputs.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=NAME_MAX,
        help_text=gettext_lazy("For example “Spring 2027”. Unique in the program."),
    )
    starts_on = inputs.BoundedDateField(
        label=gettext_lazy("Start date"),
        required=False,
        years=(10, 10),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Optional. The day its mentees start."),
    )
    ends_on = inputs.BoundedDateField(
        label=gettext_lazy("End date"),
        required=False,
        years=(10, 10),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Optional. After the start date; graduation is at the end."),
    )

    @classmethod
    def for_cohort(cls, cohort: Cohort, data: Any = None) -> CohortForm:
        initial = {"name": cohort.name, "starts_on": cohort.starts_on, "ends_on": cohort.ends_on}
        return cls(data, initial=initial)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error(
                "ends_on",
                _("End date: the cohort must end after it starts (%(start)s).")
                % {"start": starts_on.isoformat()},
            )
        return cleaned

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"], "starts_on": data["starts_on"], "ends_on": data["ends_on"]}
