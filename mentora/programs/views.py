"""Pages of the programs app: one's own profile page, which shows a part for each
role held in any program. (The people page is in roster/.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mentora.accounts import queries as account_queries
from mentora.accounts.forms import TIME_ZONE_LIST_ID, ProfileForms
from mentora.accounts.http import AuthedRequest
from mentora.programs import people
from mentora.programs.models import Role


@login_required
def profile_edit(request: AuthedRequest) -> HttpResponse:
    """Edit one's account, background, and the mentor and mentee profiles of the
    roles one holds (the page is global: one profile serves every program)."""
    user = request.user
    saved = account_queries.own_profiles(user)
    roles = people.roles_anywhere(user)
    forms = ProfileForms(
        user=user,
        as_mentor=Role.MENTOR in roles,
        as_mentee=Role.MENTEE in roles,
        mentor_profile=saved.mentor,
        mentee_profile=saved.mentee,
        answers=saved.background,
        data=request.POST if request.method == "POST" else None,
    )
    if request.method == "POST" and forms.is_valid() and forms.save():
        messages.success(request, _("Your profile is saved."))
        return redirect("profile_edit")
    context = {"forms": forms, "time_zone_list_id": TIME_ZONE_LIST_ID}
    # 400 tells scripts and tests the submission was refused; people see the messages.
    status = 400 if forms.has_errors() else 200
    return render(request, "accounts/profile_edit.html", context, status=status)
