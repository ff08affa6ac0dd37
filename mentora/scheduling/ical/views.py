"""Calendar pages: a session's .ics invite (for whoever may see the session,
scheduling.access), the private feed (its secret token is the key), and the
feed's settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from mentora.accounts.http import AuthedRequest
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.scheduling import access, queries
from mentora.scheduling.ical import invites as calendar
from mentora.scheduling.ical import services as feed_services
from mentora.scheduling.models import CalendarFeed

CALENDAR_TYPE = "text/calendar; charset=utf-8"


@program_view
@require_safe
def session_ics(request: ProgramRequest, session_id: int) -> HttpResponse:
    # The same people who may open the session page; 404 for anyone else.
    session = access.session_for_viewer(request.user, request.program, session_id)
    response = HttpResponse(calendar.invite_for(session), content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'attachment; filename="mentora-session-{session.pk}.ics"'
    return response


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    # No login: calendar apps can't log in, so the secret token is the only key.
    subscription = (
        CalendarFeed.objects.filter(token=token, user__is_active=True)
        .select_related("user")
        .first()
    )
    if subscription is None:
        raise Http404("No such calendar.")
    now = timezone.now()
    body = calendar.feed_calendar(
        subscription.user, queries.feed_sessions(subscription.user, now), now=now
    )
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = 'inline; filename="mentora.ics"'
    # The address is a secret: keep it out of shared caches and search engines.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def feed_settings(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        feed_services.calendar_feed_reset(user=request.user)
        messages.success(
            request,
            _(
                "Your calendar address was reset. The old address stops working now: "
                "subscribe again with the new one below."
            ),
        )
        return redirect("calendar_feed_settings")
    address = feed_services.feed_address(request.user)
    # webcal:// makes Apple Calendar and Outlook offer to subscribe on click.
    context = {"feed_url": address.url, "webcal_url": address.webcal_url}
    return render(request, "scheduling/feed_settings.html", context)
