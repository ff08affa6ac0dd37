"""The token pages' forms: they only parse; tokens.token_create and
tokens.service_token_create decide."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.api.models import TokenScope
from mentora.api.tokens import EXPIRY_DAYS
from mentora.programs.models import Program

if TYPE_CHECKING:
    from django.db.models import QuerySet


class IntegrationTokenForm(inputs.Form):
    """A program's integration token: a name, what it may do, when it expires."""

    name = forms.CharField(
        max_length=100,
        label=_("Name"),
        help_text=_("What it is for, e.g. “Learning platform sync”."),
    )
    scope = forms.ChoiceField(
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        label=_("It may"),
    )
    days = forms.TypedChoiceField(
        choices=[(d, _("%(days)d days") % {"days": d}) for d in EXPIRY_DAYS],
        coerce=int,
        initial=90,
        label=_("Expires after"),
    )


class TokenForm(IntegrationTokenForm):
    """A personal token: the same, and one of the person's programs or all of them."""

    program = inputs.ModelIdChoiceField(
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("All my programs"),
        label=_("Programs"),
    )
    field_order = ["name", "scope", "program", "days"]

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programs
