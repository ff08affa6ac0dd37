"""Forms of the import page: the upload (shared with Django admin's import) and the
confirm step, which carries the previewed file back in a signed ticket.

The ticket is the file's text, the "hold invitations" choice and the preview's
fingerprint, signed (django.core.signing, compressed) for this program and this
admin, and good for an hour. Nothing is stored between preview and confirm, and a
ticket can't be edited, replayed by someone else or used in another program.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext as _

from mentora import inputs
from mentora.accounts.models import User
from mentora.programs.csv_import import MAX_BYTES
from mentora.programs.forms import PeopleImportForm
from mentora.programs.models import Program

UploadForm = PeopleImportForm  # one upload form for the app and Django admin

TICKET_MAX_AGE_SECONDS = 60 * 60
# The signed, compressed, base64 text of a file of at most MAX_BYTES.
MAX_TICKET_LENGTH = MAX_BYTES * 2


@dataclass(frozen=True)
class Ticket:
    data: bytes
    hold_invitations: bool
    fingerprint: str


def _salt(program: Program, user: User) -> str:
    return f"mentora.programs.importing:{program.pk}:{user.pk}"


def ticket_make(
    *, program: Program, user: User, data: bytes, hold_invitations: bool, fingerprint: str
) -> str:
    """Sign a previewed file (already read as UTF-8 by the parser) for the confirm step."""
    payload = {"csv": data.decode("utf-8"), "hold": hold_invitations, "fp": fingerprint}
    return signing.dumps(payload, salt=_salt(program, user), compress=True)


class ConfirmForm(inputs.Form):
    ticket = forms.CharField(widget=forms.HiddenInput, max_length=MAX_TICKET_LENGTH, strip=False)

    def __init__(self, *args: Any, program: Program, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program, self.user = program, user

    def clean_ticket(self) -> Ticket:
        raw = self.cleaned_data["ticket"]
        try:
            payload = signing.loads(
                raw, salt=_salt(self.program, self.user), max_age=TICKET_MAX_AGE_SECONDS
            )
        except signing.SignatureExpired as error:
            raise forms.ValidationError(
                _("This preview is more than an hour old. Upload the file again.")
            ) from error
        except (signing.BadSignature, ValueError) as error:
            raise forms.ValidationError(
                _("This preview could not be read. Upload the file again.")
            ) from error
        if not (
            isinstance(payload, dict)
            and isinstance(payload.get("csv"), str)
            and isinstance(payload.get("hold"), bool)
            and isinstance(payload.get("fp"), str)
        ):
            raise forms.ValidationError(_("This preview could not be read. Upload the file again."))
        return Ticket(
            data=payload["csv"].encode("utf-8"),
            hold_invitations=payload["hold"],
            fingerprint=payload["fp"],
        )
