"""The regular-time page of a new pairing: confirm the proposed time, or choose one.

Thin: the mentorship is looked up for its mentor or mentee (404 for anyone
else); confirming calls `rhythm.regular_time_confirm`, and a MatchingError is a
message on the page, status 409. Choosing another time is the cadence page's job.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora import errors
from mentora.matching.errors import MatchingError
from mentora.matching.lifecycle import rhythm
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.scheduling import timelabels
from mentora.scheduling.access import mentorship_for_party


@program_view
def regular_time(request: ProgramRequest, mentorship_id: int) -> HttpResponse:
    program = request.program
    mentorship = mentorship_for_party(request.user, program, mentorship_id)
    now = timezone.now()
    context = {
        "program": program,
        "mentorship": mentorship,
        "prompt": rhythm.rhythm_prompt(mentorship, request.user, now),
    }
    if request.method != "POST":
        return render(request, "matching/regular_time.html", context)
    try:
        result = rhythm.regular_time_confirm(mentorship=mentorship, by=request.user, now=now)
    except MatchingError as error:
        errors.page_error(request, error)
        context["prompt"] = rhythm.rhythm_prompt(mentorship, request.user, now)
        return render(request, "matching/regular_time.html", context, status=409)
    first = min((s.starts_at for s in result.created), default=None)
    if first is None:
        messages.success(request, _("Regular time confirmed."))
    else:
        when = timelabels.format_moment(first)  # the reader's zone, zone labelled
        messages.success(
            request,
            _("Regular time confirmed. Your first session is on %(when)s.") % {"when": when},
        )
    return redirect("schedule", slug=program.slug)
