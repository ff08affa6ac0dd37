"""The personal access tokens page's form: it only parses; tokens.token_create decides."""

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


class TokenForm(inputs.Form):
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
    program = inputs.ModelIdChoiceField(
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("All my programs"),
        label=_("Programs"),
    )
    days = forms.TypedChoiceField(
        choices=[(d, _("%(days)d days") % {"days": d}) for d in EXPIRY_DAYS],
        coerce=int,
        initial=90,
        label=_("Expires after"),
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programs
