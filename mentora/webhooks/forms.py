"""The webhook settings page's forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora.inputs import Form, IdField
from mentora.webhooks.models import EVENT_TYPES


class EndpointForm(Form):
    url = forms.CharField(label=_("Address (https://…)"), max_length=500)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EVENT_TYPES, widget=forms.CheckboxSelectMultiple
    )


class ActionForm(Form):
    """A button on one endpoint or one delivery."""

    action = forms.ChoiceField(choices=[(a, a) for a in ("resend", "disable", "enable", "delete")])
    endpoint = IdField(required=False)
    delivery = IdField(required=False)
