"""Send a person who hasn't onboarded to the welcome steps before anything else.

Cheap by design: it reads only fields already on `request.user` (no query),
and only for a GET or HEAD of a page a browser would show. It never redirects
a form submission (nothing typed is lost), the welcome pages themselves, the
profile page (the background step links to it), logging out, the invitation
link, static and media files, Django admin, or the CSP report and health
endpoints. A skip (`onboarding_skipped_at`) or a finish (`onboarded_at`) ends it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

SAFE_METHODS = frozenset({"GET", "HEAD"})


@cache
def exempt_prefixes() -> tuple[str, ...]:
    """Paths the redirect leaves alone, resolved once (they don't change at run time)."""
    invitation = reverse("accept_invitation", kwargs={"uidb64": "x", "token": "y"})
    prefixes = [
        reverse("welcome"),
        reverse("account_logout"),
        reverse("profile_edit"),
        # Setting up or passing a second factor comes first (programs.second_factor).
        reverse("mfa_index"),
        reverse("account_reauthenticate"),
        invitation.split("x/y/")[0],
        reverse("csp_report"),
        reverse("admin:index"),
        "/health",
        _url_prefix(settings.STATIC_URL),
        _url_prefix(getattr(settings, "MEDIA_URL", "")),
    ]
    return tuple(p for p in prefixes if p and p != "/")


def _url_prefix(url: str | None) -> str:
    if not url or "://" in url:
        return ""
    return url if url.startswith("/") else f"/{url}"


def needs_onboarding(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if user.onboarded_at is not None or user.onboarding_skipped_at is not None:
        return False
    if request.method not in SAFE_METHODS:
        return False
    accept = request.headers.get("Accept", "")
    # A browser asks for HTML; a calendar app or a script asking for JSON isn't sent anywhere.
    if accept and "text/html" not in accept and "*/*" not in accept:
        return False
    return not request.path_info.startswith(exempt_prefixes())


class OnboardingRedirectMiddleware:
    """After allauth's AccountMiddleware (it needs `request.user`, set by auth)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_onboarding(request):
            return HttpResponseRedirect(reverse("welcome"))
        return self.get_response(request)
