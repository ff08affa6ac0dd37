"""The session page's form for the session's own meeting link. It only parses;
services.clean_meeting_url says what a link may be."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora import inputs


class MeetingLinkForm(inputs.Form):
    meeting_url = forms.CharField(
        label=_("This session's meeting link"),
        required=False,
        max_length=500,
        help_text=_(
            "An https:// address for this session only. Leave it empty to use the usual one."
        ),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        error_messages={"max_length": _("Keep the address under 500 characters.")},
    )
