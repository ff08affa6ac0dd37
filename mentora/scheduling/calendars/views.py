"""The owner's calendars page (/accounts/calendars/): list, connect,
refresh now, try again, disconnect. For anyone signed in, mentor or mentee;
only the owner ever reaches a connection (access.connection_for_owner), and
the address and credentials are never shown again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mentora import errors
from mentora.accounts.http import AuthedRequest
from mentora.scheduling.models import CalendarConnection

from . import queries, services
from .access import connection_for_owner
from .errors import CalendarError
from .forms import ConnectForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendars(request: AuthedRequest) -> HttpResponse:
    form = ConnectForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                connection = services.calendar_connect(
                    request.user, now=timezone.now(), **form.cleaned_data
                )
            except CalendarError as error:
                errors.form_error(form, error)
            else:
                _first_read(request, connection)
                return redirect("calendar_connections")
        return _render(request, form, status=400)
    return _render(request, form)


def _first_read(request: AuthedRequest, connection: CalendarConnection) -> None:
    if services.calendar_refresh(connection, timezone.now()):
        messages.success(request, _("Calendar connected and read: its busy times now count."))
    else:
        messages.warning(
            request,
            _("Calendar connected, but it couldn't be read yet: %(error)s")
            % {"error": connection.last_error},
        )


def _render(request: AuthedRequest, form: ConnectForm, status: int = 200) -> HttpResponse:
    context = {"connections": queries.calendar_status(request.user, timezone.now()), "form": form}
    return render(request, "scheduling/calendars.html", context, status=status)


@login_required
@require_POST
def calendar_refresh(request: AuthedRequest, connection_id: int) -> HttpResponse:
    connection = connection_for_owner(request.user, connection_id)
    if connection.disabled_at is not None:
        services.calendar_enable(connection, timezone.now())
    if services.calendar_refresh(connection, timezone.now()):
        messages.success(request, _("Calendar read again."))
    else:
        messages.error(
            request,
            _("The calendar couldn't be read: %(error)s") % {"error": connection.last_error},
        )
    return redirect("calendar_connections")


@login_required
@require_POST
def calendar_disconnect(request: AuthedRequest, connection_id: int) -> HttpResponse:
    connection = connection_for_owner(request.user, connection_id)
    services.calendar_disconnect(connection)
    messages.success(
        request, _("Calendar disconnected: Mentora forgot its address and busy times.")
    )
    return redirect("calendar_connections")
