"""Profile pages: edit one's own profile; a mentor's page; a mentee's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mentora.accounts import queries
from mentora.accounts.forms import TIME_ZONE_LIST_ID, ProfileForms
from mentora.accounts.http import AuthedRequest
from mentora.programs import queries as program_queries


@login_required
def profile_edit(request: AuthedRequest) -> HttpResponse:
    user = request.user
    saved = queries.own_profiles(user)
    forms = ProfileForms(
        user=user,
        roles=queries.roles_anywhere(user),
        mentor_profile=saved.mentor,
        mentee_profile=saved.mentee,
        answers=saved.background,
        data=request.POST if request.method == "POST" else None,
    )
    if request.method == "POST" and forms.is_valid() and forms.save():
        messages.success(request, "Your profile is saved.")
        return redirect("profile_edit")
    context = {"forms": forms, "time_zone_list_id": TIME_ZONE_LIST_ID}
    # 400 tells scripts and tests the submission was refused; people see the messages.
    status = 400 if forms.has_errors() else 200
    return render(request, "accounts/profile_edit.html", context, status=status)


@login_required
def mentor_detail(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    page = queries.mentor_page(
        program=program, mentor_id=user_id, viewer=request.user, now=timezone.now()
    )
    return render(request, "accounts/mentor_detail.html", {"program": program, "page": page})


@login_required
def mentee_detail(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    program = program_queries.program_for_member(request.user, slug)
    page = queries.mentee_page(
        program=program, mentee_id=user_id, viewer=request.user, now=timezone.now()
    )
    return render(request, "accounts/mentee_detail.html", {"program": program, "page": page})
