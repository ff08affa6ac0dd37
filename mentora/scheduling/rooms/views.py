"""The session page's meeting-link form (POST only): its mentor sets or clears
the session's own link. A refusal shows the session page again with the reason
and changes nothing; anyone but the session's mentor gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora import errors
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.scheduling import access
from mentora.scheduling.booking.views import session_page
from mentora.scheduling.errors import SchedulingError
from mentora.scheduling.rooms import services
from mentora.scheduling.rooms.forms import MeetingLinkForm


@program_view
@require_POST
def session_meeting_link(request: ProgramRequest, session_id: int) -> HttpResponse:
    program = request.program
    session = access.session_for_mentor(request.user, program, session_id)
    form = MeetingLinkForm(request.POST)
    if form.is_valid():
        before = session.meeting_url
        try:
            services.session_meeting_url_set(
                session=session, by=request.user, url=form.cleaned_data["meeting_url"]
            )
        except SchedulingError as error:
            errors.form_error(form, error)
        else:
            if session.meeting_url == before:
                messages.info(request, _("Nothing to change: that is the link it has."))
            elif session.meeting_url:
                messages.success(request, _("Saved: this session is held at its own link now."))
            else:
                messages.success(request, _("Removed: this session uses the usual link again."))
            return redirect("session_detail", slug=program.slug, session_id=session.pk)
    return session_page(request, session, link_form=form, status=400)
