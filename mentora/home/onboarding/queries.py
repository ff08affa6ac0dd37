"""Reads for onboarding: the facts its completion rules need, and the staff's count."""

from __future__ import annotations

from django.db.models import Count

from mentora.accounts.models import MenteeProfile, MentorProfile, User
from mentora.home.onboarding.steps import Facts, Progress, progress
from mentora.programs import people
from mentora.programs.models import Membership, Program
from mentora.scheduling.models import WeeklyHours


def facts_for(user: User) -> Facts:
    """What the steps' rules read, in three small queries (the name is on the user)."""
    mentee = MenteeProfile.objects.filter(user=user).values("learning", "target_roles").first()
    mentor = (
        MentorProfile.objects.filter(user=user)
        .annotate(stack_count=Count("stack"))
        .values("headline", "knowledge_areas", "meeting_link", "stack_count")
        .first()
    )
    return Facts(
        name=user.name,
        has_mentee_profile=mentee is not None,
        learning=mentee["learning"] if mentee else "",
        target_roles=mentee["target_roles"] if mentee else "",
        has_mentor_profile=mentor is not None,
        headline=mentor["headline"] if mentor else "",
        knowledge_areas=len(mentor["knowledge_areas"] or []) if mentor else 0,
        mentor_stack=mentor["stack_count"] if mentor else 0,
        meeting_link=mentor["meeting_link"] if mentor else "",
        weekly_ranges=WeeklyHours.objects.filter(mentor=user).count(),
    )


def progress_of(user: User) -> Progress:
    """The person's steps (from their roles in any program) and which are complete."""
    return progress(people.roles_anywhere(user), facts_for(user))


def unfinished_count(program: Program) -> int:
    """Active members of the program who haven't finished onboarding: one query."""
    return (
        Membership.objects.active()
        .filter(program=program, user__is_active=True, user__onboarded_at__isnull=True)
        .values("user_id")
        .distinct()
        .count()
    )
