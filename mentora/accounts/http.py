"""Request typing for views behind @login_required."""

from django.http import HttpRequest

from mentora.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request whose user is signed in (views use it with @login_required)."""

    user: User
