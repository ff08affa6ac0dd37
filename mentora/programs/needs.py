"""One thing that needs a person now, as each app's queries report it for a home.

Every app below `home` supplies its own items (`needs_you_now_for_<role>`); the
home view gathers them. The type lives here, low in the layers, so each app can
build it without importing another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext

from mentora.programs.models import Membership

if TYPE_CHECKING:
    from mentora.accounts.models import User
    from mentora.programs.models import Program


@dataclass(frozen=True)
class Need:
    title: str
    url: str  # where it is done
    due: datetime | None = None  # a deadline, or when it became due
    late: bool = False  # past its deadline (still worth doing)


# The most items one source adds to a home: a long list is read by nobody.
NEEDS_SHOWN = 5


def by_due(needs: list[Need]) -> list[Need]:
    """Late first, then soonest due; undated items last, in the order given."""
    return sorted(
        needs, key=lambda n: (not n.late, n.due is None, n.due.timestamp() if n.due else 0.0)
    )


# --- program admins ------------------------------------------------------------------


def needs_you_now_for_admin(user: User, program: Program, now: datetime) -> list[Need]:
    """Pending invitations: people invited here (an active membership with
    `invitation_sent_at`) who haven't activated their account, counted in one
    query and split into those whose link has expired (the latest invitation is
    older than PASSWORD_RESET_TIMEOUT: send it again) and those still waiting."""
    latest = list(
        Membership.objects.active()
        .filter(
            program=program,
            invitation_sent_at__isnull=False,
            user__activated_at__isnull=True,
            user__is_active=True,
        )
        .values("user_id")
        .annotate(last=Max("invitation_sent_at"))
        .values_list("last", flat=True)
    )
    cutoff = now - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    expired = sum(1 for sent in latest if sent < cutoff)
    waiting = len(latest) - expired
    url = reverse("program_people", args=[program.slug]) + "?" + urlencode({"status": "invited"})
    needs = []
    if expired:
        title = ngettext(
            "%(n)d invitation has expired: send it again",
            "%(n)d invitations have expired: send them again",
            expired,
        ) % {"n": expired}
        needs.append(Need(title=title, url=url, late=True))
    if waiting:
        title = ngettext(
            "%(n)d invitation not accepted yet",
            "%(n)d invitations not accepted yet",
            waiting,
        ) % {"n": waiting}
        needs.append(Need(title=title, url=url))
    return needs
