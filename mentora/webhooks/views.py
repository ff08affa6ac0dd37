"""/p/<slug>/settings/webhooks/: a program admin's webhook endpoints."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mentora import errors
from mentora.programs import access
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.webhooks import queries, services
from mentora.webhooks.forms import ActionForm, EndpointForm
from mentora.webhooks.services import WebhookError


@program_view(allow=access.manages_settings)
def webhook_settings(request: ProgramRequest) -> HttpResponse:
    program = request.program
    form = EndpointForm()
    secret = ""
    status = 200
    if request.method == "POST":
        if "action" in request.POST:
            action = ActionForm(request.POST)
            if action.is_valid() and services.endpoint_act(
                program,
                action=action.cleaned_data["action"],
                endpoint_id=action.cleaned_data["endpoint"],
                delivery_id=action.cleaned_data["delivery"],
            ):
                messages.success(request, _("Done."))
                return redirect("webhook_settings", slug=program.slug)
            messages.error(request, _("That endpoint or delivery isn't here any more."))
            return redirect("webhook_settings", slug=program.slug)
        form = EndpointForm(request.POST)
        if form.is_valid():
            try:
                _endpoint, secret = services.endpoint_create(
                    program,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    by=request.user,
                )
            except WebhookError as error:
                errors.form_error(form, error)
            else:
                form = EndpointForm()
        if form.errors:
            status = 400
    context = {
        "program": program,
        "form": form,
        "secret": secret,
        "rows": queries.endpoint_rows(program),
    }
    return render(request, "webhooks/settings.html", context, status=status)
