"""Reads about programs: the programs a person is in, memberships (mentees,
caseloads, people by role) and mentorships.

Who may see whom is decided in access.py (which reads mentee_membership from
here); the mentor and mentee pages are composed in people.py.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from mentora.accounts.models import User
from mentora.programs.memo import per_request
from mentora.programs.models import (
    Membership,
    Mentorship,
    Program,
    Role,
)


def programs_of(user: User) -> QuerySet[Program]:
    return Program.objects.filter(memberships__user=user, memberships__is_active=True).distinct()


def programs_list(user: User) -> list[Program]:
    """programs_of, read once a page (the program pages read it with the roles)."""
    return per_request(user, "programs", lambda: list(programs_of(user).order_by("name", "pk")))


def mentee_membership(program: Program, mentee: User) -> Membership | None:
    """Once a page (the mentee's own pages have it from access.program_and_roles)."""
    return per_request(
        mentee,
        ("mentee_membership", program.pk),
        lambda: (
            Membership.objects.active()
            .filter(program=program, user=mentee, role=Role.MENTEE)
            .select_related("success_manager", "cohort")
            .first()
        ),
    )


def mentor_in_program(program: Program, mentor_id: int) -> User:
    from mentora.accounts.models import User

    user = (
        User.objects.filter(
            pk=mentor_id,
            memberships__program=program,
            memberships__role=Role.MENTOR,
            memberships__is_active=True,
        )
        .select_related("mentor_profile")
        .prefetch_related("mentor_profile__stack")
        .first()
    )
    if user is None:
        raise Http404("No such mentor in this program.")
    return user


def live_mentorships_of_mentee(program: Program, mentee: User) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.live()
        .filter(program=program, mentee=mentee)
        .select_related("mentor", "mentor__mentor_profile")
    )


def live_mentorships_of_mentor(program: Program, mentor: User) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.live()
        .filter(program=program, mentor=mentor)
        .select_related("mentee", "mentee__mentee_profile")
        .order_by("mentee__name")
    )


def mentee_memberships(program: Program) -> QuerySet[Membership]:
    """Mentees of a program with their cohort, success manager and live mentors."""
    return (
        Membership.objects.active()
        .filter(program=program, role=Role.MENTEE)
        .select_related("user", "cohort", "success_manager")
        .prefetch_related(
            Prefetch(
                "user__mentorships_as_mentee",
                queryset=Mentorship.objects.live().filter(program=program).select_related("mentor"),
                to_attr="live_mentorships",
            )
        )
        .order_by("user__name")
    )


def caseload(program: Program, success_manager: User) -> QuerySet[Membership]:
    return mentee_memberships(program).filter(success_manager=success_manager)


def people_by_role(program: Program) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(program=program)
        .select_related("user", "cohort", "success_manager")
        .order_by("role", "user__name")
    )


def role_counts(program: Program) -> dict[str, int]:
    rows = Membership.objects.active().filter(program=program).values("role")
    return {r["role"]: r["n"] for r in rows.annotate(n=Count("id"))}


def mentor_load(program: Program, mentor: User) -> int:
    """Live (active or paused) mentorships a mentor holds: what counts against capacity."""
    return Mentorship.objects.live().filter(program=program, mentor=mentor).count()
