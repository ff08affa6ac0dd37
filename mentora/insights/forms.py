"""Filters of the insights pages (GET forms). Bad values get a message, never a 500."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.accounts.models import User
from mentora.insights import queries
from mentora.insights.figures import MAX_WEEKS
from mentora.insights.models import RiskPolicy
from mentora.insights.risk import Signal
from mentora.insights.services import EDITABLE
from mentora.programs.forms import CohortChoiceField
from mentora.programs.models import Cohort, Program

DEFAULT_WEEKS = 12
REPORT_YEARS = (5, 1)  # how far back and ahead of today a report period may reach
NOT_ONE_OF_THEM = {"invalid_choice": _("That isn't one of this program's choices.")}


class MentorChoiceField(inputs.ModelIdChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.name


def _cohorts(program: Program) -> CohortChoiceField:
    return CohortChoiceField(
        queryset=queries.cohorts_of(program),
        required=False,
        empty_label=_("All cohorts"),
        error_messages=NOT_ONE_OF_THEM,
    )


class CaseloadFilterForm(inputs.Form):
    signal = forms.ChoiceField(
        choices=[("", _("Any signal")), *Signal.choices], required=False, label=_("Signal")
    )
    page = inputs.BoundedIntegerField(
        required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"] = _cohorts(program)
        self.fields["mentor"] = MentorChoiceField(
            queryset=queries.mentors_of(program),
            required=False,
            empty_label=_("All mentors"),
            error_messages=NOT_ONE_OF_THEM,
        )
        self.order_fields(["cohort", "mentor", "signal", "page"])

    def _valid_data(self) -> dict[str, Any]:
        """The filters that were understood; a bad one is left out (and reported)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def page_number(self) -> int:
        return self._valid_data().get("page") or 1

    def filters(self) -> queries.CaseloadFilters:
        data = self._valid_data()
        signal = data.get("signal")
        return queries.CaseloadFilters(
            cohort=data.get("cohort"),
            mentor=data.get("mentor"),
            signal=Signal(signal) if signal else None,
        )


class PeriodForm(inputs.Form):
    """A range of whole weeks (and, for insights, a cohort)."""

    start = inputs.BoundedDateField(
        required=False,
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = inputs.BoundedDateField(
        required=False,
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, program: Program, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        # Reports cover a program's recent years, counted from its own today.
        low, high = inputs.years_around(today, before=REPORT_YEARS[0], after=REPORT_YEARS[1])
        for name in ("start", "end"):
            field = self.fields[name]
            assert isinstance(field, inputs.BoundedDateField)
            field.set_bounds(low, high)
        self.fields["cohort"] = _cohorts(program)
        # An unbound form shows the range the page uses.
        start, end = queries.default_period(today, DEFAULT_WEEKS)
        self.initial = {"start": start, "end": end, **self.initial}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default_start, default_end = queries.default_period(self.today, DEFAULT_WEEKS)
        start = data.get("start") or default_start
        end = data.get("end") or default_end
        if "start" in self.errors or "end" in self.errors:
            return data
        if start > end:
            raise forms.ValidationError(_("“From” must be on or before “To”."))
        if (end - start) > timedelta(weeks=MAX_WEEKS):
            raise forms.ValidationError(
                _("Choose a range of at most %(weeks)d weeks.") % {"weeks": MAX_WEEKS}
            )
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[date, date, Cohort | None]:
        """(first day, last day, cohort): the valid choice, or the default range."""
        if self.is_valid():
            d = self.cleaned_data
            return d["start"], d["end"], d["cohort"]
        start, end = queries.default_period(self.today, DEFAULT_WEEKS)
        return start, end, None


class RiskPolicyForm(inputs.ModelForm[RiskPolicy]):
    GROUPS = (
        (_("Looking back"), ("window_weeks",)),
        (_("Open concern"), ("concern_weight",)),
        (_("“Not a fit” in a pulse or reflection"), ("not_a_fit_weight",)),
        (_("Missed sessions"), ("missed_threshold", "missed_weight")),
        (_("No recent session"), ("no_session_weeks", "no_session_weight")),
        (_("Held without a goal"), ("no_goal_threshold", "no_goal_weight")),
        (_("Low feedback"), ("low_rating_max", "low_feedback_weight")),
        (_("Overdue action items"), ("overdue_threshold", "overdue_weight")),
        (_("Attendance not recorded"), ("unmarked_weight",)),
        (_("No mentor"), ("no_mentor_weight",)),
        (_("No success manager"), ("no_success_manager_weight",)),
    )

    class Meta:
        model = RiskPolicy
        fields = list(EDITABLE)

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(legend), [self[name] for name in names]) for legend, names in self.GROUPS]
