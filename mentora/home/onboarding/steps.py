"""Which onboarding steps a person needs, and which of them are complete.

Pure: it is given the person's roles and what their profiles hold (`Facts`)
and reads nothing else. "Complete" is decided by the data, never by having
visited a step, so a person who filled their profile on the profile page is
done too. The order is the walk's order: about you first, then the mentee's
steps, then the mentor's.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from mentora.programs.models import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev dependency: for mypy only


class Part(StrEnum):
    """What a step's form writes."""

    ACCOUNT = "account"
    MENTEE = "mentee"
    MENTOR = "mentor"
    WEEKLY_HOURS = "weekly_hours"


@dataclass(frozen=True)
class Step:
    slug: str  # in the URL: /welcome/<slug>/
    title: StrOrPromise
    part: Part
    fields: tuple[str, ...]  # the form fields the step shows (none for weekly hours)


ABOUT = Step("about-you", _("About you"), Part.ACCOUNT, ("name", "time_zone", "preferred_language"))
MENTEE_GOALS = Step(
    "learning",
    _("What you are learning"),
    Part.MENTEE,
    ("learning", "target_roles", "interests", "stack"),
)
MENTEE_DAY = Step("your-day", _("When you can meet"), Part.MENTEE, ("meets_from", "meets_until"))
MENTEE_BACKGROUND = Step(
    "background", _("Shared background"), Part.MENTEE, ("wants_shared_background",)
)
MENTOR_STRENGTHS = Step(
    "strengths",
    _("What you are good at"),
    Part.MENTOR,
    ("headline", "knowledge_areas", "stack", "capacity"),
)
MENTOR_HOURS = Step("weekly-hours", _("Your weekly hours"), Part.WEEKLY_HOURS, ())
MENTOR_LINK = Step("meeting-link", _("Your meeting link"), Part.MENTOR, ("meeting_link",))

MENTEE_STEPS = (MENTEE_GOALS, MENTEE_DAY, MENTEE_BACKGROUND)
MENTOR_STEPS = (MENTOR_STRENGTHS, MENTOR_HOURS, MENTOR_LINK)
ALL_STEPS = (ABOUT, *MENTEE_STEPS, *MENTOR_STEPS)
BY_SLUG = {step.slug: step for step in ALL_STEPS}


@dataclass(frozen=True)
class Facts:
    """What the completion rules read about one person (see queries.facts_for)."""

    name: str = ""
    has_mentee_profile: bool = False
    learning: str = ""
    target_roles: str = ""
    has_mentor_profile: bool = False
    headline: str = ""
    knowledge_areas: int = 0  # how many
    mentor_stack: int = 0  # how many technologies
    meeting_link: str = ""
    weekly_ranges: int = 0


def steps_needed(roles: Collection[Role]) -> tuple[Step, ...]:
    """Everyone says who they are; a mentee and a mentor (in any program) add their own
    steps; staff-only people (success manager, admin) just confirm name and zone."""
    steps = [ABOUT]
    if Role.MENTEE in roles:
        steps += MENTEE_STEPS
    if Role.MENTOR in roles:
        steps += MENTOR_STEPS
    return tuple(steps)


def is_complete(step: Step, facts: Facts) -> bool:
    """Whether the data already answers the step."""
    if step is ABOUT:
        return bool(facts.name.strip())
    if step is MENTEE_GOALS:
        return bool(facts.learning.strip() and facts.target_roles.strip())
    if step in (MENTEE_DAY, MENTEE_BACKGROUND):
        # Both have an answer as soon as the profile exists (the hours default to
        # 08:00–21:00, "doesn't matter" is an answer): saved once is done.
        return facts.has_mentee_profile
    if step is MENTOR_STRENGTHS:
        return bool(facts.headline.strip() and (facts.knowledge_areas or facts.mentor_stack))
    if step is MENTOR_HOURS:
        return facts.weekly_ranges > 0
    if step is MENTOR_LINK:
        return bool(facts.meeting_link.strip())
    raise ValueError(f"unknown step {step.slug}")


@dataclass(frozen=True)
class Progress:
    steps: tuple[Step, ...]
    complete: frozenset[str]  # slugs

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def done(self) -> bool:
        return all(step.slug in self.complete for step in self.steps)

    @property
    def first_unfinished(self) -> Step | None:
        return next((s for s in self.steps if s.slug not in self.complete), None)

    def number(self, step: Step) -> int:
        """1-based position: "Step 2 of 4"."""
        return self.steps.index(step) + 1

    def next_after(self, step: Step) -> Step | None:
        at = self.steps.index(step)
        return self.steps[at + 1] if at + 1 < len(self.steps) else None

    def previous(self, step: Step) -> Step | None:
        at = self.steps.index(step)
        return self.steps[at - 1] if at > 0 else None

    def unfinished(self) -> list[Step]:
        return [s for s in self.steps if s.slug not in self.complete]


def progress(roles: Collection[Role], facts: Facts) -> Progress:
    steps = steps_needed(roles)
    return Progress(steps, frozenset(s.slug for s in steps if is_complete(s, facts)))
