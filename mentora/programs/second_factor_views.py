"""allauth.mfa's pages, with the programs' rule where allauth has no hook for it.

Turning off the authenticator app asks the MFA adapter (`can_delete_authenticator`);
removing a security key doesn't, so its removal goes through here first: a person
who needs a second factor may not remove their last one.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.views import remove_webauthn
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from mentora.programs.second_factor import SecondFactorAdapter


@login_required
def remove_security_key(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(
        Authenticator, pk=pk, user_id=request.user.pk, type=Authenticator.Type.WEBAUTHN
    )
    adapter = SecondFactorAdapter()
    if request.method == "POST" and not adapter.can_delete_authenticator(key):
        messages.error(request, str(adapter.error_messages["cannot_delete_authenticator"]))
        return redirect("mfa_list_webauthn")
    return remove_webauthn(request, pk=pk)
