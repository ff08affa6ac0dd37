"""The erasure's confirmation: the person's email, typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentora import inputs


class EraseConfirmForm(inputs.Form):
    email = forms.CharField(
        label=gettext_lazy("Type the person's email address to confirm"),
        max_length=254,
        strip=True,
    )

    def __init__(self, *args: Any, expected_email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected_email = expected_email

    def clean_email(self) -> str:
        typed: str = self.cleaned_data["email"]
        if typed.casefold() != self.expected_email.casefold():
            raise forms.ValidationError(
                _("That is not this person's email address. Nothing was erased."),
                code="email_mismatch",
            )
        return typed
