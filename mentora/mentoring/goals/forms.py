"""Forms for the goals page: they only parse; the rules live in
goals/services.py, and the view puts a service's MentoringError next to the
field it names (`errors.form_error`). Templates render them with `novalidate`,
so the server's message is the one a person reads."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.mentoring.goals import services as goals
from mentora.mentoring.models import GoalStatus

DATE_FORMAT = "%Y-%m-%d"


class GoalRefForm(inputs.Form):
    """The goal a POST is about (a plain hidden `goal` input outside any prefix)."""

    goal = inputs.IdField()


class GoalForm(inputs.Form):
    text = forms.CharField(
        label=_("Goal"),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": goals.GOAL_TEXT_MAX}),
        help_text=_(
            "Be specific: what would done look like? For example "
            "“Have three interview-ready portfolio projects by June”."
        ),
        error_messages={"required": _("Write the goal: what would done look like?")},
    )
    target_date = inputs.BoundedDateField(
        years=(1, 10),
        label=_("Target date"),
        required=False,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        help_text=_("Optional. When would you like to be there?"),
        error_messages={"invalid": _("Enter a date as year-month-day, for example 2027-06-30.")},
    )


class GoalStatusForm(GoalRefForm):
    status = forms.ChoiceField(
        choices=GoalStatus.choices,
        error_messages={"invalid_choice": _("Choose achieved, set aside, or working on it.")},
    )


class GoalCommentForm(inputs.Form):
    comment = forms.CharField(
        label=_("Your comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": goals.COMMENT_MAX}),
        help_text=_("What would help, what to look at first, how you'll know it's done."),
    )


class AgreementForm(inputs.Form):
    """Both shared fields, and only the viewer's own "what I expect" field."""

    how_often = forms.CharField(
        label=_("How often we meet"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": goals.AGREEMENT_SHORT_MAX}),
        help_text=_("For example “Weekly, 45 minutes, Tuesdays; we skip the holiday week”."),
    )
    contact_between_sessions = forms.CharField(
        label=_("How we reach each other between sessions"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": goals.AGREEMENT_SHORT_MAX}),
        help_text=_("For example “Slack for quick questions; answers within two days”."),
    )
    mentee_expects = forms.CharField(
        label=_("What I expect from my mentor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": goals.AGREEMENT_LONG_MAX}),
    )
    mentor_expects = forms.CharField(
        label=_("What I expect from my mentee"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": goals.AGREEMENT_LONG_MAX}),
    )

    def __init__(self, *args: Any, is_mentee: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["mentor_expects" if is_mentee else "mentee_expects"]
