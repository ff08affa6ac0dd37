"""Forms of the programs app: inviting one person, uploading a people CSV."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentora import inputs
from mentora.accounts.timezones import time_zone_names
from mentora.inputs import find_control_character, strip_control_characters
from mentora.programs.csv_import import COLUMNS, MAX_BYTES
from mentora.programs.models import Cohort, Program, Role

MAX_CSV_BYTES = MAX_BYTES


class CohortChoiceField(inputs.ModelIdChoiceField):
    def label_from_instance(self, obj: Cohort) -> str:
        # The program is already known on the page; its name would only add noise.
        return obj.name


class InviteForm(inputs.Form):
    email = forms.EmailField(max_length=254)
    name = forms.CharField(
        max_length=150,
        help_text="If they already have an account, they keep the name they chose.",
    )
    role = forms.ChoiceField(choices=Role.choices)
    cohort = CohortChoiceField(
        queryset=Cohort.objects.none(),
        required=False,
        empty_label="No cohort",
        help_text="Only for mentees.",
    )
    time_zone = forms.ChoiceField(
        required=False,
        help_text="Used until they set their own. Leave blank for the program's zone.",
    )

    def __init__(
        self, *args: Any, program: Program, roles: Collection[Role] = tuple(Role), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        _choice_field(self, "role").choices = [(r.value, r.label) for r in Role if r in roles]
        # A closed cohort takes no new members (programs/cohorts/).
        _choice_field(self, "cohort").queryset = program.cohorts.filter(closed_at__isnull=True)
        zone_default = f"The program's zone ({program.time_zone})"
        _choice_field(self, "time_zone").choices = [("", zone_default)] + [
            (z, z) for z in time_zone_names()
        ]

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("cohort") and cleaned.get("role") not in (None, Role.MENTEE):
            self.add_error(
                "cohort",
                _("Only mentees belong to a cohort. Choose “No cohort” or the Mentee role."),
            )
        return cleaned

    def invite_kwargs(self) -> dict[str, Any]:
        """The cleaned values as `services.person_invite` takes them."""
        data = self.cleaned_data
        return {
            "email": data["email"],
            "name": data["name"],
            "role": Role(data["role"]),
            "cohort": data["cohort"],
            "time_zone": data["time_zone"] or None,
        }


def _choice_field(form: forms.Form, name: str) -> Any:
    # The declared field classes are known; django-stubs only sees `Field`.
    return form.fields[name]


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=format_lazy(
            gettext_lazy(
                "UTF-8, at most 1 MB. Columns: {columns}. "
                "Line 1 is the header; a file with any error imports nobody."
            ),
            columns=", ".join(COLUMNS),
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    hold_invitations = forms.BooleanField(
        required=False,
        label=gettext_lazy("Hold invitations"),
        help_text=gettext_lazy(
            "Unchecked, each new person is emailed their invitation (people who already "
            "have a password get a note with a login link). Checked, nobody is emailed now; "
            "resend the invitations from the people page when you are ready."
        ),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        if '"' in name or find_control_character(name) or "\n" in name or "\r" in name:
            # A raw line break in the name ends the upload's header line early, so
            # Django receives a stump such as `"people` (its opening quote kept):
            # saying "not a .csv file" would send the person looking in the wrong place.
            raise forms.ValidationError(
                _(
                    "The file's name could not be read: it contains a line break, a quote or "
                    "another special character, so only “%(name)s” arrived. Rename the file, "
                    "for example to people.csv, and upload it again."
                )
                % {"name": strip_control_characters(name).replace("\n", " ").replace("\r", " ")}
            )
        if not name.lower().endswith(".csv"):
            raise forms.ValidationError(
                _("Upload a .csv file (save the spreadsheet as CSV UTF-8).")
            )
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size).1f MB; at most 1 MB is allowed. "
                    "Split it into smaller files."
                )
                % {"size": upload.size / 1024 / 1024}
            )
        return bytes(upload.read())
