"""Workspace history for the demo: goals, agendas, questions, shared notes,
reflections, feedback and practice items on past sessions, and a partly
prepared agenda for the next one. Idempotent: a mentorship that already has
goals is left alone."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction

from mentora.mentoring.models import (
    ActionItem,
    ActionKind,
    Agenda,
    AgendaQuestion,
    Feedback,
    GoalTemplate,
    MentorshipGoal,
    Note,
    Question,
    QuestionStatus,
    Reflection,
    WorkingAgreement,
)
from mentora.programs.models import Mentorship, Program
from mentora.scheduling.models import Session, SessionStatus

GOALS = [
    "Ship my capstone project with tests and a README I'm proud of",
    "Get three first-round interviews for junior backend roles",
    "Be able to explain my portfolio projects in under two minutes",
    "Understand SQL joins and indexes well enough to design a schema",
    "Build a habit of practising coding problems four days a week",
]
TEMPLATES = list(GoalTemplate)
QUESTIONS = [
    "How do I decide when to split a Django app in two?",
    "Is it fine to list bootcamp projects as experience on my CV?",
    "What do interviewers want to hear when they ask about a bug I fixed?",
    "How much testing is enough for a portfolio project?",
    "Should I learn Docker before applying, or on the job?",
]
NOTES = [
    "We walked through the **booking flow**; next step: write one test for the cancel rule.",
    "Portfolio review: lead with the project you can talk about for ten minutes.",
    "Mock interview: good structure. Practise the *why* behind your choices.",
    "SQL: joins clicked. Try the three exercises on indexes before next week.",
]
PRACTICE = [
    ("Write one test for the cancellation rule", ActionKind.PRACTICE, 2),
    ("Rewrite the README intro in five sentences", ActionKind.TASK, 4),
    ("Apply to two roles that stretch you", ActionKind.STRETCH, 10),
]


def _goals(m: Mentorship, rng: random.Random) -> list[MentorshipGoal]:
    goals = [MentorshipGoal.objects.create(mentorship=m, text=t) for t in rng.sample(GOALS, 2)]
    WorkingAgreement.objects.create(
        mentorship=m,
        how_often="Weekly, 45 minutes, at our regular time",
        contact_between_sessions="Short questions by email; answers within two days",
        mentee_expects="Honest feedback on my code and my applications",
        mentor_expects="An agenda the day before, and questions written down",
        updated_by_id=m.mentee_id,
    )
    return goals


def _past(session: Session, goal: MentorshipGoal, rng: random.Random, now: datetime) -> None:
    template = rng.choice(TEMPLATES)
    agenda = Agenda.objects.create(
        session=session,
        goal=template.label,
        goal_template=template,
        mentorship_goal=goal,
        working_on="My capstone project's booking page",
        previous_notes_reviewed=True,
        setup_checked=rng.random() < 0.7,
    )
    question = Question.objects.create(
        program=session.program,
        mentee_id=session.mentee_id,
        text=rng.choice(QUESTIONS),
        status=QuestionStatus.ANSWERED,
        answer="Talked it through; see the notes.",
        answered_in=session,
        resolved_at=session.ends_at,
    )
    AgendaQuestion.objects.create(agenda=agenda, question=question)
    Note.objects.create(session=session, author_id=session.mentor_id, body=rng.choice(NOTES))
    goal_met = rng.choice(["yes", "yes", "partly"])
    for author_id in (session.mentee_id, session.mentor_id):
        Reflection.objects.create(
            session=session,
            author_id=author_id,
            goal_met=goal_met,
            why_not="" if goal_met == "yes" else "We ran out of time on the second question.",
            plan_now="Practise what we covered before the next session.",
            still_makes_sense="yes",
            topics_covered="Goals, code review" if author_id == session.mentor_id else "",
        )
    Feedback.objects.create(
        session=session, useful="Concrete examples from real projects", rating=rng.choice([4, 5, 5])
    )
    title, kind, days = rng.choice(PRACTICE)
    due = session.ends_at.date() + timedelta(days=days)
    item = ActionItem.objects.create(
        mentorship=session.mentorship,
        session=session,
        title=title,
        kind=kind,
        owner_id=session.mentee_id,
        due_on=due,
        created_by_id=session.mentee_id,
        done_at=session.ends_at + timedelta(days=1)
        if due < now.date() - timedelta(days=7)
        else None,
    )
    # Written down at the end of its session, not when the demo was loaded
    # (created_at is auto_now_add), so the program's weekly figures look real.
    ActionItem.objects.filter(pk=item.pk).update(created_at=session.ends_at)


def _next(session: Session, goal: MentorshipGoal, rng: random.Random) -> None:
    agenda = Agenda.objects.create(
        session=session,
        goal="Review my portfolio before I apply",
        mentorship_goal=goal,
        goal_template=GoalTemplate.PORTFOLIO,
    )
    question = Question.objects.create(
        program=session.program, mentee_id=session.mentee_id, text=rng.choice(QUESTIONS)
    )
    AgendaQuestion.objects.create(agenda=agenda, question=question)


@transaction.atomic
def load_workspace(program: Program, now: datetime, seed: int = 2027) -> int:
    rng = random.Random(seed)
    done = 0
    for m in Mentorship.objects.live().filter(program=program).order_by("pk"):
        if m.goals.exists():
            continue
        goals = _goals(m, rng)
        held = Session.objects.filter(mentorship=m, status=SessionStatus.HELD).order_by("starts_at")
        for session in held:
            _past(session, rng.choice(goals), rng, now)
        upcoming = (
            Session.objects.filter(mentorship=m, status=SessionStatus.SCHEDULED, starts_at__gt=now)
            .order_by("starts_at")
            .first()
        )
        if upcoming is not None and rng.random() < 0.6:
            _next(upcoming, goals[0], rng)
        done += 1
    return done
