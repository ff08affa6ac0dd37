"""Inbox and preferences pages. They are global (one inbox for every program), so
they rest on login_required; access.py gives a person their own messages only
(404 for anyone else's) and the kinds they may set. Thin: look up, call one
service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentora import errors
from mentora.accounts.http import AuthedRequest
from mentora.notifications import access, queries, services
from mentora.notifications.errors import PreferenceError
from mentora.notifications.forms import PreferencesForm


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    return render(
        request,
        "notifications/inbox.html",
        {
            "items": queries.inbox(request.user, unread_only=unread_only),
            "unread_only": unread_only,
            "page_size": queries.INBOX_PAGE,
        },
    )


@login_required
@require_POST
def mark_read(request: AuthedRequest, notification_id: int) -> HttpResponse:
    notification = access.notification_for(request.user, notification_id)
    services.notification_mark_read(notification=notification, by=request.user, now=timezone.now())
    # "Open" marks read and goes to the page concerned; "Mark read" stays here.
    target = notification.url if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("inbox")


@login_required
@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(by=request.user, now=timezone.now())
    text = ngettext("Marked %(count)d message read.", "Marked %(count)d messages read.", count)
    messages.success(request, text % {"count": count})
    return redirect("inbox")


@login_required
def preferences(request: AuthedRequest) -> HttpResponse:
    current = queries.preferences_of(request.user, access.kinds_for(request.user))
    form = PreferencesForm(request.POST or None, initial_choices=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_set(user=request.user, choices=form.cleaned_data)
        except PreferenceError as error:
            errors.form_error(form, error)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})
