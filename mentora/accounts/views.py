"""Profile pages: edit one's own profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from mentora.accounts import queries
from mentora.accounts.forms import TIME_ZONE_LIST_ID, ProfileForms
from mentora.accounts.http import AuthedRequest


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
