"""Workspace history for the demo: goals, agendas, questions, shared notes,
reflections, feedback and practice items on past sessions, and a partly
prepared agenda for the next one. Idempotent: a mentorship that already has
goals is left alone.

The text follows each mentee: goals come from their track's pool (demo_goals.py),
never twice for one mentee and as rarely as possible across the program, and no
two mentees get the same set; each session's agenda goal is a step towards one
of those goals, about the mentee's own project; notes, reflections and feedback
are combined from the parts in demo_text.py. One rng, one seed: the same every run.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import combinations

from django.db import transaction

from mentora.mentoring import demo_text as text
from mentora.mentoring.demo_goals import CAREER_GOALS, TRACK_GOALS, GoalText
from mentora.mentoring.models import (
    ActionItem,
    ActionKind,
    Agenda,
    AgendaQuestion,
    Feedback,
    GoalMet,
    GoalTemplate,
    MentorshipGoal,
    Note,
    Question,
    QuestionStatus,
    Reflection,
    WorkingAgreement,
)
from mentora.programs.demo_people import AWAITING_REFLECTION_MENTEE, MENTEES
from mentora.programs.demo_plans import PLANS
from mentora.programs.models import Mentorship, Program
from mentora.scheduling.models import Session, SessionStatus

TEMPLATES = [t for t in GoalTemplate if t.value in text.TEMPLATE_STEPS]
KINDS = (ActionKind.PRACTICE, ActionKind.PRACTICE, ActionKind.TASK, ActionKind.STRETCH)
DUE_DAYS = {ActionKind.PRACTICE: 3, ActionKind.TASK: 5, ActionKind.STRETCH: 10}
TRACK_OF = {spec.name: spec.track for spec in MENTEES}
DEFAULT_PROJECT = "my portfolio project"


def my_project(project: str) -> str:
    """'a shift-swap app for nurses' -> 'my shift-swap app for nurses'."""
    for article in ("a ", "an "):
        if project.startswith(article):
            return "my " + project.removeprefix(article)
    return "my " + project


# How many mentees may write the very same agenda goal; then the next one is taken.
MAX_SAME_AGENDA_GOAL = 3
# Coming back to a starting point, worded a little differently each round.
AGAIN = ("Back to: ", "Once more: ", "Another pass at: ", "Revisiting: ", "Round two of: ")


class Cycle:
    """Items in a shuffled order, reshuffled when used up: no repeats until then."""

    def __init__(self, items: tuple[str, ...], rng: random.Random) -> None:
        self.items, self.rng, self.left = items, rng, list[str]()

    def next(self) -> str:
        if not self.left:
            self.left = list(self.items)
            self.rng.shuffle(self.left)
        return self.left.pop()


@dataclass
class Texts:
    """The program-wide draws: how often each goal was given, which sets were."""

    rng: random.Random
    used: Counter[str] = field(default_factory=Counter)
    sets: set[frozenset[str]] = field(default_factory=set)
    # What mentees found useful, drawn program-wide from every opening × ending
    # pair: drawn per mentee, two mentees often wrote the same words (by chance,
    # and more on some days than others, since the history follows the date).
    feedback: Cycle = field(init=False)
    note: Cycle = field(init=False)
    agenda_goals: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        pairs = tuple(f"{u} {a}" for u in text.FEEDBACK_USEFUL for a in text.FEEDBACK_AFTER)
        self.feedback = Cycle(pairs, self.rng)
        # A mentor's note: an observation and a next step, program-wide for the same reason.
        notes = tuple(f"{o} {n}" for o in text.NOTE_OBSERVATIONS for n in text.NOTE_NEXT)
        self.note = Cycle(notes, self.rng)

    def take_agenda_goal(self, goal: str) -> bool:
        """Whether `goal` may be written once more, counting it if so."""
        if self.agenda_goals[goal] >= MAX_SAME_AGENDA_GOAL:
            return False
        self.agenda_goals[goal] += 1
        return True

    def goals_for(self, track: str) -> list[GoalText]:
        """Two goals of the track, least given first, and sometimes a career goal."""
        ranked = sorted(TRACK_GOALS[track], key=lambda g: (self.used[g.text], self.rng.random()))
        career = sorted(CAREER_GOALS, key=lambda g: (self.used[g.text], self.rng.random()))
        extra = [career[0]] if self.rng.random() < 0.4 else []
        options = [[*pair, *extra] for pair in combinations(ranked, 2)]
        options += [[*pair, c] for pair in combinations(ranked, 2) for c in career]
        chosen = next(
            (o for o in options if frozenset(g.text for g in o) not in self.sets), options[0]
        )
        self.sets.add(frozenset(g.text for g in chosen))
        self.used.update(g.text for g in chosen)
        return chosen


class Workspace:
    """What one mentee writes and is told over their sessions: no repeats within it."""

    def __init__(self, m: Mentorship, texts: Texts) -> None:
        rng = texts.rng
        self.rng, self.texts = rng, texts
        name = m.mentee.name
        self.project = my_project(PLANS[name].project) if name in PLANS else DEFAULT_PROJECT
        self.goal_texts = texts.goals_for(TRACK_OF.get(name, "backend"))
        # Steps interleave the goals, first goal first: most sessions serve a goal.
        longest = max(len(g.steps) for g in self.goal_texts)
        self.steps = [
            (i, g.steps[k])
            for k in range(longest)
            for i, g in enumerate(self.goal_texts)
            if k < len(g.steps)
        ]
        self.questions = [(i, q) for i, g in enumerate(self.goal_texts) for q in g.questions]
        self.practice = [(i, p) for i, g in enumerate(self.goal_texts) for p in g.practice]
        rng.shuffle(self.questions)
        rng.shuffle(self.practice)
        self.templates = list(TEMPLATES)
        rng.shuffle(self.templates)
        self.cycles = {
            name: Cycle(items, rng)
            for name, items in {
                "working_on": text.WORKING_ON,
                "why_not": text.WHY_NOT,
                "plan_now": text.PLAN_NOW,
                "mentor_plan": text.MENTOR_PLAN,
                "mentor_plan_after": text.MENTOR_PLAN_AFTER,
                "plan_plain": text.MENTEE_PLAN_PLAIN,
                "answer": text.ANSWERS,
                "less": text.FEEDBACK_LESS,
                "next_days": text.NEXT_DAYS,
            }.items()
        }

    def fill(self, template: str) -> str:
        return template.format(project=self.project)

    def draw(self, name: str) -> str:
        return self.fill(self.cycles[name].next())

    def step(self) -> tuple[int, str, str]:
        """(goal index, agenda goal, template): the next step, or once they are
        used up a starting point from the templates, about the mentee's project.

        A goal already written by MAX_SAME_AGENDA_GOAL mentees is passed over:
        mentees who share a goal share its steps, and how many of them reach a
        step depends on how many weeks of history today's date gives the demo.
        """
        while self.steps:
            index, step = self.steps.pop(0)
            if self.texts.take_agenda_goal(goal := self.fill(step)):
                return index, goal, ""
        while self.templates:
            template = self.templates.pop()
            if self.texts.take_agenda_goal(goal := self.fill(text.TEMPLATE_STEPS[template.value])):
                return 0, goal, template.value
        order = list(TEMPLATES)
        self.rng.shuffle(order)
        for again in AGAIN:
            for template in order:
                goal = again + self.fill(text.TEMPLATE_STEPS[template.value])
                if self.texts.take_agenda_goal(goal):
                    return 0, goal, template.value
        return 0, AGAIN[0] + self.fill(text.TEMPLATE_STEPS[order[0].value]), order[0].value

    def question(self, goal_index: int) -> str | None:
        for k, (index, _q) in enumerate(self.questions):
            if index == goal_index:
                return self.questions.pop(k)[1]
        return self.questions.pop(0)[1] if self.questions else None

    def practice_item(self, goal_index: int) -> str | None:
        for k, (index, _p) in enumerate(self.practice):
            if index == goal_index:
                return self.fill(self.practice.pop(k)[1])
        return self.fill(self.practice.pop(0)[1]) if self.practice else None


def _goals(m: Mentorship, ws: Workspace) -> list[MentorshipGoal]:
    goals = [
        MentorshipGoal.objects.create(mentorship=m, text=ws.fill(g.text)) for g in ws.goal_texts
    ]
    rng = ws.rng
    WorkingAgreement.objects.create(
        mentorship=m,
        how_often=rng.choice(text.HOW_OFTEN),
        contact_between_sessions=rng.choice(text.CONTACT),
        mentee_expects=rng.choice(text.MENTEE_EXPECTS),
        mentor_expects=rng.choice(text.MENTOR_EXPECTS),
        updated_by_id=m.mentee_id,
    )
    return goals


def _agenda(session: Session, goals: list[MentorshipGoal], ws: Workspace) -> tuple[int, str]:
    index, goal, template = ws.step()
    agenda = Agenda.objects.create(
        session=session,
        goal=goal,
        goal_template=template,
        mentorship_goal=goals[index],
        working_on=ws.draw("working_on"),
        previous_notes_reviewed=ws.rng.random() < 0.8,
        setup_checked=ws.rng.random() < 0.7,
    )
    asked = ws.question(index)
    if asked is not None:
        question = Question.objects.create(
            program=session.program,
            mentee_id=session.mentee_id,
            text=asked,
            status=QuestionStatus.ANSWERED,
            answer=ws.draw("answer"),
            answered_in=session,
            resolved_at=session.ends_at,
        )
        AgendaQuestion.objects.create(agenda=agenda, question=question)
    return index, goal


def _past(
    session: Session,
    goals: list[MentorshipGoal],
    ws: Workspace,
    now: datetime,
    *,
    mentee_done: bool = True,
) -> None:
    """A held session: its agenda, the mentor's note and reflection, and, unless
    `mentee_done` is False (the sample journey), the mentee's reflection,
    feedback and practice item."""
    rng = ws.rng
    index, goal = _agenda(session, goals, ws)
    Note.objects.create(
        session=session,
        author_id=session.mentor_id,
        body=f"**{goal}**\n\n{ws.fill(ws.texts.note.next())}",
    )
    goal_met = rng.choice([GoalMet.YES, GoalMet.YES, GoalMet.PARTLY, GoalMet.YES, GoalMet.NO])
    why_not = "" if goal_met == GoalMet.YES else ws.draw("why_not")
    Reflection.objects.create(
        session=session,
        author_id=session.mentor_id,
        goal_met=goal_met,
        why_not=why_not,
        plan_now=f"{ws.draw('mentor_plan')} {ws.draw('mentor_plan_after')}",
        still_makes_sense="yes",
        topics_covered=goal,
    )
    if not mentee_done:
        return
    practice = ws.practice_item(index)
    if practice:
        plan = (
            ws.cycles["plan_now"]
            .next()
            .format(practice=practice, practice_lower=practice[:1].lower() + practice[1:])
        )
    else:
        plan = ws.draw("plan_plain")
    Reflection.objects.create(
        session=session,
        author_id=session.mentee_id,
        goal_met=goal_met,
        why_not="" if goal_met == GoalMet.YES else ws.draw("why_not"),  # in her own words
        plan_now=plan,
        still_makes_sense="yes",
    )
    less = ws.draw("less") if rng.random() < 0.35 else ""
    Feedback.objects.create(
        session=session,
        useful=ws.fill(ws.texts.feedback.next()),
        less_productive=less,
        rating=rng.choice([3, 4]) if less else rng.choice([4, 5, 5]),
    )
    if practice is None:
        return
    kind = rng.choice(KINDS)
    due = session.ends_at.date() + timedelta(days=DUE_DAYS[kind])
    item = ActionItem.objects.create(
        mentorship=session.mentorship,
        session=session,
        title=practice,
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


def _next(session: Session, goals: list[MentorshipGoal], ws: Workspace) -> None:
    """The next session's agenda, begun: a goal and an open question."""
    index, goal, template = ws.step()
    agenda = Agenda.objects.create(
        session=session,
        goal=goal,
        goal_template=template,
        mentorship_goal=goals[index],
        next_days=ws.draw("next_days"),
    )
    asked = ws.question(index)
    if asked is not None:
        question = Question.objects.create(
            program=session.program, mentee_id=session.mentee_id, text=asked
        )
        AgendaQuestion.objects.create(agenda=agenda, question=question)


@transaction.atomic
def load_workspace(program: Program, now: datetime, seed: int = 2027) -> int:
    rng = random.Random(seed)
    texts = Texts(rng)
    done = 0
    live = Mentorship.objects.live().filter(program=program).select_related("mentee")
    for m in live.order_by("pk"):
        if m.goals.exists():
            continue
        ws = Workspace(m, texts)
        goals = _goals(m, ws)
        held = list(
            Session.objects.filter(mentorship=m, status=SessionStatus.HELD).order_by("starts_at")
        )
        # The sample mentee's latest session waits for her reflection and feedback.
        journey = m.mentee.name == AWAITING_REFLECTION_MENTEE
        for k, session in enumerate(held):
            _past(session, goals, ws, now, mentee_done=not (journey and k == len(held) - 1))
        upcoming = (
            Session.objects.filter(mentorship=m, status=SessionStatus.SCHEDULED, starts_at__gt=now)
            .order_by("starts_at")
            .first()
        )
        if upcoming is not None and rng.random() < 0.6:
            _next(upcoming, goals, ws)
        done += 1
    return done
