"""The forms of the applications pages: a round and its questions (admins), the
public application form (built from the round's questions), a reviewer's move
and the queue's filters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.accounts.timezones import validate_time_zone
from mentora.applications import services
from mentora.applications.models import (
    MAX_DECLINE_BODY,
    MAX_INTRO,
    MAX_NOTE,
    MAX_TEMPLATE_NAME,
    REVIEW_MOVES,
    ApplicationStatus,
    DeclineTemplate,
    Question,
    QuestionKind,
    RoundRole,
)
from mentora.programs.models import Cohort

TIME_ZONE_LIST_ID = "applicant-time-zones"
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _moment_field(
    label: Any, *, required: bool, help_text: Any = ""
) -> inputs.BoundedDateTimeField:
    now = timezone.now()
    return inputs.BoundedDateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=_DATETIME,
        minimum=now - timedelta(days=5 * 366),
        maximum=now + timedelta(days=5 * 366),
    )


class RoundEditForm(inputs.Form):
    """A round's dates (read and shown in the program's time zone) and intro."""

    def __init__(self, *args: Any, zone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opens_at"] = _moment_field(
            _("Opens at"),
            required=True,
            help_text=_("In the program's time zone, %(zone)s.") % {"zone": zone},
        )
        self.fields["closes_at"] = _moment_field(
            _("Closes at"),
            required=False,
            help_text=_("Leave empty to keep it open until you close it."),
        )
        self.fields["intro"] = forms.CharField(
            label=_("Introduction on the public page"),
            required=False,
            max_length=MAX_INTRO,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        self.order_fields(["role", "opens_at", "closes_at", "intro"])
        inputs.add_input_checks(self.fields)


class RoundForm(RoundEditForm):
    role = forms.ChoiceField(label=_("Applying as"), choices=RoundRole.choices)


class QuestionForm(inputs.Form):
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=QuestionKind.choices)
    label = forms.CharField(label=_("Question"), max_length=300)
    help_text = forms.CharField(label=_("Help text"), max_length=500, required=False)
    choices = forms.CharField(
        label=_("Choices, one a line"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For one choice or several choices only."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    sensitive = forms.BooleanField(
        label=_("Sensitive: only reviewers see the answers, never mentors"), required=False
    )

    def choice_list(self) -> list[str]:
        return self.cleaned_data["choices"].splitlines()


class RoundActionForm(inputs.Form):
    """A button on the round page: open or close it, remove or move a question."""

    action = forms.ChoiceField(choices=[(a, a) for a in ("open", "close", "remove", "up", "down")])
    question = inputs.IdField(required=False)


_YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _answer_field(question: Question) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required,
        "error_messages": {
            "required": _("This question needs an answer."),
            "invalid_choice": _("Choose one of the choices."),
            "invalid_list": _("Choose among the choices."),
        },
    }
    choices = [(c, c) for c in question.choices]
    if question.kind == QuestionKind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), strip=True, **common)
    if question.kind == QuestionKind.ONE_CHOICE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.MANY_CHOICES:
        common["error_messages"]["invalid_choice"] = _("Choose among the choices.")
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if question.kind == QuestionKind.YES_NO:
        return forms.TypedChoiceField(
            choices=_YES_NO,
            coerce=lambda v: v == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if question.kind == QuestionKind.LINK:
        return forms.CharField(widget=forms.URLInput, **common)
    return forms.CharField(**common)


class ApplyForm(inputs.Form):
    """Name, email, time zone and the round's questions; `website` is a honeypot
    (hidden from people, filled by robots)."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_("We send a link there: your application counts once you open it."),
    )
    time_zone = forms.CharField(
        label=_("Your time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("Start typing a city, for example Europe/Berlin."),
        widget=forms.TextInput(attrs={"list": TIME_ZONE_LIST_ID, "autocomplete": "off"}),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, questions: Sequence[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[services.field_name(question)] = _answer_field(question)
        inputs.add_input_checks(self.fields)

    def honeypot_filled(self) -> bool:
        return bool(self.data.get("website", "").strip()) if hasattr(self.data, "get") else False

    def person_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "email", "time_zone")]

    def question_fields(self) -> list[tuple[Question, forms.BoundField]]:
        return [(q, self[services.field_name(q)]) for q in self.questions]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in self.questions:
            name = services.field_name(question)
            if name not in data:
                continue  # refused by its field already
            problem = services.answer_problem(question, data[name])
            if problem is not None:
                self.add_error(name, problem[1])
        size = services.answers_size(self.answers())
        if size > services.MAX_APPLICATION_CHARS:
            raise forms.ValidationError(services.too_long_message(size))
        return data

    def answers(self) -> dict[int, Any]:
        data = getattr(self, "cleaned_data", {})
        return {
            q.pk: data.get(services.field_name(q))
            for q in self.questions
            if services.field_name(q) in data
        }

    def applicant(self) -> services.Applicant:
        return services.Applicant(
            name=self.cleaned_data["name"],
            email=self.cleaned_data["email"],
            time_zone=self.cleaned_data["time_zone"],
        )


class DraftForm(ApplyForm):
    """Editing a draft through its link: the email stays (it is the link's)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["email"]
        del self.fields["website"]

    def person_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "time_zone")]


class LinkActionForm(inputs.Form):
    action = forms.ChoiceField(choices=[("confirm", "confirm"), ("withdraw", "withdraw")])


class MoveForm(inputs.Form):
    from_status = forms.ChoiceField(choices=ApplicationStatus.choices, widget=forms.HiddenInput)
    to_status = forms.ChoiceField(
        label=_("Move to"),
        choices=ApplicationStatus.choices,
        error_messages={"invalid_choice": _("An application can't move that way from here.")},
    )
    note = forms.CharField(
        label=_("Note (why; kept in the history)"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, initial={"from_status": current}, **kwargs)
        allowed = REVIEW_MOVES.get(current, frozenset())
        field = self.fields["to_status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(v, label) for v, label in ApplicationStatus.choices if v in allowed]


class QueueFilterForm(inputs.Form):
    round = forms.ChoiceField(label=_("Round"), required=False)
    role = forms.ChoiceField(
        label=_("Applying as"), required=False, choices=[("", _("Any")), *RoundRole.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any"))]
        + [(v, label) for v, label in ApplicationStatus.choices if v != ApplicationStatus.DRAFT],
    )

    def __init__(self, *args: Any, rounds: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["round"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any")), *((str(pk), label) for pk, label in rounds)]

    def round_id(self) -> int | None:
        return inputs.parse_id(self.cleaned_data.get("round") or "")


# --- Decisions ----------------------------------------------------------------


def _note_field() -> forms.CharField:
    return forms.CharField(
        label=_("Note (why; kept in the history)"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(inputs.Form):
    """A decision from the status the reviewer saw (`from_status`, a compare-and-set)."""

    decision = forms.ChoiceField(
        choices=[(d, d) for d in ("admit", "waitlist", "decline")], widget=forms.HiddenInput
    )
    from_status = forms.ChoiceField(choices=ApplicationStatus.choices, widget=forms.HiddenInput)

    def __init__(self, *args: Any, current: str, decision: str, **kwargs: Any) -> None:
        initial = {"from_status": current, "decision": decision}
        # Several decisions on one page: each form's ids are its own.
        super().__init__(*args, initial=initial, auto_id=f"{decision}_%s", **kwargs)
        self.fields["note"] = _note_field()


class CohortChoice(inputs.ModelIdChoiceField[Cohort]):
    def label_from_instance(self, obj: Cohort) -> str:
        return obj.name


class AdmitForm(DecisionForm):
    """Admitting: a mentee may join one of the program's open cohorts; a mentor none."""

    def __init__(self, *args: Any, cohorts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, decision="admit", **kwargs)
        if cohorts is not None:
            self.fields["cohort"] = CohortChoice(
                label=_("Cohort"),
                queryset=cohorts,
                required=False,
                empty_label=_("No cohort"),
            )
            self.order_fields(["decision", "from_status", "cohort", "note"])


class WaitlistForm(DecisionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, decision="waitlist", **kwargs)


class TemplateChoice(inputs.ModelIdChoiceField[DeclineTemplate]):
    def label_from_instance(self, obj: DeclineTemplate) -> str:
        return obj.name


class DeclineForm(DecisionForm):
    def __init__(self, *args: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, decision="decline", **kwargs)
        self.fields["template"] = TemplateChoice(
            label=_("Message to the applicant"),
            queryset=templates,
            error_messages={"required": _("Choose the message to send.")},
        )
        self.order_fields(["decision", "from_status", "template", "note"])


class DeclineTemplateForm(inputs.Form):
    add_template = forms.CharField(widget=forms.HiddenInput, initial="1")
    name = forms.CharField(label=_("Name"), max_length=MAX_TEMPLATE_NAME)
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_DECLINE_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent as written to the applicants declined with it."),
    )


class DeclineTemplateRemoveForm(inputs.Form):
    remove_template = inputs.IdField()
