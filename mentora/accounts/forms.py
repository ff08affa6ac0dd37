"""Forms for editing one's own account, profiles and background.

Every rule is checked on the server with a message next to the field; the
page's forms carry `novalidate`, and length limits are not mirrored as HTML
`maxlength` so that an overlong paste is reported instead of silently cut.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.accounts import services
from mentora.accounts.choices import (
    FLAG_BACKGROUND_FIELDS,
    BackgroundField,
    KnowledgeArea,
    SpokenLanguage,
    Visibility,
)
from mentora.accounts.models import BackgroundAnswer, MenteeProfile, MentorProfile, User
from mentora.accounts.timezones import time_zone_names

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev dependency: for mypy only

TOO_LONG = _("Keep this to at most %(limit_value)d characters (you wrote %(show_value)d).")
BAD_URL = _("Enter a full web address starting with https://, for example https://github.com/ada.")
TIME_ZONE_LIST_ID = "time-zone-names"


class ClearMessagesMixin:
    """Length messages that give the limit and the count; no HTML maxlength."""

    fields: dict[str, forms.Field]

    def _clarify(self) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = TOO_LONG
                field.widget.attrs.pop("maxlength", None)
            if isinstance(field, forms.ChoiceField):
                field.choices = _with_blank_label(field.choices)


def _with_blank_label(choices: Any) -> list[tuple[Any, Any]]:
    # "Prefer not to say" reads better than Django's "---------".
    return [(v, _("Prefer not to say") if v == "" else label) for v, label in choices]


class WebAddressField(forms.URLField):
    """http and https only: a link someone will click must open in a browser."""

    default_validators = [URLValidator(schemes=["http", "https"])]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("error_messages", {"invalid": BAD_URL})
        super().__init__(**kwargs)


class StackField(forms.CharField):
    """Comma-separated technology names, cleaned into a list of tag names."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Technical stack"))
        kwargs.setdefault("max_length", 1500)
        kwargs.setdefault(
            "help_text",
            _("Languages, frameworks and tools, separated by commas: Python, Django, Git"),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        return services.normalise_tags(super().clean(value) or "")


def choice_checkboxes(choices: Any, label: StrOrPromise) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices,
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("“%(value)s” is not one of the choices.")},
    )


def _enter_between(what: StrOrPromise, low: int, high: int) -> str:
    return gettext("Enter %(what)s from %(low)d to %(high)d.") % {
        "what": what,
        "low": low,
        "high": high,
    }


# Forms are built at import time, before any language is active: translate on use.
_enter_between_lazy = lazy(_enter_between, str)


