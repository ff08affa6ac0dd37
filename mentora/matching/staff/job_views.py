"""Bulk-match pages that follow the worker: publishing a preview, and a run's progress.

Thin views as in views.py: the run through `matching.access.run_for_admin`
(404 for anyone but the program's admins), one service call, a redirect. A
large publish is queued for the worker (`staff.publish_request`) and the admin
lands on the run's progress page, which refreshes itself (a meta refresh: no
script) while the worker computes or publishes the run; then, as after a small
publish done at once, the run's page says the outcome in words.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentora import errors
from mentora.matching import access
from mentora.matching.errors import MatchingError
from mentora.matching.models import BulkMatchRun, BulkRunStatus
from mentora.matching.staff import services as staff
from mentora.programs.decorators import ProgramRequest, program_view

REFRESH_SECONDS = 2


def _progress_page(
    request: ProgramRequest, run: BulkMatchRun, *, status: int = 200
) -> HttpResponse:
    progress = staff.run_progress(run) or staff.RunProgress(
        run=run, working=False, done=run.progress_done, total=run.progress_total, error=""
    )
    context = {
        "program": request.program,
        "progress": progress,
        "refresh_seconds": REFRESH_SECONDS,
    }
    return render(request, "matching/staff/run_progress.html", context, status=status)


def _to_run(request: ProgramRequest, run: BulkMatchRun) -> HttpResponse:
    """A run the worker is done with: to its page, with the outcome in words."""
    # A failure is said on the run's page itself (the progress partial).
    if run.status == BulkRunStatus.PUBLISHED:
        count = run.progress_done
        messages.success(
            request,
            ngettext(
                "Published: %(count)d mentorship started.",
                "Published: %(count)d mentorships started.",
                count,
            )
            % {"count": count},
        )
    return redirect("bulk_match_preview", slug=request.program.slug, run_id=run.pk)


@program_view
@require_POST
def bulk_match_publish(request: ProgramRequest, run_id: int) -> HttpResponse:
    run = access.run_for_admin(request.user, request.program, run_id)
    try:
        run = staff.publish_request(run=run, by=request.user)
    except MatchingError as error:
        errors.page_error(request, error)
        run.refresh_from_db()
        return _progress_page(request, run, status=409)
    if run.status == BulkRunStatus.PUBLISHING:
        return redirect("bulk_match_progress", slug=request.program.slug, run_id=run.pk)
    return _to_run(request, run)


@program_view
def bulk_match_progress(request: ProgramRequest, run_id: int) -> HttpResponse:
    run = access.run_for_admin(request.user, request.program, run_id)
    progress = staff.run_progress(run)
    if progress is not None and progress.working:
        return _progress_page(request, run)
    return _to_run(request, run)
