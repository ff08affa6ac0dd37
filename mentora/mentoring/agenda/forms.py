"""Forms for the agenda, question list and setup check. They check shape and
length; agenda/services.py holds the rules and raises MentoringError, which
the views put next to the field it names (`errors.form_error`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.mentoring.agenda.services import ALLOWED_FILES_TEXT, URL_SCHEMES
from mentora.mentoring.models import GoalTemplate, MentorshipGoal, WorkDone
from mentora.scheduling.models import AgendaSwitch

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev dependency: for mypy only

URL_MESSAGE = _("Use a web address starting with http:// or https://.")


def _url_field(label: StrOrPromise, *, required: bool) -> forms.URLField:
    return forms.URLField(
        label=label,
        max_length=500,
        required=required,
        assume_scheme="https",
        error_messages={"invalid": URL_MESSAGE, "required": _("Paste the address.")},
    )


class SchemeCheckMixin:
    """URLField accepts ftp:// and friends; the product only links to the web."""

    def _web_url(self, value: str) -> str:
        if value and value.split(":", 1)[0].lower() not in URL_SCHEMES:
            raise forms.ValidationError(URL_MESSAGE)
        return value


class AgendaForm(inputs.Form):
    goal = forms.CharField(
        label=_("My goal for this session"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Be specific: what do you want to walk away with?"),
    )
    goal_template = forms.ChoiceField(
        choices=[("", ""), *GoalTemplate.choices],
        required=False,
        widget=forms.HiddenInput,
    )
    mentorship_goal = inputs.ModelIdChoiceField(
        queryset=MentorshipGoal.objects.none(),
        required=False,
        label=_("Which of our mentorship goals does it serve?"),
        empty_label=_("None in particular"),
        error_messages={"invalid_choice": _("Pick one of this mentorship's goals.")},
    )
    working_on = forms.CharField(
        label=_("What I've been working on"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_days = forms.CharField(
        label=_("What I want to accomplish in the next few days"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    planned_work_done = forms.ChoiceField(
        label=_("Did the work you planned get done?"),
        choices=WorkDone.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the answers.")},
    )
    previous_notes_reviewed = forms.BooleanField(
        label=_("I've reviewed the previous session's notes and material"), required=False
    )
    setup_checked = forms.BooleanField(
        label=_("My camera, microphone and meeting link work"), required=False
    )

    def __init__(
        self, *args: Any, goals: QuerySet[MentorshipGoal] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentorship_goal"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = goals if goals is not None else MentorshipGoal.objects.none()


class LinkForm(SchemeCheckMixin, inputs.Form):
    url = _url_field(_("Link"), required=True)
    title = forms.CharField(label=_("What is it? (optional)"), max_length=120, required=False)

    def clean_url(self) -> str:
        return self._web_url(self.cleaned_data["url"])


class FileForm(inputs.Form):
    upload = forms.FileField(
        label=_("File"),
        help_text=format_lazy(_("{kinds}; up to 5 MB."), kinds=ALLOWED_FILES_TEXT),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("That file is empty."),
        },
    )


class QuestionForm(SchemeCheckMixin, inputs.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the question down.")},
    )
    tried = forms.CharField(
        label=_("What have you tried so far? (optional)"),
        help_text=_(
            "Even a little helps your mentor start in the right place. "
            "Giving it a go first often unsticks you on its own."
        ),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    topic = forms.CharField(label=_("Topic (optional)"), max_length=60, required=False)
    link = _url_field(_("Link (optional)"), required=False)

    def clean_link(self) -> str:
        return self._web_url(self.cleaned_data["link"])


class AnswerForm(inputs.Form):
    answer = forms.CharField(
        label=_("The answer, in a line or two (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SolvedForm(inputs.Form):
    how = forms.CharField(
        label=_("How did you solve it? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SwitchForm(inputs.Form):
    """Keep the session with a different plan when the work isn't done."""

    switch = forms.ChoiceField(
        choices=AgendaSwitch.choices,
        widget=forms.RadioSelect,
        label=_("Use the session to"),
        error_messages={"required": _("Choose a plan.")},
    )
