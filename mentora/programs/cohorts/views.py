"""The cohorts page: the list for the program's staff; create, edit, close and
reopen for its admins."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora import errors
from mentora.programs import access
from mentora.programs.cohorts import queries, services
from mentora.programs.cohorts.forms import CohortForm
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.errors import ProgramError


@program_view(allow=access.sees_cohorts)
def cohort_list(request: ProgramRequest) -> HttpResponse:
    program = request.program
    may_write = access.manages_settings(request.user, program)
    form = CohortForm(request.POST if request.method == "POST" else None) if may_write else None
    if request.method == "POST":
        access.require(may_write)  # a success manager reads the list, never writes
        assert form is not None
        if form.is_valid():
            try:
                cohort = services.cohort_create(program=program, **form.values())
            except ProgramError as error:
                errors.form_error(form, error)
            else:
                messages.success(request, _("Cohort “%(name)s” created.") % {"name": cohort.name})
                return redirect("program_cohorts", slug=program.slug)
    context = {
        "program": program,
        "cohorts": list(queries.cohorts_with_counts(program)),
        "form": form,
        "may_write": may_write,
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "programs/cohorts/list.html", context, status=status)


@program_view(allow=access.manages_settings)
def cohort_edit(request: ProgramRequest, cohort_id: int) -> HttpResponse:
    program = request.program
    cohort = access.cohort_in_program(program, cohort_id)
    form = CohortForm.for_cohort(cohort, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(cohort=cohort, **form.values())
        except ProgramError as error:
            errors.form_error(form, error)
        else:
            messages.success(request, _("Cohort “%(name)s” saved.") % {"name": cohort.name})
            return redirect("program_cohorts", slug=program.slug)
    status = 400 if form.is_bound and form.errors else 200
    context = {"program": program, "cohort": cohort, "form": form}
    return render(request, "programs/cohorts/edit.html", context, status=status)


@program_view(allow=access.manages_settings)
@require_POST
def cohort_close(request: ProgramRequest, cohort_id: int) -> HttpResponse:
    cohort = access.cohort_in_program(request.program, cohort_id)
    services.cohort_close(cohort=cohort)
    messages.success(
        request,
        _("Cohort “%(name)s” is closed: it takes no new members; its people stay.")
        % {"name": cohort.name},
    )
    return redirect("program_cohorts", slug=request.program.slug)


@program_view(allow=access.manages_settings)
@require_POST
def cohort_reopen(request: ProgramRequest, cohort_id: int) -> HttpResponse:
    cohort = access.cohort_in_program(request.program, cohort_id)
    services.cohort_reopen(cohort=cohort)
    messages.success(request, _("Cohort “%(name)s” is open again.") % {"name": cohort.name})
    return redirect("program_cohorts", slug=request.program.slug)
