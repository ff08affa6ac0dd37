"""Reads of the cohorts page."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from mentora.programs.models import Cohort, Program, Role


def cohorts_with_counts(program: Program) -> QuerySet[Cohort]:
    """Every cohort of the program, open ones first (then by start), with its mentees counted:
    `active_members` (still in the program) and `all_members` (ever)."""
    mentees = Q(memberships__role=Role.MENTEE)
    return (
        Cohort.objects.filter(program=program)
        .annotate(
            active_members=Count("memberships", filter=mentees & Q(memberships__is_active=True)),
            all_members=Count("memberships", filter=mentees),
        )
        .order_by(
            F("closed_at").asc(nulls_first=True),
            F("starts_on").asc(nulls_last=True),
            "name",
        )
    )


def open_cohorts(program: Program) -> QuerySet[Cohort]:
    """The cohorts a picker offers: not closed."""
    return Cohort.objects.filter(program=program, closed_at__isnull=True)
