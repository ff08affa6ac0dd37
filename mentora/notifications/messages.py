"""What one message is, before it is delivered, and the small helpers that
builders share (links, times in the reader's zone, who a mentee's staff are)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from mentora.notifications.models import Kind
from mentora.programs.models import Membership, Program, Role
from mentora.scheduling.policies import format_moment

if TYPE_CHECKING:
    from mentora.accounts.models import User


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass
class Message:
    """One message for one person about one event. `key` names the event; with
    the recipient and the channel it is what makes delivery exactly-once."""

    recipient: User
    kind: Kind
    key: str
    title: str
    lines: list[str]
    url: str = ""
    program: Program | None = None
    when: datetime | None = None
    action: str = "Open in Mentora"
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.lines)


def absolute(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


def program_path(name: str, program: Program, **kwargs: object) -> str:
    """A page inside the program."""
    return reverse(name, kwargs={"slug": program.slug, **kwargs})


def local_time(moment: datetime, user: User) -> str:
    """A moment in the reader's zone, worded as every page words it:
    'Tuesday 5 January at 16:00 (Europe/Berlin)'."""
    with timezone.override(ZoneInfo(user.time_zone or "UTC")):
        return format_moment(moment)


def success_manager_of(mentee_id: int, program_id: int) -> User | None:
    membership = (
        Membership.objects.filter(user_id=mentee_id, program_id=program_id, role=Role.MENTEE)
        .select_related("success_manager")
        .first()
    )
    return membership.success_manager if membership else None


def staff_for(mentee_id: int, program: Program) -> list[User]:
    """Who hears of trouble: the mentee's success manager, else the program's admins."""
    manager = success_manager_of(mentee_id, program.pk)
    if manager is not None:
        return [manager]
    admins = Membership.objects.filter(program=program, role=Role.ADMIN, is_active=True)
    return [m.user for m in admins.select_related("user")]
