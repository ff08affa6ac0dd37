"""Who may see and set what in notifications. Its pages are global (not under
/p/<slug>/), so they rest on login_required and these rules:

- a message is its recipient's alone: anyone else's is a 404;
- the staff alerts are offered only to people who are staff (success manager
  or admin) in some program, since only they receive them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentora.notifications.models import STAFF_ONLY, Kind, Notification
from mentora.programs import access as program_access
from mentora.programs.models import STAFF_ROLES, Membership

if TYPE_CHECKING:
    from mentora.accounts.models import User


def notification_for(user: User, notification_id: int) -> Notification:
    """One of the person's own messages; anyone else's is a 404."""
    found = Notification.objects.filter(pk=notification_id, recipient=user).first()
    program_access.require(found is not None, "No such message.")
    assert found is not None
    return found


def is_staff_anywhere(user: User) -> bool:
    """A success manager or admin of at least one program (active membership).
    Site staff without such a membership receive no staff alerts, so don't count."""
    return Membership.objects.active().filter(user=user, role__in=STAFF_ROLES).exists()


def kinds_for(user: User) -> list[Kind]:
    """The kinds of message a person can receive, and so may set."""
    staff = is_staff_anywhere(user)
    return [k for k in Kind if staff or k not in STAFF_ONLY]