def whole_number(
    low: int, high: int, label: StrOrPromise, what: StrOrPromise
) -> forms.IntegerField:
    message = _enter_between_lazy(what, low, high)
    return inputs.BoundedIntegerField(
        min_value=low,
        max_value=high,
        label=label,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


class AccountForm(ClearMessagesMixin, inputs.ModelForm):
    class Meta:
        model = User
        fields = list(services.ACCOUNT_FIELDS)
        labels = {"time_zone": _("Time zone"), "preferred_language": _("Language of the app")}
        help_texts = {"time_zone": _("Start typing a city, for example Europe/Berlin.")}
        widgets = {
            "time_zone": forms.TextInput(attrs={"list": TIME_ZONE_LIST_ID, "autocomplete": "off"})
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clarify()

    def time_zone_names(self) -> Sequence[str]:
        return time_zone_names()


def _stack_text(profile: MentorProfile | MenteeProfile) -> str:
    return ", ".join(profile.stack_names()) if profile.pk else ""


class MentorProfileForm(ClearMessagesMixin, inputs.ModelForm):
    stack = StackField()
    knowledge_areas = choice_checkboxes(KnowledgeArea.choices, _("Knowledge areas"))
    languages = choice_checkboxes(SpokenLanguage.choices, _("Languages I mentor in"))
    years_experience = whole_number(
        0, 60, _("Years of professional experience"), _("a number of years")
    )
    capacity = whole_number(0, 20, _("How many mentees at once"), _("a number of mentees"))
    meeting_link = WebAddressField(
        label=_("Meeting link"), help_text=_("Your video-call room, for your mentees.")
    )
    github_url = WebAddressField(label=_("GitHub"))
    linkedin_url = WebAddressField(label=_("LinkedIn"))
    portfolio_url = WebAddressField(label=_("Portfolio or website"))

    # The stack is not a model field of the form (it is parsed text), so place it.
    field_order = ["headline", "bio", "stack"]

    class Meta:
        model = MentorProfile
        fields = list(services.MENTOR_FIELDS)
        labels = {"current_role": _("Current role"), "education_path": _("How I learned to code")}
        help_texts = {"headline": _("One line that tells a mentee what you are good at.")}
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clarify()
        self.initial["stack"] = _stack_text(self.instance)

    def service_data(self) -> dict[str, Any]:
        # A form cut to fewer fields (a welcome step) passes on only its own.
        names = [n for n in [*self.Meta.fields, "stack"] if n in self.fields]
        return {name: self.cleaned_data[name] for name in names}


def meeting_time(label: StrOrPromise, help_text: StrOrPromise = "") -> forms.TimeField:
    """A time of day as hours and minutes (the browser's time picker where it has one).

    Not required: left out, the saved hours stay (MenteeProfileForm.clean)."""
    message = _("Enter a time as hours and minutes, for example 18:00.")
    return forms.TimeField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": message, "invalid": message},
    )


class MenteeProfileForm(ClearMessagesMixin, inputs.ModelForm):
    stack = StackField(label=_("What I work with"))
    interests = choice_checkboxes(KnowledgeArea.choices, _("Areas I want help with"))
    languages = choice_checkboxes(SpokenLanguage.choices, _("Languages I speak"))
    meets_from = meeting_time(
        _("I can meet from"),
        _("In your own time zone: sessions are proposed only inside these hours."),
    )
    meets_until = meeting_time(_("Until"))

    field_order = ["learning", "target_roles", "stack"]

    class Meta:
        model = MenteeProfile
        fields = list(services.MENTEE_FIELDS)
        labels = {
            "learning": _("What I'm learning"),
            "target_roles": _("Roles I'm aiming for"),
            "education_path": _("How I'm learning to code"),
            "prior_background": _("My background"),
            "wants_shared_background": _("A mentor with a shared background matters to me"),
        }
        widgets = {"prior_background": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clarify()
        if "stack" in self.fields:
            self.initial["stack"] = _stack_text(self.instance)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("meets_from", "meets_until"):
            if name in self.fields and name not in self.errors and cleaned.get(name) is None:
                cleaned[name] = getattr(self.instance, name)  # left out: the saved hours stay
        start, end = cleaned.get("meets_from"), cleaned.get("meets_until")
        if start is not None and end is not None and end <= start:
            self.add_error(
                "meets_until",
                gettext("The end of your day (%(end)s) must come after its start (%(start)s).")
                % {"end": end.strftime("%H:%M"), "start": start.strftime("%H:%M")},
            )
        return cleaned

    def service_data(self) -> dict[str, Any]:
        names = [n for n in [*self.Meta.fields, "stack"] if n in self.fields]
        return {name: self.cleaned_data[name] for name in names}


def _visibility_name(field: str) -> str:
    return f"{field}_visibility"


def _who_sees(question: str) -> str:
    return gettext("Who sees “%(question)s”") % {"question": question}


_who_sees_lazy = lazy(_who_sees, str)


class BackgroundForm(ClearMessagesMixin, inputs.Form):
    """One optional answer per background question, each with who may see it."""

    def __init__(self, *args: Any, answers: Sequence[BackgroundAnswer] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        saved = {a.field: a for a in answers}
        for question in BackgroundField:
            self.fields[question.value] = self._answer_field(question)
            # Not required: a missing choice falls back to the private default.
            self.fields[_visibility_name(question.value)] = forms.TypedChoiceField(
                choices=Visibility.choices,
                initial=Visibility.PRIVATE,
                required=False,
                empty_value=Visibility.PRIVATE,
                label=_who_sees_lazy(question.label),
            )
            if question in saved:
                self._fill(question, saved[question])
        self._clarify()

    @staticmethod
    def _answer_field(question: BackgroundField) -> forms.Field:
        if question in FLAG_BACKGROUND_FIELDS:
            return forms.BooleanField(required=False, label=question.label)
        return forms.CharField(
            required=False,
            max_length=80,
            label=question.label,
            help_text=_("In your own words; leave empty to not say."),
        )

    def _fill(self, question: BackgroundField, answer: BackgroundAnswer) -> None:
        flag = question in FLAG_BACKGROUND_FIELDS
        self.initial[question.value] = True if flag else answer.value
        self.initial[_visibility_name(question.value)] = answer.visibility

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[q.value], self[_visibility_name(q.value)]) for q in BackgroundField]

    def entries(self) -> list[services.BackgroundEntry]:
        return [self._entry(q) for q in BackgroundField]

    def _entry(self, question: BackgroundField) -> services.BackgroundEntry:
        value = self.cleaned_data[question.value]
        if isinstance(value, bool):
            value = services.FLAG_VALUE if value else ""
        return services.BackgroundEntry(
            field=question.value,
            value=value,
            visibility=self.cleaned_data[_visibility_name(question.value)],
        )


class ProfileForms:
    """The forms of the profile page, validated and saved together.

    `as_mentor` and `as_mentee` say which profiles the person has a part for
    (the caller decides from their memberships; accounts knows no programs).
    """

    def __init__(
        self,
        *,
        user: User,
        as_mentor: bool,
        as_mentee: bool,
        mentor_profile: MentorProfile | None,
        mentee_profile: MenteeProfile | None,
        answers: Sequence[BackgroundAnswer],
        data: Any = None,
    ) -> None:
        self.user = user
        # A copy: a valid-looking form fills its instance even when another form
        # fails, and the page must not then show values that were never saved.
        self.account = AccountForm(data, instance=copy.copy(user), prefix="account")
        self.mentor = (
            MentorProfileForm(data, instance=mentor_profile or MentorProfile(), prefix="mentor")
            if as_mentor
            else None
        )
        self.mentee = (
            MenteeProfileForm(data, instance=mentee_profile or MenteeProfile(), prefix="mentee")
            if as_mentee
            else None
        )
        self.background = BackgroundForm(data, answers=answers, prefix="background")

    def all(self) -> list[forms.BaseForm]:
        return [f for f in (self.account, self.mentor, self.mentee, self.background) if f]

    def is_valid(self) -> bool:
        results = [form.is_valid() for form in self.all()]  # every form, for all messages
        return all(results)

    def has_errors(self) -> bool:
        return any(form.errors for form in self.all())

    def save(self) -> bool:
        """Save through the service; its ValidationError becomes a page error."""
        try:
            services.profile_update(
                user=self.user,
                account_data={n: self.account.cleaned_data[n] for n in services.ACCOUNT_FIELDS},
                mentor_data=self.mentor.service_data() if self.mentor else None,
                mentee_data=self.mentee.service_data() if self.mentee else None,
                background=self.background.entries(),
            )
        except ValidationError as error:
            self.account.add_error(None, error.messages)
            return False
        return True
