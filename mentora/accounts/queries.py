"""Reads about people that need no program: one's own profiles, a time-zone
comparison, and a stack grouped by kind.

The mentor and mentee pages, and who may see which background answer, depend
on programs and live in `mentora.programs.people`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora.accounts.choices import TechnologyKind
from mentora.accounts.models import BackgroundAnswer, MenteeProfile, MentorProfile, Technology, User


@dataclass(frozen=True)
class OwnProfiles:
    mentor: MentorProfile | None
    mentee: MenteeProfile | None
    background: list[BackgroundAnswer]


def own_profiles(user: User) -> OwnProfiles:
    """What the profile page edits, with stacks prefetched for the tag text."""
    return OwnProfiles(
        mentor=MentorProfile.objects.filter(user=user).prefetch_related("stack").first(),
        mentee=MenteeProfile.objects.filter(user=user).prefetch_related("stack").first(),
        background=list(BackgroundAnswer.objects.filter(user=user)),
    )


@dataclass(frozen=True)
class ZoneComparison:
    """Someone else's zone seen from the viewer's: their local time and the gap."""

    zone: str
    local_time: str  # "HH:MM" in `zone`, already formatted so no template converts it
    offset_minutes: int  # their UTC offset minus the viewer's; positive means ahead

    @property
    def describe(self) -> str:
        if self.offset_minutes == 0:
            return _("the same time as you")
        amount = _gap(abs(self.offset_minutes))
        if self.offset_minutes > 0:
            return _("%(amount)s ahead of you") % {"amount": amount}
        return _("%(amount)s behind you") % {"amount": amount}


def _gap(total_minutes: int) -> str:
    """ "2 hours", "30 minutes", "5 hours 30 minutes" (zones differ by quarter hours)."""
    hours, minutes = divmod(total_minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes:
        parts.append(_("%(n)d minutes") % {"n": minutes})
    return " ".join(parts)


def compare_zones(their_zone: str, viewer_zone: str, now: datetime) -> ZoneComparison:
    theirs = now.astimezone(ZoneInfo(their_zone))
    yours = now.astimezone(ZoneInfo(viewer_zone))
    offset = theirs.utcoffset() or timedelta(0)
    viewer_offset = yours.utcoffset() or timedelta(0)
    return ZoneComparison(
        zone=their_zone,
        local_time=theirs.strftime("%H:%M"),
        offset_minutes=int((offset - viewer_offset).total_seconds() // 60),
    )


@dataclass(frozen=True)
class StackGroup:
    label: str
    technologies: list[Technology]


def _group_labels() -> dict[TechnologyKind, str]:
    return {
        TechnologyKind.LANGUAGE: _("Languages"),
        TechnologyKind.FRAMEWORK: _("Frameworks"),
        TechnologyKind.TOOL: _("Tools"),
        TechnologyKind.OTHER: _("Other"),
    }


def group_stack(technologies: list[Technology]) -> list[StackGroup]:
    """Tags grouped by kind, in the order languages, frameworks, tools, other."""
    labels = _group_labels()
    groups = []
    for kind in TechnologyKind:
        members = [t for t in technologies if t.kind == kind]
        if members:
            groups.append(StackGroup(label=labels[kind], technologies=members))
    return groups
