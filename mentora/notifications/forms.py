"""The preferences form: one choice per kind of message, offering only the
choices the rules allow (services.check_choice states them again for any caller)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.notifications.models import MUST_SEND, NEVER_DIGEST, Choice, Kind

HELP = {
    Kind.SESSION_CANCELLED: _("Always by email and inbox: you need to know your session is off."),
    Kind.CONCERNS: _("Always by email and inbox: a concern can't wait."),
    Kind.REMINDERS: _("Reminders and session changes come at once, never in the digest."),
}


class PreferencesForm(inputs.Form):
    def __init__(self, *args: Any, initial_choices: dict[str, Choice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in (Kind(k) for k in initial_choices):
            choices = [
                (c.value, c.label)
                for c in Choice
                if not (kind in NEVER_DIGEST and c == Choice.DIGEST)
            ]
            if kind in MUST_SEND:
                choices = [(Choice.EMAIL.value, Choice.EMAIL.label)]
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=choices,
                initial=initial_choices[kind.value],
                disabled=kind in MUST_SEND,
                help_text=HELP.get(kind, ""),
            )
