"""Forms for the directory and for requests. Views turn MatchingError into form errors."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.accounts.choices import (
    FLAG_BACKGROUND_FIELDS,
    BackgroundField,
    CareerStage,
    EducationPath,
    KnowledgeArea,
    SpokenLanguage,
)
from mentora.matching.engine.features import DEFAULT_DAY
from mentora.matching.mentor_requests.directory import Filters
from mentora.matching.mentor_requests.queries import WeeklyTime
from mentora.matching.mentor_requests.services import MAX_DECLINE_NOTE, MAX_MESSAGE
from mentora.matching.models import MIN_REQUEST_MESSAGE, DeclineReason
from mentora.scheduling.models import Frequency, Weekday

CHECKBOXES = forms.CheckboxSelectMultiple


class DirectoryFilterForm(inputs.Form):
    """The directory's filters, read from the query string. A bad value is reported
    next to its field and ignored; the other filters still apply."""

    stack = forms.MultipleChoiceField(
        required=False,
        widget=CHECKBOXES,
        label=_("Technical stack"),
        help_text=_("Knows all of these."),
    )
    area = forms.MultipleChoiceField(
        choices=KnowledgeArea.choices,
        required=False,
        widget=CHECKBOXES,
        label=_("Knowledge areas"),
        help_text=_("Knows all of these."),
    )
    stage = forms.MultipleChoiceField(
        choices=CareerStage.choices, required=False, widget=CHECKBOXES, label=_("Career stage")
    )
    min_years = inputs.BoundedIntegerField(
        required=False, min_value=0, max_value=60, label=_("At least this many years of experience")
    )
    education = forms.MultipleChoiceField(
        choices=EducationPath.choices, required=False, widget=CHECKBOXES, label=_("Learned to code")
    )
    language = forms.MultipleChoiceField(
        choices=SpokenLanguage.choices,
        required=False,
        widget=CHECKBOXES,
        label=_("Speaks"),
        help_text=_("Any of these."),
    )
    min_overlap = inputs.BoundedIntegerField(
        required=False,
        min_value=1,
        max_value=98,
        label=_("Hours of your day in their weekly availability, at least"),
        help_text=format_lazy(
            _("Your day is {start:%H:%M}–{end:%H:%M} in your time zone."),
            start=DEFAULT_DAY[0],
            end=DEFAULT_DAY[1],
        ),
    )
    has_room = forms.BooleanField(required=False, label=_("Has room for a new mentee"))
    background = forms.MultipleChoiceField(
        choices=[c for c in BackgroundField.choices if c[0] in FLAG_BACKGROUND_FIELDS],
        required=False,
        widget=CHECKBOXES,
        label=_("Background they chose to share"),
    )
    shares_my_background = forms.BooleanField(
        required=False,
        label=_("Shares my background"),
        help_text=_("Gave the same answer as you to a background question, and shared it."),
    )

    def __init__(
        self,
        data: Any,
        *,
        stack_choices: list[tuple[str, str]],
        for_mentee: bool,
        day: tuple[time, time] = DEFAULT_DAY,
    ) -> None:
        super().__init__(data)
        if for_mentee:  # the viewing mentee's own hours (their profile's)
            self.fields["min_overlap"].help_text = format_lazy(
                _("Your day is {start:%H:%M}–{end:%H:%M} in your time zone."),
                start=day[0],
                end=day[1],
            )
        self.fields["stack"].choices = stack_choices  # type: ignore[attr-defined]
        for name in ("min_overlap", "shares_my_background"):
            if not for_mentee:  # both compare against the viewing mentee
                del self.fields[name]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("Choose from the list.")

    def filters(self) -> Filters:
        """The valid filters (call after is_valid(); invalid fields are left out)."""
        data = self.cleaned_data
        return Filters(
            stack=frozenset(int(v) for v in data.get("stack") or ()),
            areas=frozenset(data.get("area") or ()),
            stages=frozenset(data.get("stage") or ()),
            min_years=data.get("min_years"),
            education=frozenset(data.get("education") or ()),
            languages=frozenset(data.get("language") or ()),
            min_overlap=data.get("min_overlap"),
            has_room=bool(data.get("has_room")),
            background=frozenset(data.get("background") or ()),
            shares_my_background=bool(data.get("shares_my_background")),
        )

    def active_count(self) -> int:
        return sum(1 for value in getattr(self, "cleaned_data", {}).values() if value)


class RequestForm(inputs.Form):
    message = forms.CharField(
        max_length=MAX_MESSAGE,
        min_length=MIN_REQUEST_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 6}),
        label=_("What do you want to achieve with this mentor?"),
        help_text=_(
            "A couple of sentences: where you are, where you want to get to, and "
            "how they could help."
        ),
        error_messages={
            "required": _("Tell the mentor what you want to achieve."),
            "min_length": _(
                "Write at least a couple of sentences (%(limit_value)d characters or more)."
            ),
            "max_length": _("Keep it under %(limit_value)d characters."),
        },
    )


class AcceptForm(inputs.Form):
    """The mentor proposes one of their weekly available times for the regular sessions."""

    slot = forms.ChoiceField(label=_("Regular time (your zone)"))
    frequency = forms.ChoiceField(
        choices=Frequency.choices, initial=Frequency.WEEKLY, label=_("How often")
    )

    def __init__(self, data: Any = None, *, times: list[WeeklyTime]) -> None:
        super().__init__(data)
        grouped: dict[str, list[tuple[str, str]]] = {}
        for t in times:
            grouped.setdefault(Weekday(t.weekday).label, []).append((t.value, t.label))
        self.fields["slot"].choices = list(grouped.items())  # type: ignore[attr-defined]
        self.fields["slot"].error_messages.update(
            invalid_choice=_("Pick one of your weekly times from the list."),
            required=_("Pick one of your weekly times."),
        )
        self.fields["frequency"].error_messages["invalid_choice"] = _("Choose how often you meet.")

    def weekly_time(self) -> tuple[int, time]:
        weekday, at = self.cleaned_data["slot"].split("-")
        hour, minute = at.split(":")
        return int(weekday), time(int(hour), int(minute))


class DeclineForm(inputs.Form):
    reason = forms.ChoiceField(
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        label=_("Why are you declining?"),
        error_messages={
            "required": _("Choose a reason."),
            "invalid_choice": _("Choose a reason from the list."),
        },
    )
    note = forms.CharField(
        max_length=MAX_DECLINE_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("A word to the mentee (optional)"),
        help_text=_("For example, who might be a better fit."),
    )
