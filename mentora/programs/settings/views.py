"""The program settings page, its full change log, and creating a program."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora import errors
from mentora.accounts.http import AuthedRequest
from mentora.programs import access
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.errors import ProgramError
from mentora.programs.settings import queries, services
from mentora.programs.settings.forms import ProgramCreateForm, ProgramSettingsForm

RECENT_CHANGES = 10
CHANGES_PER_PAGE = 50


@program_view(allow=access.manages_settings)
def program_settings(request: ProgramRequest) -> HttpResponse:
    program = request.program
    # The form works on a copy: a refused value must not reach the page's header.
    form = ProgramSettingsForm(
        request.POST if request.method == "POST" else None, instance=copy.copy(program)
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.program_settings_update(
                program=program, changes=form.changes(), changed_by=request.user
            )
        except ProgramError as error:
            errors.form_error(form, error)
        else:
            if changed:
                messages.success(
                    request,
                    ngettext(
                        "Saved: %(count)d setting changed.",
                        "Saved: %(count)d settings changed.",
                        len(changed),
                    )
                    % {"count": len(changed)},
                )
            else:
                messages.info(request, _("Nothing changed: every setting was as saved."))
            return redirect("program_settings", slug=program.slug)
    recent = list(queries.setting_changes(program)[: RECENT_CHANGES + 1])
    context = {
        "program": program,
        "form": form,
        "changes": queries.change_rows(recent[:RECENT_CHANGES]),
        "more_changes": len(recent) > RECENT_CHANGES,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "programs/settings/settings.html", context, status=status)


@program_view(allow=access.manages_settings)
def program_settings_changes(request: ProgramRequest) -> HttpResponse:
    program = request.program
    page = Paginator(queries.setting_changes(program), CHANGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "program": program,
        "page": page,
        "changes": queries.change_rows(list(page.object_list)),
    }
    return render(request, "programs/settings/changes.html", context)


@login_required
def program_new(request: AuthedRequest) -> HttpResponse:
    """Site staff (a superuser) create a program; anyone else gets the 404."""
    access.require(request.user.is_superuser)
    form = ProgramCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program = services.program_create(
                name=data["name"],
                slug=data["slug"],
                time_zone=data["time_zone"],
                copy_from=data["copy_from"],
                created_by=request.user,
            )
        except ProgramError as error:
            errors.form_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is created and you are its program admin. Check its settings.")
                % {"name": program.name},
            )
            return redirect("program_settings", slug=program.slug)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "programs/settings/program_new.html", {"form": form}, status=status)
