"""Reads of the applications pages: open rounds, a program's rounds with their
questions, the review queue (never a draft) and one application's answers and
history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from mentora.applications.models import (
    Answer,
    Application,
    ApplicationRound,
    ApplicationStatus,
    DeclineTemplate,
    Question,
    QuestionKind,
    StatusChange,
)
from mentora.clock import now_or_current
from mentora.programs.models import Cohort, Program


def open_rounds(program: Program, now: datetime | None = None) -> list[ApplicationRound]:
    now = now_or_current(now)
    rounds = ApplicationRound.objects.filter(
        program=program, closed_by_hand_at__isnull=True, opens_at__lte=now
    ).filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
    return list(rounds.order_by("role", "opens_at", "pk"))


def rounds_of(program: Program) -> list[ApplicationRound]:
    """The program's rounds, newest first, each with how many submitted applications."""
    return list(
        ApplicationRound.objects.filter(program=program).annotate(
            submitted=Count("applications", filter=~Q(applications__status=ApplicationStatus.DRAFT))
        )
    )


def questions_of(round_: ApplicationRound) -> list[Question]:
    return list(
        Question.objects.filter(round=round_)
        .annotate(answered=Count("answers"))
        .order_by("order", "pk")
    )


def queue(
    program: Program,
    *,
    round_id: int | None = None,
    role: str | None = None,
    status: str | None = None,
) -> QuerySet[Application]:
    """The program's submitted applications (drafts are nobody's yet), newest first."""
    rows = (
        Application.objects.filter(round__program=program)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("round")
        .order_by("-submitted_at", "-pk")
    )
    if round_id is not None:
        rows = rows.filter(round_id=round_id)
    if role:
        rows = rows.filter(round__role=role)
    if status:
        rows = rows.filter(status=status)
    return rows


@dataclass(frozen=True)
class AnswerRow:
    question: Question
    shown: str  # the answer as words ("" for none)
    is_link: bool


def shown_value(question: Question, value: Any, *, yes: str, no: str) -> str:
    if value is None:
        return ""
    if question.kind == QuestionKind.YES_NO:
        return yes if value else no
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def answer_rows(application: Application, *, yes: str, no: str) -> list[AnswerRow]:
    """Every question of the round in order, with this application's answer."""
    given = {a.question_id: a.value for a in Answer.objects.filter(application=application)}
    return [
        AnswerRow(
            question=q,
            shown=shown_value(q, given.get(q.pk), yes=yes, no=no),
            is_link=q.kind == QuestionKind.LINK and q.pk in given,
        )
        for q in Question.objects.filter(round_id=application.round_id).order_by("order", "pk")
    ]


def answers_of(application: Application) -> dict[int, Any]:
    return {a.question_id: a.value for a in Answer.objects.filter(application=application)}


def history(application: Application) -> list[StatusChange]:
    return list(StatusChange.objects.filter(application=application).select_related("by"))


def decline_templates(program: Program) -> QuerySet[DeclineTemplate]:
    return DeclineTemplate.objects.filter(program=program).order_by("name", "pk")


def has_decline_templates(program: Program) -> bool:
    return DeclineTemplate.objects.filter(program=program).exists()


def open_cohorts(program: Program) -> QuerySet[Cohort]:
    """The cohorts an admitted mentee may join (a closed cohort takes no one new)."""
    return Cohort.objects.filter(program=program, closed_at__isnull=True).order_by("name", "pk")


def waitlist_place(application: Application) -> int | None:
    """Its place in the round's line now (those ahead of it left count no more),
    or None off the waitlist."""
    if application.status != ApplicationStatus.WAITLISTED or application.waitlist_position is None:
        return None
    return Application.objects.filter(
        round_id=application.round_id,
        status=ApplicationStatus.WAITLISTED,
        waitlist_position__lte=application.waitlist_position,
    ).count()
