"""Forms of the import page: the upload (shared with Django admin's import) and the
confirm step, which carries the previewed file back in a signed ticket.

The ticket is the file (zlib-compressed, base64), the "hold invitations" choice
and the preview's fingerprint, signed (django.core.signing) for this program and
this admin, and good for an hour. (The bytes are compressed before signing, not
the JSON: JSON writes each non-ASCII letter as six characters.) Nothing is
stored between preview and confirm, and a ticket can't be edited, replayed by
someone else or used in another program.
"""

from __future__ import annotations

import base64
import binascii
import zlib
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
# A file of at most MAX_BYTES, compressed (never much larger), in base64 (4/3), signed.
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
    """Sign a previewed file for the confirm step."""
    packed = base64.b64encode(zlib.compress(data)).decode("ascii")
    payload = {"csv": packed, "hold": hold_invitations, "fp": fingerprint}
    return signing.dumps(payload, salt=_salt(program, user))


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
        unreadable = forms.ValidationError(
            _("This preview could not be read. Upload the file again.")
        )
        if not (
            isinstance(payload, dict)
            and isinstance(payload.get("csv"), str)
            and isinstance(payload.get("hold"), bool)
            and isinstance(payload.get("fp"), str)
        ):
            raise unreadable
        try:
            # Signed by us, so never a bomb; still bounded, like the upload.
            data = zlib.decompressobj().decompress(base64.b64decode(payload["csv"]), MAX_BYTES + 1)
        except (binascii.Error, zlib.error) as error:
            raise unreadable from error
        if len(data) > MAX_BYTES:
            raise unreadable
        return Ticket(data=data, hold_invitations=payload["hold"], fingerprint=payload["fp"])
