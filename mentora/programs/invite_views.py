"""Inviting a person to a program, and the one-time link that accepts it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from mentora import errors
from mentora.accounts.models import User
from mentora.accounts.second_factor import note_password_login
from mentora.programs import access, services
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.errors import ProgramError
from mentora.programs.forms import InviteForm
from mentora.programs.models import Role

# What a success manager may invite; only a program admin may grant the staff
# roles (a success manager must not make someone, or themselves, an admin).
SUCCESS_MANAGER_INVITES = (Role.MENTEE, Role.MENTOR)


@program_view(allow=access.is_program_staff)
def invite_person(request: ProgramRequest) -> HttpResponse:
    program = request.program
    grants_any_role = access.is_program_admin(request.user, program)
    form = InviteForm(
        request.POST or None,
        program=program,
        roles=tuple(Role) if grants_any_role else SUCCESS_MANAGER_INVITES,
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_invite(
                program=program, invited_by=request.user, **form.invite_kwargs()
            )
        except ProgramError as error:
            errors.form_error(form, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(name)s (%(email)s).")
                % {"name": person.name, "email": person.email},
            )
            return redirect("program_people", slug=program.slug)
    link_days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    return render(
        request, "programs/invite.html", {"program": program, "form": form, "link_days": link_days}
    )


@never_cache
def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _invited_user(uidb64, token)
    if user is None:
        return render(request, "programs/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # Noted as allauth notes a login, so setting up a second factor next (as a
        # program may ask at once) doesn't ask for the password just typed.
        note_password_login(request, user)
        messages.success(request, _("Welcome to Mentora! Your password is set."))
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
