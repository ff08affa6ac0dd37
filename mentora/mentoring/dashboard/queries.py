"""Reads for the role home pages: the mentee's dashboard and the mentor's view
of each mentee's next session.

Each function runs a fixed number of queries however many questions, items,
notes, goals or mentees there are (prefetches and one subquery, never a query
per row). Private notes never reach a dashboard: only shared notes are read.
Readiness comes from mentoring.agenda.readiness, the same checklist the agenda
page and the mentor's readiness page show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mentora.mentoring.agenda.services import (
    CheckItem,
    ReadinessLevel,
    open_questions_for,
    readiness,
)
from mentora.mentoring.models import (
    ActionItem,
    Agenda,
    AgendaFile,
    AgendaLink,
    AgendaQuestion,
    GoalStatus,
    MentorshipGoal,
    Question,
)
from mentora.mentoring.workspace.queries import (
    FIRST_OPEN_ITEMS,
    first_open_items,
    mentee_mentorships_and_items,
)
from mentora.mentoring.workspace.services import local_today
from mentora.programs.models import Mentorship, Program
from mentora.programs.queries import live_mentorships_of_mentor
from mentora.scheduling import needs as scheduling_needs
from mentora.scheduling.models import Session, SessionStatus
from mentora.scheduling.queries import upcoming_sessions

if TYPE_CHECKING:
    from mentora.accounts.models import User

SHOWN_QUESTIONS = 5
# The soonest upcoming sessions a home lists ("Coming up").
SOONEST_SHOWN = 5
SHOWN_ACTION_ITEMS = 8
assert SHOWN_ACTION_ITEMS <= FIRST_OPEN_ITEMS  # read from first_open_items
READINESS_LABELS: dict[str, Promise] = {
    "prepared": _("Prepared"),
    "partly": _("Partly prepared"),
    "not_yet": _("Not prepared yet"),
}
# Colours that read right: prepared is good news, not prepared a warning, partly neither.
READINESS_BADGES: dict[str, str] = {
    "prepared": "badge-ok",
    "partly": "",
    "not_yet": "badge-warn",
}
READINESS_DAYS = 14  # the readiness page looks this far ahead unless asked for everything


@dataclass(frozen=True)
class NextSession:
    """A session still to come, with its agenda (if started) and how ready it is."""

    session: Session
    agenda: Agenda | None
    level: ReadinessLevel
    checklist: list[CheckItem]

    @property
    def done(self) -> int:
        return sum(item.done for item in self.checklist)

    @property
    def total(self) -> int:
        return len(self.checklist)

    @property
    def level_label(self) -> str:
        return str(READINESS_LABELS[self.level])

    @property
    def badge(self) -> str:
        return READINESS_BADGES[self.level]

    @property
    def ticks(self) -> int:
        return self.done


@dataclass(frozen=True)
class OpenItem:
    item: ActionItem
    overdue: bool


@dataclass(frozen=True)
class MentorshipGoals:
    mentorship: Mentorship
    goals: list[MentorshipGoal]

    @property
    def active(self) -> list[MentorshipGoal]:
        return [g for g in self.goals if g.status == GoalStatus.ACTIVE]


@dataclass(frozen=True)
class SharedNote:
    """A shared note of the mentee's last session, as the dashboard shows it."""

    pk: int
    author_name: str
    body: str


@dataclass(frozen=True)
class MenteeDashboard:
    next_session: NextSession | None
    open_question_count: int
    open_questions: list[Question]
    open_item_count: int
    open_items: list[OpenItem]
    overdue_count: int
    last_session: Session | None
    last_notes: list[SharedNote]  # shared notes only
    goals: list[MentorshipGoals]


@dataclass(frozen=True)
class MenteeRow:
    """One mentee on the mentor's home."""

    mentorship: Mentorship
    next_session: NextSession | None
    active_goals: list[MentorshipGoal]


