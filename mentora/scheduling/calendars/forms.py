"""The connect form: it only parses; calendar_connect checks the address and
signs in (services.py), and its refusals land next to their field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.scheduling.models import CalendarKind

from .services import MAX_LABEL, MAX_URL


class ConnectForm(inputs.Form):
    kind = forms.ChoiceField(
        label=_("Kind of calendar"),
        choices=CalendarKind.choices,
        initial=CalendarKind.ICAL,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a kind of calendar.")},
    )
    label = forms.CharField(
        label=_("Name (for you)"),
        required=False,
        max_length=MAX_LABEL,
        help_text=_('For example "Work". Leave empty to use the server\'s name.'),
    )
    url = forms.CharField(
        label=_("Calendar or server address"),
        max_length=MAX_URL,
        help_text=_(
            "iCalendar: the calendar's secret address in iCal format (Google: Settings › "
            "your calendar › Secret address in iCal format; Outlook: Settings › Calendar › "
            "Shared calendars › Publish a calendar, the ICS link). CalDAV: the server's "
            "address, for example https://caldav.icloud.com/."
        ),
        error_messages={"required": _("Give the calendar's address.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    username = forms.CharField(
        label=_("Username (CalDAV only)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label=_("App password (CalDAV only)"),
        required=False,
        max_length=500,
        strip=False,
        help_text=_("Make an app password for Mentora in your account's security settings."),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    write_calendar_url = forms.CharField(
        label=_("Calendar to write your sessions into (CalDAV only, optional)"),
        required=False,
        max_length=MAX_URL,
        help_text=_("That calendar's address on the server. Leave empty to only read busy times."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
