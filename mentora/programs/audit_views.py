"""The support-access audit log of a program, for its admins.

A superuser opening this page is support access too, so the log records that
it was read (kind AUDIT) like any other page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from mentora.programs import access
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import AccessAuditEntry

PER_PAGE = 50


@program_view(allow=access.is_program_admin)
def program_audit(request: ProgramRequest) -> HttpResponse:
    entries = AccessAuditEntry.objects.filter(program=request.program).select_related("user")
    # get_page answers junk, huge or out-of-range numbers with the first or last page.
    page = Paginator(entries.order_by("-at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "programs/audit.html", {"program": request.program, "page": page})