def _with_agenda(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Sessions with their agenda and what readiness() counts, in the same query."""
    of_session = {"agenda__session": OuterRef("pk")}
    return sessions.select_related("agenda", "mentor", "mentee").annotate(
        agenda_questions_exist=Exists(AgendaQuestion.objects.filter(**of_session)),
        agenda_links_exist=Exists(AgendaLink.objects.filter(**of_session)),
        agenda_files_exist=Exists(AgendaFile.objects.filter(**of_session)),
    )


def _agenda(session: Session) -> Agenda | None:
    try:
        agenda = session.agenda
    except Agenda.DoesNotExist:
        return None
    if hasattr(session, "agenda_questions_exist"):  # read by _with_agenda: readiness needs no query
        agenda.known_questions = session.agenda_questions_exist  # type: ignore[attr-defined]
        agenda.known_shared = session.agenda_links_exist or session.agenda_files_exist  # type: ignore[attr-defined]
    return agenda


def _next(session: Session | None) -> NextSession | None:
    if session is None:
        return None
    agenda = _agenda(session)
    level, checklist = readiness(agenda)
    return NextSession(session, agenda, level, checklist)


def _upcoming(program: Program, now: datetime) -> QuerySet[Session]:
    return Session.objects.filter(
        program=program, status=SessionStatus.SCHEDULED, ends_at__gte=now
    ).order_by("starts_at", "pk")


@dataclass(frozen=True)
class Soonest:
    """A person's soonest upcoming sessions in a program, in either role, with their
    agendas: the home's "Coming up" list, from which the mentee's next session is
    taken too (one query for both)."""

    sessions: list[Session]
    complete: bool  # every upcoming session is in `sessions`

    def next_as_mentee(self, mentee: User) -> tuple[bool, Session | None]:
        """Whether the list tells the mentee's next session, and that session."""
        found = next((s for s in self.sessions if s.mentee_id == mentee.pk), None)
        return bool(found or self.complete), found


def soonest_sessions(user: User, program: Program, now: datetime) -> Soonest:
    # One more row than shown says whether the list holds them all.
    rows = list(_with_agenda(upcoming_sessions(user, program, now))[: SOONEST_SHOWN + 1])
    return Soonest(rows[:SOONEST_SHOWN], complete=len(rows) <= SOONEST_SHOWN)


def mentee_dashboard(
    program: Program, mentee: User, now: datetime, *, soonest: Soonest | None = None
) -> MenteeDashboard:
    """Everything the mentee's home shows, in a fixed number of queries (one fewer
    when the page has read the `soonest` sessions already)."""
    known, next_session = soonest.next_as_mentee(mentee) if soonest else (False, None)
    if not known:
        next_session = _with_agenda(_upcoming(program, now).filter(mentee=mentee)).first()
    # The first few open questions, each row counting them all (one query).
    shown_questions: list[Question] = list(
        open_questions_for(mentee, program)
        .annotate(open_count=Window(Count("pk")))
        .order_by("created_at", "pk")[:SHOWN_QUESTIONS]
    )
    question_count = shown_questions[0].open_count if shown_questions else 0  # type: ignore[attr-defined]
    today = local_today(mentee, now)
    items = first_open_items(program, mentee)[:SHOWN_ACTION_ITEMS]
    shown_items = [OpenItem(i, i.due_on < today) for i in items]
    last_session, last_notes = _last_held_with_notes(program, mentee)
    # The live mentorships the header reads too, oldest first, and their goals.
    live, (open_count, overdue_count) = mentee_mentorships_and_items(program, mentee, today)
    mentorships = sorted(live, key=lambda m: (m.started_at, m.pk))
    goals: dict[int, list[MentorshipGoal]] = {m.pk: [] for m in mentorships}
    if mentorships:
        for goal in MentorshipGoal.objects.filter(mentorship_id__in=goals):
            goals[goal.mentorship_id].append(goal)
    return MenteeDashboard(
        next_session=_next(next_session),
        open_question_count=question_count,
        open_questions=shown_questions,
        open_item_count=open_count,
        open_items=shown_items,
        overdue_count=overdue_count,
        last_session=last_session,
        last_notes=last_notes,
        goals=[MentorshipGoals(m, goals[m.pk]) for m in mentorships],
    )


def _last_held_with_notes(
    program: Program, mentee: User
) -> tuple[Session | None, list[SharedNote]]:
    """The mentee's last held session and its shared notes, in one query: the session
    joined to its shared notes (one row per note, one row with no note)."""
    last = (
        Session.objects.filter(program=program, mentee=mentee, status=SessionStatus.HELD)
        .order_by("-starts_at", "-pk")
        .values("pk")[:1]
    )
    rows = list(
        Session.objects.filter(pk=Subquery(last))
        .select_related("mentor")
        .annotate(shared_note=FilteredRelation("notes", condition=Q(notes__shared=True)))
        .annotate(
            note_pk=F("shared_note__pk"),
            note_body=F("shared_note__body"),
            note_author=F("shared_note__author__name"),
        )
        .order_by("shared_note__created_at", "shared_note__pk")
    )
    if not rows:
        return None, []
    notes = [
        SharedNote(r.note_pk, r.note_author, r.note_body)  # type: ignore[attr-defined]
        for r in rows
        if r.note_pk is not None  # type: ignore[attr-defined]
    ]
    return rows[0], notes


def mentor_dashboard(program: Program, mentor: User, now: datetime) -> list[MenteeRow]:
    """Each live mentee of `mentor`: their next session, its readiness, and the
    mentorship's active goals. Fixed queries: mentorships (each annotated with
    its next session's id), their active goals, those sessions with agendas."""
    next_id = _upcoming(program, now).filter(mentorship=OuterRef("pk")).values("pk")[:1]
    mentorships = list(
        live_mentorships_of_mentor(program, mentor)
        .annotate(next_session_id=Subquery(next_id), has_rhythm=scheduling_needs.has_rhythm())
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=MentorshipGoal.objects.filter(status=GoalStatus.ACTIVE),
            )
        )
    )
    scheduling_needs.remember_rhythms(program, mentor, "mentor", mentorships)
    ids = [m.next_session_id for m in mentorships if m.next_session_id is not None]
    sessions = {s.pk: s for s in _with_agenda(Session.objects.filter(pk__in=ids))} if ids else {}
    return [
        MenteeRow(
            mentorship=m,
            next_session=_next(sessions.get(m.next_session_id or 0)),
            active_goals=list(m.goals.all()),  # the prefetch holds the active ones only
        )
        for m in mentorships
    ]


@dataclass(frozen=True)
class ReadinessPage:
    """A mentor's upcoming sessions, soonest first, with how prepared each one is."""

    rows: list[NextSession]
    days: int | None  # how far ahead the rows reach; None: every upcoming session
    later: int  # upcoming sessions beyond `days`, not shown


def mentor_readiness(
    program: Program, mentor: User, now: datetime, *, days: int | None = READINESS_DAYS
) -> ReadinessPage:
    """The sessions `mentor` holds from now to `days` ahead (all of them for None), in
    three queries: the sessions with their agendas, what readiness counts, and how
    many lie beyond."""
    upcoming = _upcoming(program, now).filter(mentor=mentor)
    shown, later = upcoming, 0
    if days is not None:
        horizon = now + timedelta(days=days)
        shown = upcoming.filter(starts_at__lt=horizon)
        later = upcoming.filter(starts_at__gte=horizon).count()
    rows = [r for r in (_next(s) for s in _with_agenda(shown)) if r is not None]
    return ReadinessPage(rows=rows, days=days, later=later)
