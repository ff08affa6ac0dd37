"""The cadence page: a mentorship's regular time, set by either party."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora import errors
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.scheduling import access
from mentora.scheduling.cadence import sections, services
from mentora.scheduling.cadence.forms import CadenceForm
from mentora.scheduling.errors import SchedulingError


@program_view
def cadence_edit(request: ProgramRequest, mentorship_id: int) -> HttpResponse:
    program = request.program
    mentorship = access.mentorship_for_party(request.user, program, mentorship_id)
    cadence = getattr(mentorship, "cadence", None)
    initial = {
        "frequency": "weekly",
        "weekday": 1,
        "length_minutes": program.default_session_minutes,
        "starts_on": timezone.localdate(),
    }
    if cadence is not None:
        initial.update(
            frequency=cadence.frequency,
            weekday=cadence.weekday,
            time_of_day=cadence.time_of_day,
            length_minutes=cadence.length_minutes,
            starts_on=cadence.starts_on,
        )
    form = CadenceForm(request.POST or None, initial=initial)
    context = {
        "program": program,
        "mentorship": mentorship,
        "form": form,
        "cadence": cadence,
        "sections": sections.sections_for(mentorship, request.user),
    }
    if request.method != "POST":
        return render(request, "scheduling/cadence.html", context)
    if not form.is_valid():
        return render(request, "scheduling/cadence.html", context, status=400)
    try:
        result = services.cadence_set(mentorship=mentorship, by=request.user, **form.cleaned_data)
    except SchedulingError as error:
        errors.form_error(form, error)
        return render(request, "scheduling/cadence.html", context, status=409)
    messages.success(request, _cadence_summary(result))
    return redirect("schedule", slug=program.slug)


def _cadence_summary(result: services.SyncResult) -> str:
    summary = _(
        "Regular sessions updated: %(added)d added, %(moved)d moved, %(cancelled)d cancelled."
    ) % {
        "added": len(result.created),
        "moved": len(result.moved),
        "cancelled": len(result.cancelled),
    }
    if result.conflicts:
        summary += " " + _("%(count)d week(s) clash with another session and were skipped.") % {
            "count": len(result.conflicts)
        }
    return summary
