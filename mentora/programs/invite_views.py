"""Inviting a person to a program, and the one-time link that accepts it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache

from mentora.accounts.http import AuthedRequest
from mentora.accounts.models import User
from mentora.programs import access as program_access
from mentora.programs import queries, services
from mentora.programs.errors import ProgramError
from mentora.programs.forms import InviteForm
from mentora.programs.models import Program, Role


@login_required
def invite_person(request: AuthedRequest, slug: str) -> HttpResponse:
    program = queries.program_for_member(request.user, slug)
    if not program_access.is_program_staff(request.user, program):
        raise Http404("Only program staff invite people.")
    form = InviteForm(
        request.POST or None, program=program, roles=_invitable_roles(request.user, program)
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_invite(
                program=program, invited_by=request.user, **form.invite_kwargs()
            )
        except ProgramError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Invitation sent to {person.name} ({person.email}).")
            return redirect("program_people", slug=program.slug)
    link_days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    return render(
        request, "programs/invite.html", {"program": program, "form": form, "link_days": link_days}
    )


def _invitable_roles(user: User, program: Program) -> tuple[Role, ...]:
    # A success manager must not be able to make someone (or themselves) an admin.
    if user.is_staff or Role.ADMIN in program_access.roles_in(user, program):
        return tuple(Role)
    return (Role.MENTEE, Role.MENTOR)


@never_cache
def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _invited_user(uidb64, token)
    if user is None:
        return render(request, "programs/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Mentora! Your password is set.")
        return redirect("home")
    return render(request, "programs/accept_invitation.html", {"form": form, "invitee": user})


def _invited_user(uidb64: str, token: str) -> User | None:
    """The person the link was made for, if it is still valid (not used, not expired)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user
