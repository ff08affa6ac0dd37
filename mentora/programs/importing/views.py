"""The import page: upload a CSV file, see every line as it will be imported (or every
bad line with its number and reason), confirm. Program admins only; everyone else
gets the program pages' 404.

Thin views: the upload is parsed by `queries.file_preview`; the confirm step
posts to the same page (every page without an id is one a person can link to),
and its ticket (forms.py) brings the same file back and `services.people_file_import`
imports it only if it still imports as previewed. A refused file answers 400, a
preview gone stale 409, and nothing is saved in either case.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from mentora import errors, spreadsheet
from mentora.programs.csv_import import MAX_ROWS
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.errors import ProgramCode, ProgramError
from mentora.programs.importing import access, queries, services
from mentora.programs.importing.forms import ConfirmForm, UploadForm, ticket_make
from mentora.programs.importing.queries import Preview


def _upload_page(
    request: ProgramRequest, form: UploadForm, status: int = 200, problems: Sequence[str] = ()
) -> HttpResponse:
    context = {"program": request.program, "form": form, "max_rows": MAX_ROWS, "problems": problems}
    return render(request, "programs/importing/upload.html", context, status=status)


def _preview_page(
    request: ProgramRequest, preview: Preview, *, data: bytes, hold: bool, status: int = 200
) -> HttpResponse:
    ticket = ""
    if preview.ok:
        ticket = ticket_make(
            program=request.program,
            user=request.user,
            data=data,
            hold_invitations=hold,
            fingerprint=preview.fingerprint,
        )
    context = {"program": request.program, "preview": preview, "hold": hold, "ticket": ticket}
    if not preview.ok:
        status = 400
    return render(request, "programs/importing/preview.html", context, status=status)


@program_view(allow=access.may_import)
def people_import(request: ProgramRequest) -> HttpResponse:
    if request.method != "POST":
        return _upload_page(request, UploadForm())
    if "ticket" in request.POST:
        return _confirm(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    data = form.cleaned_data["file"]
    preview = queries.file_preview(program=request.program, data=data)
    return _preview_page(request, preview, data=data, hold=form.cleaned_data["hold_invitations"])


def _confirm(request: ProgramRequest) -> HttpResponse:
    program = request.program
    form = ConfirmForm(request.POST, program=program, user=request.user)
    if not form.is_valid():
        problems = [str(error) for error in form.errors.get("ticket", [])]
        return _upload_page(request, UploadForm(), status=400, problems=problems)
    ticket = form.cleaned_data["ticket"]
    try:
        result = services.people_file_import(
            program=program,
            data=ticket.data,
            expected=ticket.fingerprint,
            hold_invitations=ticket.hold_invitations,
            invited_by=request.user,
        )
    except ProgramError as error:
        errors.page_error(request, error)
        if error.code != ProgramCode.IMPORT_CHANGED:
            return _upload_page(request, UploadForm(), status=409)
        preview = queries.file_preview(program=program, data=ticket.data)
        return _preview_page(
            request, preview, data=ticket.data, hold=ticket.hold_invitations, status=409
        )
    messages.success(request, result.summary())
    return redirect("program_people", slug=program.slug)


@program_view(allow=access.may_import)
def people_import_template(request: ProgramRequest) -> HttpResponse:
    return spreadsheet.csv_response(
        filename=f"{request.program.slug}-people.csv",
        rows=queries.template_rows(request.program),
    )
