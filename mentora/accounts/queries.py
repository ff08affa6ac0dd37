"""Reads about people: profile pages and who may see which background answer.

The background rule lives here and nowhere else: the owner and the program's
staff see every answer; other people in the program see only the answers shared
with the program; nobody outside the program sees any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.http import Http404

from mentora.accounts.choices import TechnologyKind
from mentora.accounts.models import BackgroundAnswer, MenteeProfile, MentorProfile, Technology, User
from mentora.programs import access as program_access
from mentora.programs import queries as program_queries
from mentora.programs.models import Membership, Mentorship, Program, Role


def roles_anywhere(user: User) -> frozenset[Role]:
    """Every role `user` holds in any program, active memberships only."""
    rows = Membership.objects.active().filter(user=user).values_list("role", flat=True)
    return frozenset(Role(r) for r in rows.distinct())


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


def sees_all_background(viewer: User, owner: User, program: Program) -> bool:
    """The owner, Django staff, and staff of a program the owner takes part in."""
    if viewer.pk == owner.pk or viewer.is_staff:
        return True
    return program_access.is_program_staff(viewer, program) and _takes_part(owner, program)


def visible_background(owner: User, viewer: User, program: Program) -> list[BackgroundAnswer]:
    """The background answers of `owner` that `viewer` may see, seen from `program`."""
    answers = BackgroundAnswer.objects.filter(user=owner)
    if sees_all_background(viewer, owner, program):
        return list(answers)
    # Both must be in the program: sharing "with my programs" is not sharing
    # with someone who merely knows the program's address.
    if program_access.roles_in(viewer, program) and _takes_part(owner, program):
        return list(answers.visible_to_program())
    return []


def _takes_part(user: User, program: Program) -> bool:
    return bool(program_access.roles_in(user, program))


@dataclass(frozen=True)
class ZoneComparison:
    """Someone else's zone seen from the viewer's: their local time and the gap."""

    zone: str
    local_time: str  # "HH:MM" in `zone`, already formatted so no template converts it
    offset_minutes: int  # their UTC offset minus the viewer's; positive means ahead

    @property
    def describe(self) -> str:
        if self.offset_minutes == 0:
            return "the same time as you"
        hours, minutes = divmod(abs(self.offset_minutes), 60)
        amount = f"{hours} hour{'s' if hours != 1 else ''}" if hours else ""
        if minutes:
            amount = f"{amount} {minutes} minutes".strip()
        return f"{amount} {'ahead of' if self.offset_minutes > 0 else 'behind'} you"


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


def group_stack(technologies: list[Technology]) -> list[StackGroup]:
    """Tags grouped by kind, in the order languages, frameworks, tools, other."""
    groups = []
    for kind in TechnologyKind:
        members = [t for t in technologies if t.kind == kind]
        if members:
            groups.append(StackGroup(label=_plural(kind.label), technologies=members))
    return groups


def _plural(label: str) -> str:
    return label if label == "Other" else f"{label}s"


@dataclass(frozen=True)
class MentorPage:
    mentor: User
    profile: MentorProfile | None
    stack: list[StackGroup]
    zone: ZoneComparison
    load: int
    has_room: bool
    background: list[BackgroundAnswer]
    sees_all_background: bool
    shows_meeting_link: bool


def mentor_page(*, program: Program, mentor_id: int, viewer: User, now: datetime) -> MentorPage:
    """Everything a mentor's page shows to `viewer`. 404 if not a mentor here."""
    mentor = program_queries.mentor_in_program(program, mentor_id)  # stack prefetched
    profile = getattr(mentor, "mentor_profile", None)
    load = program_queries.mentor_load(program, mentor)
    return MentorPage(
        mentor=mentor,
        profile=profile,
        stack=group_stack(list(profile.stack.all())) if profile else [],
        zone=compare_zones(mentor.time_zone, viewer.time_zone, now),
        load=load,
        has_room=profile is not None and load < profile.capacity,
        background=visible_background(mentor, viewer, program),
        sees_all_background=sees_all_background(viewer, mentor, program),
        shows_meeting_link=_shows_meeting_link(viewer, mentor, program),
    )


def _shows_meeting_link(viewer: User, mentor: User, program: Program) -> bool:
    # The call link is for the mentor's own mentees and staff, not the directory.
    if viewer.pk == mentor.pk or program_access.is_program_staff(viewer, program):
        return True
    return Mentorship.objects.live().filter(program=program, mentor=mentor, mentee=viewer).exists()


@dataclass(frozen=True)
class MenteePage:
    mentee: User
    profile: MenteeProfile | None
    membership: Membership
    stack: list[Technology]
    zone: ZoneComparison
    mentorships: list[Mentorship]
    background: list[BackgroundAnswer]
    sees_all_background: bool


def mentee_page(*, program: Program, mentee_id: int, viewer: User, now: datetime) -> MenteePage:
    """A mentee's page for `viewer`; 404 unless can_view_mentee allows it."""
    mentee = (
        User.objects.filter(pk=mentee_id)
        .select_related("mentee_profile")
        .prefetch_related("mentee_profile__stack")
        .first()
    )
    membership = mentee and program_queries.mentee_membership(program, mentee)
    if not mentee or not membership or not program_access.can_view_mentee(viewer, program, mentee):
        raise Http404("No such mentee in this program.")
    profile = getattr(mentee, "mentee_profile", None)
    return MenteePage(
        mentee=mentee,
        profile=profile,
        membership=membership,
        stack=list(profile.stack.all()) if profile else [],
        zone=compare_zones(mentee.time_zone, viewer.time_zone, now),
        mentorships=list(program_queries.live_mentorships_of_mentee(program, mentee)),
        background=visible_background(mentee, viewer, program),
        sees_all_background=sees_all_background(viewer, mentee, program),
    )
