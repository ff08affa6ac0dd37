"""Forms for the workspace, reflect, action-item and feedback pages.

Forms parse and give field-level messages; the rules themselves live in
workspace/services.py, whose MentoringErrors the views put back on the form
(`errors.form_error`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.mentoring.models import (
    ActionKind,
    FeedbackVisibility,
    GoalMet,
    StillMakesSense,
)
from mentora.mentoring.workspace.services import NOTE_MAX_CHARS

RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


class NoteForm(inputs.Form):
    body = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown works: **bold**, lists, `code`, links."),
        error_messages={
            "required": _("Write something in the note first."),
            "max_length": _("Keep a note under 10,000 characters (this one has %(show_value)d)."),
        },
    )
    shared = forms.BooleanField(
        label=_("Share with the other person"),
        required=False,
        initial=True,
        help_text=_("Private notes are only for you: nobody else ever sees them."),
    )


class NoteIdForm(inputs.Form):
    note_id = inputs.IdField()


class AnswerForm(inputs.Form):
    question_id = inputs.IdField()
    answer = forms.CharField(
        label=_("Answer (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ActionItemForm(inputs.Form):
    title = forms.CharField(
        max_length=200, error_messages={"required": _("Give the item a short title.")}
    )
    owner = forms.ChoiceField(
        label=_("Who does it"), choices=[("mentee", _("Mentee")), ("mentor", _("Mentor"))]
    )
    due_on = inputs.BoundedDateField(
        years=(1, 5),
        label=_("Due on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Pick a due date."),
            "invalid": _("Enter a date like 2027-01-31."),
        },
    )
    kind = forms.ChoiceField(choices=ActionKind.choices, initial=ActionKind.PRACTICE)

    def __init__(self, *args: Any, mentee_name: str = "", mentor_name: str = "", **kw: Any):
        super().__init__(*args, **kw)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [
            ("mentee", mentee_name or _("Mentee")),
            ("mentor", mentor_name or _("Mentor")),
        ]


class ItemIdForm(inputs.Form):
    item_id = inputs.IdField()


class ReopenForm(inputs.Form):
    """Whose reflection staff reopen: the session's mentee or its mentor."""

    party = forms.ChoiceField(
        label=_("Whose reflection"),
        choices=[("mentee", _("The mentee's")), ("mentor", _("The mentor's"))],
        error_messages={
            "required": _("Say whose reflection to reopen."),
            "invalid_choice": _("Choose the mentee's or the mentor's reflection."),
        },
    )


class ReflectionForm(inputs.Form):
    goal_met = forms.ChoiceField(
        label=_("Was the session's goal met?"),
        choices=GoalMet.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the goal was met.")},
    )
    why_not = forms.CharField(
        label=_("If not, why not?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    plan_now = forms.CharField(
        label=_("What is the plan now?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    still_makes_sense = forms.ChoiceField(
        label=_("Does this mentorship still make sense for both of you?"),
        choices=StillMakesSense.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer whether the mentorship still makes sense.")},
    )
    topics_covered = forms.CharField(
        label=_("Topics covered"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, for_mentor: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        if not for_mentor:
            del self.fields["topics_covered"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("goal_met") in (GoalMet.PARTLY, GoalMet.NO) and not data.get("why_not"):
            self.add_error("why_not", _("Say briefly why the goal wasn't (fully) met."))
        return data


class FeedbackForm(inputs.Form):
    useful = forms.CharField(
        label=_("What was particularly useful?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    less_productive = forms.CharField(
        label=_("What felt less productive?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rating = forms.TypedChoiceField(
        label=_("How was the session overall? (1 = not helpful, 5 = very helpful)"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    visibility = forms.ChoiceField(
        label=_("Who sees this?"),
        choices=FeedbackVisibility.choices,
        initial=FeedbackVisibility.MENTOR,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose who may see your feedback.")},
    )


class SuggestionForm(inputs.Form):
    index = inputs.BoundedIntegerField(min_value=0, max_value=2)
    title = forms.CharField(
        max_length=200, error_messages={"required": _("Give the item a short title.")}
    )
