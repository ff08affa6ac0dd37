"""Who must sign in with a second factor, and where it is asked for.

A person *needs* a second factor when they are site staff (Django admin), or
hold an active role a program asks it of: success manager or admin where
`staff_need_second_factor`, mentor where `mentors_need_second_factor`.

Where it is enforced:

- `SecondFactorMiddleware`: a person whose program role needs one and who has
  none is sent to set up an authenticator app on their next page (before
  onboarding's welcome steps, before any program page); and Django admin
  (`/admin/`) wants one passed in this session from every staff member (one
  with none is sent to set it up from there).
- `program_gate`, called by `@program_view`: a program page of a program that
  asks it of the person's role refuses a session that hasn't passed it (to
  allauth's re-authentication with a code, then back).

A session has passed when allauth recorded a code, key or recovery code in it
(or an authenticator was switched on in it), or, for a program that trusts its
identity provider (`trust_sso_second_factor`), when it signed in through single
sign-on. Accounts knows nothing of programs, so this module also holds allauth's
MFA adapter: turning the last authenticator off is refused to a person who needs one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentora import sealed
from mentora.accounts.second_factor import has_second_factor, session_passed_mfa, session_used_sso
from mentora.programs import access
from mentora.programs.models import STAFF_ROLES, Membership, Program, Role

if TYPE_CHECKING:
    from mentora.accounts.models import User

SAFE_METHODS = frozenset({"GET", "HEAD"})
CHECKED_SESSION_KEY = "mentora_second_factor_checked"
FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80, then a timestamp)


def _requiring_memberships(user: User, program: Program | None = None) -> Any:
    """Active memberships whose role the program asks a second factor of."""
    rows = Membership.objects.active().filter(user=user)
    if program is not None:
        rows = rows.filter(program=program)
    return rows.filter(
        Q(role__in=STAFF_ROLES, program__staff_need_second_factor=True)
        | Q(role=Role.MENTOR, program__mentors_need_second_factor=True)
    )


def needs_second_factor(user: User) -> bool:
    """Site staff, or a role some program asks a second factor of."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return _requiring_memberships(user).exists()


def program_asks_it(user: User, program: Program) -> bool:
    """This program asks a second factor of a role `user` holds in it (support: as its admin).

    Reads the roles `@program_view` has already looked up (no query of its own)."""
    roles = access.roles_in(user, program)
    if program.staff_need_second_factor and (roles & STAFF_ROLES or user.is_superuser):
        return True
    return program.mentors_need_second_factor and Role.MENTOR in roles


def session_passed_second_factor(request: HttpRequest, program: Program | None = None) -> bool:
    """A second factor passed in this session; for `program`, its trusted sign-on counts too."""
    if session_passed_mfa(request):
        return True
    return program is not None and program.trust_sso_second_factor and session_used_sso(request)


def must_set_up(request: HttpRequest) -> bool:
    """A program asks it of a role held, none is set up, and no trusted sign-on stands for one.

    Site staff are asked at Django admin's door instead (`admin_gate`), so a staff
    account with no role sees the program pages' 404 like anyone else."""
    user: Any = request.user
    asking = _requiring_memberships(user)
    if session_used_sso(request):
        asking = asking.filter(program__trust_sso_second_factor=False)
    return asking.exists() and not has_second_factor(user)


def setup_redirect(request: HttpRequest) -> HttpResponse:
    messages.info(
        request,
        gettext(
            "Your role asks for a second factor at sign-in. Set up an authenticator app "
            "(or add a security key) to continue."
        ),
    )
    return HttpResponseRedirect(reverse("mfa_activate_totp"))


def reauthenticate_redirect(request: HttpRequest) -> HttpResponse:
    """allauth's re-authentication with a code, coming back to this page after."""
    messages.info(request, gettext("Enter a code from your authenticator app to open this page."))
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")


def program_gate(request: HttpRequest, program: Program) -> HttpResponse | None:
    """For `@program_view`: a redirect when this program wants a second factor not yet passed."""
    user: Any = request.user
    if not program_asks_it(user, program) or session_passed_second_factor(request, program):
        return None
    if not has_second_factor(user):
        return setup_redirect(request)
    return reauthenticate_redirect(request)


def admin_gate(request: HttpRequest) -> HttpResponse | None:
    """Django admin: a signed-in staff member must have passed a second factor here."""
    user: Any = request.user
    if not user.is_authenticated or not user.is_staff or session_passed_mfa(request):
        return None
    if not has_second_factor(user):
        return setup_redirect(request)
    return reauthenticate_redirect(request)


@cache
def _exempt_prefixes() -> tuple[str, ...]:
    """Where the set-up redirect never sends anyone away from: every allauth page
    (setting up, logging out, the invitation link), static files, the CSP report,
    health checks. Onboarding's welcome steps are not exempt: they come after."""
    from django.conf import settings

    prefixes = ["/accounts/", reverse("csp_report"), "/health", settings.STATIC_URL]
    media = getattr(settings, "MEDIA_URL", "") or ""
    prefixes.append(media)
    return tuple(
        p if p.startswith("/") else f"/{p}" for p in prefixes if p and "://" not in p and p != "/"
    )


def _wants_html(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return not accept or "text/html" in accept or "*/*" in accept


class SecondFactorMiddleware:
    """After allauth's AccountMiddleware, before onboarding's (module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path_info
        if path.startswith(reverse("admin:index")):
            return admin_gate(request)
        if request.method not in SAFE_METHODS or not _wants_html(request):
            return None
        if path.startswith(_exempt_prefixes()) or _checked(request):
            return None
        if must_set_up(request):
            return setup_redirect(request)
        request.session[CHECKED_SESSION_KEY] = request.user.pk
        return None


def _checked(request: HttpRequest) -> bool:
    """Found in this session to need no set-up (then no query on each page: program
    pages check again through `program_gate`, so a policy switched on mid-session
    still holds there)."""
    return request.session.get(CHECKED_SESSION_KEY) == request.user.pk


class SecondFactorAdapter(DefaultMFAAdapter):
    """MFA_ADAPTER: allauth.mfa's adapter, with the programs' rule on turning it off."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your role needs a second factor at sign-in, so you cannot turn off your last "
            "authenticator. Add a security key first, or ask your program's admin."
        ),
    }

    def encrypt(self, text: str) -> str:
        """The app's secret and the recovery codes' seed are sealed at rest (mentora.sealed)."""
        return sealed.seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(FERNET_PREFIX):
            return encrypted_text  # stored before secrets were sealed
        return sealed.unseal(encrypted_text)

    def build_totp_svg(self, url: str) -> str:
        """The QR code as an <svg> element to put inline (without its XML declaration)."""
        svg = super().build_totp_svg(url)
        return svg[svg.find("<svg") :]

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        user = authenticator.user
        if not needs_second_factor(user):
            return True
        others = Authenticator.objects.filter(
            user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exclude(pk=authenticator.pk)
        return others.exists()
