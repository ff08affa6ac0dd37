"""People for staff-matching tests: mentees without a mentor (in a cohort, with a
success manager) and mentors with a chosen capacity and weekly hours.

conftest's `mentee` already has a live mentorship; staff match people who don't.
"""

from __future__ import annotations

from datetime import time
from typing import Any, cast

from mentora.accounts.models import User
from mentora.programs.models import Cohort, Program, Role
from mentora.tests import factories as f


def unmatched_mentee(
    program: Program,
    name: str,
    *,
    cohort: Cohort | None = None,
    success_manager: User | None = None,
    **profile: Any,
) -> User:
    user = cast(User, f.UserFactory(name=name))
    f.MembershipFactory(
        user=user,
        program=program,
        role=Role.MENTEE,
        cohort=cohort,
        success_manager=success_manager,
    )
    f.MenteeProfileFactory(user=user, **profile)
    return user


def mentor_with(program: Program, name: str, *, capacity: int = 2, **profile: Any) -> User:
    """An active mentor with weekly hours on Tuesday evenings in New York."""
    user = cast(User, f.UserFactory(name=name, time_zone="America/New_York"))
    f.MembershipFactory(user=user, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=user, capacity=capacity, **profile)
    f.WeeklyHoursFactory(mentor=user, weekday=1, start_time=time(9), end_time=time(12))
    return user
