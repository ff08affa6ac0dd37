"""Reads about people seen from a program: the roles someone holds anywhere (the
profile page shows a part per role), the mentor and mentee pages, and the
background answers a viewer may see.

Who may see what is decided by `mentora.programs.access` (sees_all_background,
sees_shared_background, sees_meeting_link, can_view_mentee); this module only
reads what those rules allow. A separate module from queries.py because
access.py itself reads queries.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mentora.accounts.models import BackgroundAnswer, MenteeProfile, MentorProfile, Technology, User
from mentora.accounts.queries import StackGroup, ZoneComparison, compare_zones, group_stack
from mentora.programs import access, queries
from mentora.programs.models import Membership, Mentorship, Program, Role


def roles_anywhere(user: User) -> frozenset[Role]:
    """Every role `user` holds in any program, active memberships only."""
    rows = Membership.objects.active().filter(user=user).values_list("role", flat=True)
    return frozenset(Role(r) for r in rows.distinct())


def visible_background(owner: User, viewer: User, program: Program) -> list[BackgroundAnswer]:
    """The background answers of `owner` that `viewer` may see, seen from `program`."""
    answers = BackgroundAnswer.objects.filter(user=owner)
    if access.sees_all_background(viewer, owner, program):
        return list(answers)
    if access.sees_shared_background(viewer, owner, program):
        return list(answers.visible_to_program())
    return []


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
    mentor = queries.mentor_in_program(program, mentor_id)  # stack prefetched
    profile = getattr(mentor, "mentor_profile", None)
    load = queries.mentor_load(program, mentor)
    return MentorPage(
        mentor=mentor,
        profile=profile,
        stack=group_stack(list(profile.stack.all())) if profile else [],
        zone=compare_zones(mentor.time_zone, viewer.time_zone, now),
        load=load,
        has_room=profile is not None and load < profile.capacity,
        background=visible_background(mentor, viewer, program),
        sees_all_background=access.sees_all_background(viewer, mentor, program),
        shows_meeting_link=access.sees_meeting_link(viewer, mentor, program),
    )


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
    membership = queries.mentee_membership(program, mentee) if mentee else None
    access.require(
        mentee is not None
        and membership is not None
        and access.can_view_mentee(viewer, program, mentee),
        "No such mentee in this program.",
    )
    assert mentee is not None and membership is not None
    profile = getattr(mentee, "mentee_profile", None)
    return MenteePage(
        mentee=mentee,
        profile=profile,
        membership=membership,
        stack=list(profile.stack.all()) if profile else [],
        zone=compare_zones(mentee.time_zone, viewer.time_zone, now),
        mentorships=list(queries.live_mentorships_of_mentee(program, mentee)),
        background=visible_background(mentee, viewer, program),
        sees_all_background=access.sees_all_background(viewer, mentee, program),
    )
