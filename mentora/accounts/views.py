"""The pages of one's own account: where one is signed in.

Thin views: `sessions` lists and ends sessions; a person only ever reaches their
own (another's session id is a 404, as is one that has ended).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from mentora.accounts import sessions
from mentora.accounts.http import AuthedRequest


@login_required
@require_GET
def session_list(request: AuthedRequest) -> HttpResponse:
    """Where the person is signed in: device, address, when started and last seen."""
    found = sessions.signed_in_sessions(request.user, request.session.session_key)
    others = sum(1 for s in found if not s.is_current)
    return render(request, "accounts/sessions.html", {"sessions": found, "others": others})


@login_required
@require_POST
def sessions_end_others(request: AuthedRequest) -> HttpResponse:
    ended = sessions.sign_out_other_sessions(
        request.user, keep_session_key=request.session.session_key
    )
    if ended:
        text = ngettext(
            "You are signed out of %(count)d other session.",
            "You are signed out of %(count)d other sessions.",
            ended,
        ) % {"count": ended}
    else:
        text = _("You were not signed in anywhere else.")
    messages.success(request, text)
    return redirect("account_sessions")


@login_required
@require_POST
def session_end(request: AuthedRequest, usersession_id: int) -> HttpResponse:
    key = sessions.session_key_of(request.user, usersession_id)
    if key is None:
        raise Http404
    is_current = key == request.session.session_key
    sessions.sign_out_session(request.user, usersession_id)
    if is_current:
        logout(request)
        return redirect("account_login")
    messages.success(request, _("That session is signed out."))
    return redirect("account_sessions")
