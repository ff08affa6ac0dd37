"""Django admin actions that off-board through the services, never around them.

Membership, mentorship and user admins live in lower apps (programs, accounts)
and keep the fields these services own read-only; `MatchingConfig.ready` adds
these actions to them (`register`). Each person is its own call: one refusal
(already graduated, in another program) is reported and the others go ahead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from mentora.accounts.models import User
from mentora.matching.errors import MatchingError
from mentora.matching.lifecycle import offboarding
from mentora.programs.models import Membership, Mentorship


def _by(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _each(
    modeladmin: Any,
    request: HttpRequest,
    rows: QuerySet[Any],
    act: Callable[[Any], object],
    done_message: Callable[[int], str],
) -> None:
    done = 0
    for row in rows:
        try:
            act(row)
        except MatchingError as error:
            modeladmin.message_user(request, f"{row}: {error.message}", messages.WARNING)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.action(
    description=gettext_lazy("Graduate (mentees; cancels their future sessions)"),
    permissions=["change"],
)
def graduate(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
    _each(
        modeladmin,
        request,
        queryset.select_related("user", "program"),
        lambda m: offboarding.membership_graduate(membership=m, by=_by(request)),
        lambda n: ngettext("%(n)d person graduated.", "%(n)d people graduated.", n) % {"n": n},
    )


@admin.action(
    description=gettext_lazy("Mark as left (cancels their future sessions)"),
    permissions=["change"],
)
def mark_as_left(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
    _each(
        modeladmin,
        request,
        queryset.select_related("user", "program"),
        lambda m: offboarding.membership_leave(membership=m, by=_by(request)),
        lambda n: (
            ngettext("%(n)d membership marked as left.", "%(n)d memberships marked as left.", n)
            % {"n": n}
        ),
    )


@admin.action(
    description=gettext_lazy("Complete (ends it; cancels its future sessions)"),
    permissions=["change"],
)
def complete(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Mentorship]) -> None:
    _each(
        modeladmin,
        request,
        queryset.select_related("mentor", "mentee", "program"),
        lambda m: offboarding.mentorship_complete(mentorship=m, by=_by(request)),
        lambda n: (
            ngettext("%(n)d mentorship completed.", "%(n)d mentorships completed.", n) % {"n": n}
        ),
    )


@admin.action(
    description=gettext_lazy("Deactivate (every program: left; cancels future sessions)"),
    permissions=["change"],
)
def deactivate(modeladmin: Any, request: HttpRequest, queryset: QuerySet[User]) -> None:
    by = _by(request)
    if by is None:
        return
    _each(
        modeladmin,
        request,
        queryset,
        lambda u: offboarding.account_deactivate(user=u, by=by),
        lambda n: (
            ngettext("%(n)d account deactivated.", "%(n)d accounts deactivated.", n) % {"n": n}
        ),
    )


def register() -> None:
    """Add the actions to the admins of the lower apps (called from MatchingConfig.ready)."""
    from mentora.accounts import admin as accounts_admin
    from mentora.programs import admin as programs_admin

    for actions, wanted in (
        (programs_admin.MEMBERSHIP_ACTIONS, (graduate, mark_as_left)),
        (programs_admin.MENTORSHIP_ACTIONS, (complete,)),
        (accounts_admin.USER_ACTIONS, (deactivate,)),
    ):
        for action in wanted:
            if action not in actions:  # ready() may run twice in tests
                actions.append(action)
