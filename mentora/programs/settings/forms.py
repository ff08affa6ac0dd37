"""The settings form (every policy of a program, grouped) and the new-program form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.utils import ErrorList
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentora import inputs
from mentora.accounts.timezones import time_zone_names
from mentora.programs.models import Program
from mentora.programs.settings import fields, rules


def _zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in time_zone_names()]


def _with_default(field: forms.Field, name: str) -> None:
    """The field's one-line explanation, then its default."""
    default = fields.default_text(name)
    help_text = str(field.help_text or "")
    if default is not None:
        help_text = _("%(help)s Default: %(default)s.") % {"help": help_text, "default": default}
    field.help_text = help_text.strip()


def _with_model_range(field: forms.Field, name: str) -> None:
    """The model's range on the form field itself, so an out-of-range value is the
    field's own error before the rules between fields see it."""
    if not isinstance(field, forms.IntegerField):
        return
    for validator in Program._meta.get_field(name).validators:  # type: ignore[union-attr]
        if isinstance(validator, MaxValueValidator):
            field.max_value = validator.limit_value  # type: ignore[assignment]
            field.validators.append(validator)
            field.widget.attrs["max"] = validator.limit_value
        elif isinstance(validator, MinValueValidator):
            field.min_value = validator.limit_value  # type: ignore[assignment]
            field.validators.append(validator)
            field.widget.attrs["min"] = validator.limit_value


class ProgramSettingsForm(inputs.ModelForm[Program]):
    """Every setting of a program. Each refused value is worded with its field's
    label; a combination the rules refuse is shown next to every field in it."""

    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"))

    class Meta:
        model = Program
        fields = list(fields.SETTING_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"name": gettext_lazy("How the program is called on every page and email.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = self.fields["time_zone"]
        zone.choices = _zone_choices()  # type: ignore[attr-defined]
        zone.help_text = Program._meta.get_field("time_zone").help_text
        for name, field in self.fields.items():
            _with_default(field, name)
            _with_model_range(field, name)
        self._rule_messages: set[str] = set()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for contradiction in rules.contradictions(cleaned):
            self._rule_messages.add(contradiction.message)
            for name in contradiction.fields:
                self.add_error(name, contradiction.message)
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        # "Ensure this value is less than or equal to 240." says nothing of which
        # setting; the summary at the top and a screen reader need the name.
        for name, errors in list(self.errors.items()):
            if name not in self.fields:
                continue
            worded = [
                message
                if message in self._rule_messages
                else _("%(field)s: %(message)s")
                % {"field": self.fields[name].label, "message": message}
                for message in errors
            ]
            self.errors[name] = ErrorList(worded)

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        named = [(_("The program"), fields.IDENTITY_FIELDS), *fields.POLICY_GROUPS]
        return [(str(legend), [self[name] for name in names]) for legend, names in named]

    def changes(self) -> dict[str, Any]:
        """Every setting's cleaned value (the service records only those that differ)."""
        return {name: self.cleaned_data[name] for name in fields.SETTING_FIELDS}


class ProgramAdminForm(inputs.ModelForm[Program]):
    """Django admin's program form: the same rules between settings as the page
    (a rule whose fields the admin's form doesn't show is skipped)."""

    class Meta:
        model = Program
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for contradiction in rules.contradictions(cleaned):
            for name in contradiction.fields:
                if name in self.fields:
                    self.add_error(name, contradiction.message)
        return cleaned


class ProgramCreateForm(inputs.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    slug = forms.SlugField(
        label=gettext_lazy("Short name in addresses"),
        max_length=60,
        help_text=gettext_lazy(
            "The program's part of every address: /p/<short name>/. "
            "Letters, digits, - and _; it can't be changed later."
        ),
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        initial="UTC",
        help_text=gettext_lazy("The zone new people get until they set their own."),
    )
    copy_from = inputs.ModelIdChoiceField(
        queryset=Program.objects.none(),
        required=False,
        label=gettext_lazy("Copy the settings of"),
        empty_label=gettext_lazy("No program: start from the defaults"),
        help_text=gettext_lazy(
            "Every policy (sessions, booking, reminders, requests, matching, pulses, "
            "reflections) is copied; its people, cohorts and name are not."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = _zone_choices()  # type: ignore[attr-defined]
        self.fields["copy_from"].queryset = Program.objects.order_by("name")  # type: ignore[attr-defined]

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"]).strip().lower()
        if Program.objects.filter(slug=slug).exists():
            raise forms.ValidationError(
                _("Short name in addresses: “%(slug)s” is taken by another program.")
                % {"slug": slug}
            )
        return slug
