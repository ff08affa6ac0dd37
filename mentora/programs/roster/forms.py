"""The people page's forms: the filters (a GET form) and the bulk action (POST)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.accounts.models import User
from mentora.programs.models import Cohort, Role
from mentora.programs.roster.queries import STATUS_CHOICES, Filters, PersonStatus

ANY = [("", _("Any"))]
YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
MAX_SELECTED = 1000


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class CohortChoiceField(inputs.ModelIdChoiceField[Cohort]):
    def label_from_instance(self, obj: Cohort) -> str:
        return obj.name  # Cohort's str() reads its program: a query per option

    def offer(self, cohorts: list[Cohort]) -> None:
        """Options from cohorts already read (the page reads them once for both forms);
        a submitted id is still checked against them in the database."""
        self.queryset = Cohort.objects.filter(pk__in=[c.pk for c in cohorts])
        empty = [] if self.empty_label is None else [("", self.empty_label)]
        # Ids as text: the template would localise each number it prints.
        self.choices = empty + [(str(c.pk), c.name) for c in cohorts]


class RosterFilterForm(inputs.Form):
    """The filters, read from the query string. A value that isn't one of the
    choices is reported next to its field and left out; the rest still apply."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("Name or email"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    role = forms.ChoiceField(choices=ANY + list(Role.choices), required=False, label=_("Role"))
    cohort = CohortChoiceField(
        queryset=Cohort.objects.none(), required=False, label=_("Cohort"), empty_label=_("Any")
    )
    status = forms.ChoiceField(choices=ANY + STATUS_CHOICES, required=False, label=_("Status"))
    has_mentor = forms.ChoiceField(choices=YES_NO, required=False, label=_("Has a mentor"))
    has_success_manager = forms.ChoiceField(
        choices=YES_NO, required=False, label=_("Has a success manager")
    )
    onboarding = forms.BooleanField(required=False, label=_("Onboarding not finished"))

    def __init__(self, data: Any, *, cohorts: list[Cohort]) -> None:
        super().__init__(data)
        self.fields["cohort"].offer(cohorts)  # type: ignore[attr-defined]

    def filters(self) -> Filters:
        """The filters that parsed (call after is_valid(); bad ones are left out)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        cohort = data.get("cohort")
        return Filters(
            search=(data.get("q") or "").strip(),
            role=Role(data["role"]) if data.get("role") else None,
            cohort_id=cohort.pk if cohort else None,
            status=PersonStatus(data["status"]) if data.get("status") else None,
            has_mentor=_yes_no(data.get("has_mentor") or ""),
            has_success_manager=_yes_no(data.get("has_success_manager") or ""),
            onboarding_unfinished=bool(data.get("onboarding")),
        )

    @property
    def active_count(self) -> int:
        data = getattr(self, "cleaned_data", {})
        return sum(1 for value in data.values() if value)


class IdListField(forms.Field):
    """Several object ids (checkboxes of one name), each parsed like every id."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("That selection isn't valid. Reload the page and select again."),
        "too_many": _("Select at most %(max)d people at a time."),
    }

    def to_python(self, value: Any) -> list[int]:
        if value in self.empty_values:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        if len(value) > MAX_SELECTED:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": MAX_SELECTED}
            )
        ids = [inputs.parse_id(str(v)) for v in value]
        if any(i is None for i in ids):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return list(dict.fromkeys(i for i in ids if i is not None))


class Action:
    ASSIGN = "assign_manager"
    BALANCE = "balance_managers"
    MOVE = "move_cohort"
    RESEND = "resend"


class ManagerChoiceField(inputs.ModelIdChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        count = getattr(obj, "caseload", 0)
        return str(_("%(name)s (%(count)d mentees)") % {"name": obj.name, "count": count})


class RosterActionForm(inputs.Form):
    """One bulk action on the selected people. Which actions are offered
    depends on who acts (the view passes `actions`)."""

    people = IdListField(required=True, label=_("People"))
    action = forms.ChoiceField(label=_("Action"))
    success_manager = ManagerChoiceField(
        queryset=User.objects.none(), required=False, label=_("Success manager"), empty_label=None
    )
    cohort = CohortChoiceField(
        queryset=Cohort.objects.none(), required=False, label=_("Cohort"), empty_label=None
    )

    def __init__(
        self,
        data: Any = None,
        *,
        actions: list[tuple[str, Any]],
        managers: list[User],
        cohorts: list[Cohort],
    ) -> None:
        # Its own ids: the filter form above it on the page has a cohort field too.
        super().__init__(data, auto_id="action_%s")
        self.fields["people"].error_messages["required"] = _("Select at least one person.")
        self.fields["action"].choices = actions  # type: ignore[attr-defined]
        manager_field = self.fields["success_manager"]
        manager_field.queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=[m.pk for m in managers]
        )
        # The picker lists the managers smallest caseload first, with their counts;
        # the first, the smallest caseload, is the default ("balances by default").
        pattern = gettext("%(name)s (%(count)d mentees)")
        choices = [
            (m.pk, pattern % {"name": m.name, "count": getattr(m, "caseload", 0)}) for m in managers
        ]
        manager_field.choices = choices  # type: ignore[attr-defined]
        if managers:
            manager_field.initial = managers[0].pk
        chosen = self._chosen_manager()
        # (value, label, selected) for the template, which writes the options itself.
        # (Ids as text: the template would localise each number it prints.)
        self.manager_options = [(str(pk), label, str(pk) == chosen) for pk, label in choices]
        self.fields["cohort"].offer(cohorts)  # type: ignore[attr-defined]

    def _chosen_manager(self) -> str:
        """The manager selected in the picker, as the submitted or initial value."""
        value = self["success_manager"].value()
        return "" if value is None else str(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action == Action.ASSIGN and not data.get("success_manager"):
            self.add_error("success_manager", _("Choose the success manager to assign."))
        if action == Action.MOVE and not data.get("cohort"):
            self.add_error("cohort", _("Choose the cohort to move them to."))
        return data
