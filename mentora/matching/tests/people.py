"""Mentees without a mentor and mentors with weekly hours, for request and directory tests.

conftest's `mentee` already has a live mentorship; requests need people who don't.
"""

from __future__ import annotations

from datetime import time
from typing import Any, cast

from mentora.accounts.models import User
from mentora.programs.models import Program, Role
from mentora.tests import factories as f

MESSAGE = (
    "I'm learning Django and want to land my first developer job this spring. "
    "Could you help me review my portfolio and practise interviews?"
)


def mentee_in(program: Program, name: str = "Sid Seeker", **profile: Any) -> User:
    """An active mentee of `program` with a profile and no mentor."""
    user = cast(User, f.UserFactory(name=name, time_zone=profile.pop("time_zone", "Europe/Berlin")))
    f.MembershipFactory(user=user, program=program, role=Role.MENTEE)
    f.MenteeProfileFactory(user=user, **profile)
    return user


def mentor_in(
    program: Program,
    name: str = "Rae Mentor",
    *,
    time_zone: str = "America/New_York",
    hours: tuple[tuple[int, int, int], ...] = ((1, 17, 20),),
    **profile: Any,
) -> User:
    """An active mentor with a profile and weekly hours (weekday, from hour, to hour)."""
    user = cast(User, f.UserFactory(name=name, time_zone=time_zone))
    f.MembershipFactory(user=user, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=user, **profile)
    for weekday, start, end in hours:
        f.WeeklyHoursFactory(
            mentor=user, weekday=weekday, start_time=time(start), end_time=time(end)
        )
    return user
