"""People for staff-matching tests: mentees without a mentor (in a cohort, with a
success manager) and mentors with a chosen capacity and weekly hours.

conftest's `mentee` already has a live mentorship; staff match people who don't.
"""

from __future__ import annotations

from datetime import time
from typing import Any, cast

from django.urls import reverse

from mentora.accounts.choices import KnowledgeArea
from mentora.accounts.models import User
from mentora.matching.models import BulkMatchRow, BulkMatchRun
from mentora.programs.models import (
    Cohort,
    EndReason,
    Mentorship,
    MentorshipStatus,
    Program,
    Role,
)
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
    """An active mentor with weekly hours on Tuesday mornings in New York."""
    user = cast(User, f.UserFactory(name=name, time_zone="America/New_York"))
    f.MembershipFactory(user=user, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=user, capacity=capacity, **profile)
    f.WeeklyHoursFactory(mentor=user, weekday=1, start_time=time(9), end_time=time(12))
    return user


# --- a small cohort for bulk matching ----------------------------------------------------


class People:
    """Two mentees of the cohort and two mentors with one place each.

    Ana (Python, back end) fits Xavi (Python, back end) best; Ben fits Xavi
    less and may not have Yuki (their mentorship ended as not a fit); Yuki
    (Figma, UX, German) fits Ana a little. So the highest total fit gives Ana
    to Xavi and leaves Ben out, while "most matched" gives Ana to Yuki and Ben
    to Xavi.
    """

    def __init__(self, program, cohort, success_manager, now):
        self.ana = unmatched_mentee(
            program,
            "Ana Able",
            cohort=cohort,
            success_manager=success_manager,
            learning="Backend development with Python and Django",
            interests=[KnowledgeArea.BACKEND, KnowledgeArea.CAREER],
        )
        self.ben = unmatched_mentee(
            program,
            "Ben Busy",
            cohort=cohort,
            success_manager=success_manager,
            stack=["Go"],
            learning="Data pipelines",
            interests=[KnowledgeArea.DATA],
        )
        self.xavi = mentor_with(program, "Xavi Backend", capacity=1)
        self.yuki = mentor_with(
            program,
            "Yuki Ux",
            capacity=1,
            stack=["Figma"],
            knowledge_areas=[KnowledgeArea.UX],
            languages=["de"],
            years_experience=1,
        )
        f.MentorshipFactory(
            program=program,
            mentor=self.yuki,
            mentee=self.ben,
            status=MentorshipStatus.ENDED,
            ended_at=now,
            end_reason=EndReason.NOT_A_FIT,
        )

    @property
    def mentees(self):
        return [self.ana, self.ben]

    @property
    def mentors(self):
        return [self.xavi, self.yuki]


def new_url(program):
    return reverse("bulk_match_new", args=[program.slug])


def run_url(name, run):
    return reverse(name, args=[run.program.slug, run.pk])


def form_data(cohort, mentees, mentors, objective="total_fit", min_score=0):
    return {
        "cohort": cohort.pk,
        "mentees": [m.pk for m in mentees],
        "mentors": [m.pk for m in mentors],
        "objective": objective,
        "min_score": min_score,
    }


def proposed(run):
    return {
        (r.mentee_id, r.mentor_id)
        for r in BulkMatchRow.objects.filter(run=run, mentor__isnull=False)
    }


def unmatched(run):
    return dict(
        BulkMatchRow.objects.filter(run=run, mentor__isnull=True).values_list(
            "mentee_id", "unmatched_reason"
        )
    )


def live_pairs(program):
    return set(Mentorship.objects.live().filter(program=program).values_list("mentee", "mentor"))


def preview(client, cohort, people, **kw):
    response = client.post(
        new_url(cohort.program), form_data(cohort, people.mentees, people.mentors, **kw)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return BulkMatchRun.objects.latest("pk")
