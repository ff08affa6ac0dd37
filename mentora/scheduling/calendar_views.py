"""Calendar pages: a session's .ics invite, the private feed, and its settings."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from mentora.accounts.http import AuthedRequest
from mentora.accounts.models import User
from mentora.programs import queries as program_queries
from mentora.programs.models import Membership, Program, Role
from mentora.scheduling import calendar, services
from mentora.scheduling.models import CalendarFeed, Session

CALENDAR_TYPE = "text/calendar; charset=utf-8"
FEED_PAST = timedelta(days=30)
# The longest booking window a program may set (Program.booking_window_weeks);
# each session is then held to its own program's window.
FEED_FUTURE_MAX = timedelta(weeks=52)


def _may_see_session(user: User, program: Program, session: Session) -> bool:
    """The two parties, the mentee's own success manager, and program admins."""
    if user.is_staff or session.involves(user.pk):
        return True
    if Role.ADMIN in program_queries.roles_in(user, program):
        return True
    return (
        Membership.objects.active()
        .filter(program=program, user_id=session.mentee_id, role=Role.MENTEE, success_manager=user)
        .exists()
    )


@login_required
@require_safe
def session_ics(request: AuthedRequest, slug: str, session_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    session = (
        Session.objects.filter(pk=session_id, program=program)
        .select_related(*calendar.SESSION_RELATED)
        .first()
    )
    # Same answer for "no such session" and "not yours": nothing leaks.
    if session is None or not _may_see_session(request.user, program, session):
        raise Http404("No such session.")
    response = HttpResponse(calendar.invite_for(session), content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'attachment; filename="mentora-session-{session.pk}.ics"'
    return response


def feed_sessions(user: User, now: datetime) -> list[Session]:
    """The person's sessions in every program, 30 days back to the booking window."""
    candidates: QuerySet[Session] = (
        Session.objects.filter(Q(mentor=user) | Q(mentee=user))
        .filter(starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_FUTURE_MAX)
        .select_related(*calendar.SESSION_RELATED)
        .order_by("starts_at")
    )
    return [
        s
        for s in candidates
        if s.starts_at <= now + timedelta(weeks=s.program.booking_window_weeks)
    ]


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
    body = calendar.feed_calendar(subscription.user, feed_sessions(subscription.user, now), now=now)
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = 'inline; filename="mentora.ics"'
    # The address is a secret: keep it out of shared caches and search engines.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


def _feed_url(token: str) -> str:
    return settings.SITE_URL + reverse("calendar_feed", kwargs={"token": token})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def feed_settings(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        services.calendar_feed_reset(user=request.user)
        messages.success(
            request,
            "Your calendar address was reset. The old address stops working now: "
            "subscribe again with the new one below.",
        )
        return redirect("calendar_feed_settings")
    subscription, _ = CalendarFeed.objects.get_or_create(user=request.user)
    url = _feed_url(subscription.token)
    context = {
        "feed_url": url,
        # webcal:// makes Apple Calendar and Outlook offer to subscribe on click.
        "webcal_url": "webcal://" + url.split("://", 1)[-1],
    }
    return render(request, "scheduling/feed_settings.html", context)
