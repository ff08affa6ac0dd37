"""/accounts/tokens/: a person's own personal access tokens for the API, and
/p/<slug>/settings/integrations/: a program's integration (service) tokens.

Thin views: create (the secret is shown once, on the page the POST redirects
to, never again), list the live ones, revoke. Another person's token id, or
another program's, is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mentora import errors
from mentora.accounts.http import AuthedRequest
from mentora.api import tokens
from mentora.api.errors import ApiError
from mentora.api.forms import IntegrationTokenForm, TokenForm
from mentora.programs import access
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.queries import programs_of

# The new token's secret waits in the session for the page after the redirect,
# which shows it once and forgets it.
NEW_TOKEN_KEY = "mentora_api_new_token"
NEW_INTEGRATION_KEY = "mentora_api_new_integration_token"


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthedRequest) -> HttpResponse:
    programs = programs_of(request.user).order_by("name")
    form = TokenForm(request.POST or None, programs=programs)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = tokens.token_create(
                    owner=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    days=form.cleaned_data["days"],
                    program=form.cleaned_data["program"],
                )
            except ApiError as error:
                errors.form_error(form, error)
                status = 409
            else:
                request.session[NEW_TOKEN_KEY] = {
                    "name": created.token.name,
                    "secret": created.secret,
                }
                return redirect("account_tokens")
        else:
            status = 400
    context = {
        "form": form,
        "created": request.session.pop(NEW_TOKEN_KEY, None) if request.method == "GET" else None,
        "tokens": tokens.live_tokens(request.user, timezone.now()),
    }
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    if not tokens.token_revoke(owner=request.user, token_id=token_id):
        raise Http404
    messages.success(request, _("The token is revoked: it no longer works."))
    return redirect("account_tokens")


@program_view(allow=access.manages_settings)
@require_http_methods(["GET", "POST"])
def integration_tokens(request: ProgramRequest) -> HttpResponse:
    program = request.program
    form = IntegrationTokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = tokens.service_token_create(
                    program=program,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    days=form.cleaned_data["days"],
                )
            except ApiError as error:
                errors.form_error(form, error)
                status = error.status
            else:
                request.session[NEW_INTEGRATION_KEY] = {
                    "name": created.token.name,
                    "secret": created.secret,
                }
                return redirect("integration_tokens", slug=program.slug)
        else:
            status = 400
    context = {
        "program": program,
        "form": form,
        "created": request.session.pop(NEW_INTEGRATION_KEY, None)
        if request.method == "GET"
        else None,
        "tokens": tokens.live_service_tokens(program, timezone.now()),
    }
    return render(request, "api/integrations.html", context, status=status)


@program_view(allow=access.manages_settings)
@require_POST
def integration_token_revoke(request: ProgramRequest, token_id: int) -> HttpResponse:
    if not tokens.service_token_revoke(program=request.program, token_id=token_id):
        raise Http404
    messages.success(request, _("The integration token is revoked: it no longer works."))
    return redirect("integration_tokens", slug=request.program.slug)
