"""Personal data pages: one's own export, and a program admin's erasure of a person.

Thin views: access.py decides who reaches the page (404 otherwise), the form
checks the typed email, `services.person_erase` does the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mentora import errors
from mentora.accounts.http import AuthedRequest
from mentora.matching.lifecycle.offboarding import offboarding_plan
from mentora.privacy import access, queries, services
from mentora.privacy.errors import PrivacyError
from mentora.privacy.export import export_zip
from mentora.privacy.forms import EraseConfirmForm
from mentora.privacy.models import PersonErasure
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Membership, Role


@login_required
@require_GET
def export_own_data(request: AuthedRequest) -> HttpResponseBase:
    """The signed-in person's own data, as a ZIP (nobody else's can be asked for)."""
    archive = export_zip(request.user)
    stamp = timezone.now().strftime("%Y-%m-%d")
    response = FileResponse(
        archive,
        as_attachment=True,
        filename=f"mentora-my-data-{stamp}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


@program_view(roles=[Role.ADMIN])
def person_erase(request: ProgramRequest, user_id: int) -> HttpResponse:
    program, now = request.program, timezone.now()
    person = access.person_for_erasure(request.user, program, user_id)
    erasure = PersonErasure.objects.filter(erased_user_id=person.pk).select_related("by").first()
    refusal = services.erasure_refusal(user=person, program=program, by=request.user)
    form = EraseConfirmForm(request.POST or None, expected_email=person.email)
    status = 200
    if request.method == "POST":
        if refusal is not None:
            status = 409
        elif not form.is_valid():
            status = 400
        else:
            try:
                services.person_erase(user=person, program=program, by=request.user)
            except PrivacyError as error:
                errors.form_error(form, error)
                status = 409
            else:
                messages.success(request, _("The person's personal data was erased."))
                return redirect("person_erase", slug=program.slug, user_id=person.pk)
    context = {
        "program": program,
        "person": person,
        "erasure": erasure,
        "refusal": refusal,
        "form": form,
        "memberships": Membership.objects.filter(user=person, program=program),
        "preview": queries.erasure_preview(person) if person.erased_at is None else None,
        # Off-boarding's own words for what leaving ends and cancels.
        "plan": (
            offboarding_plan(
                memberships=Membership.objects.active().filter(user=person), now=now
            ).lines()
            if person.erased_at is None
            else []
        ),
    }
    return render(request, "privacy/erase.html", context, status=status)
