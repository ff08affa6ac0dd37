"""Forms for the goals page: they only parse; the rules live in mentoring.goals,
and `add_goal_error` puts a service's message next to the field it is about.
Templates render them with `novalidate`, so the server's message is the one a
person reads."""

from __future__ import annotations

from typing import Any

from django import forms

from mentora.mentoring.errors import MentoringError
from mentora.mentoring.goals import services as goals
from mentora.mentoring.models import GoalStatus

DATE_FORMAT = "%Y-%m-%d"


class GoalErrorForm(forms.Form):
    def add_goal_error(self, error: MentoringError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


class GoalRefForm(forms.Form):
    """The goal a POST is about (a plain hidden `goal` input outside any prefix)."""

    goal = forms.IntegerField(min_value=1)


class GoalForm(GoalErrorForm):
    text = forms.CharField(
        label="Goal",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": goals.GOAL_TEXT_MAX}),
        help_text=(
            "Be specific: what would done look like? For example "
            "“Have three interview-ready portfolio projects by June”."
        ),
        error_messages={"required": "Write the goal: what would done look like?"},
    )
    target_date = forms.DateField(
        label="Target date",
        required=False,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        help_text="Optional. When would you like to be there?",
        error_messages={"invalid": "Enter a date as year-month-day, for example 2027-06-30."},
    )


class GoalStatusForm(GoalRefForm):
    status = forms.ChoiceField(
        choices=GoalStatus.choices,
        error_messages={"invalid_choice": "Choose achieved, set aside, or working on it."},
    )


class GoalCommentForm(GoalErrorForm):
    comment = forms.CharField(
        label="Your comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": goals.COMMENT_MAX}),
        help_text="What would help, what to look at first, how you'll know it's done.",
    )


class AgreementForm(GoalErrorForm):
    """Both shared fields, and only the viewer's own "what I expect" field."""

    how_often = forms.CharField(
        label="How often we meet",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": goals.AGREEMENT_SHORT_MAX}),
        help_text="For example “Weekly, 45 minutes, Tuesdays; we skip the holiday week”.",
    )
    contact_between_sessions = forms.CharField(
        label="How we reach each other between sessions",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": goals.AGREEMENT_SHORT_MAX}),
        help_text="For example “Slack for quick questions; answers within two days”.",
    )
    mentee_expects = forms.CharField(
        label="What I expect from my mentor",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": goals.AGREEMENT_LONG_MAX}),
    )
    mentor_expects = forms.CharField(
        label="What I expect from my mentee",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": goals.AGREEMENT_LONG_MAX}),
    )

    def __init__(self, *args: Any, is_mentee: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["mentor_expects" if is_mentee else "mentee_expects"]
