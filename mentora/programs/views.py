"""Pages of the programs app: the list of a program's people (for its staff), and
one's own profile page, which shows a part for each role held in any program."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mentora.accounts import queries as account_queries
from mentora.accounts.forms import TIME_ZONE_LIST_ID, ProfileForms
from mentora.accounts.http import AuthedRequest
from mentora.programs import access, people, queries
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Role


@program_view(allow=access.is_program_staff)
def program_people(request: ProgramRequest) -> HttpResponse:
    role = request.GET.get("role", "")
    members = queries.people_by_role(request.program)
    if role in Role.values:
        members = members.filter(role=role)
    return render(
        request,
        "programs/people.html",
        {
            "program": request.program,
            "people": members,
            "roles": Role.choices,
            "selected_role": role,
        },
    )


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
