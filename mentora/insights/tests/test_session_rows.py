"""On PostgreSQL, the figures of a short period read agendas, reflections and feedback
for the period's sessions only (#18): by index, never a whole table, however many
rows lie outside the period. A join let the planner hash each table whole, so the
page's work grew with every session ever held; the plan says which it is, without
timing anything."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentora.insights.access import Scope
from mentora.insights.figures import Period, figures
from mentora.mentoring.models import Agenda, Feedback, GoalMet, Reflection
from mentora.programs.models import Mentorship, Program
from mentora.scheduling.models import Session, SessionStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TABLES = ("mentoring_agenda", "mentoring_reflection", "mentoring_feedback")
OUTSIDE, INSIDE = 3000, 100  # held sessions before the period, and in it


def _held(mentorship: Mentorship, first: datetime, n: int) -> None:
    """`n` held sessions an hour apart from `first`, each with a goal, the mentee's
    reflection and feedback."""
    sessions = Session.objects.bulk_create(
        Session(
            program=mentorship.program,
            mentorship=mentorship,
            mentor=mentorship.mentor,
            mentee=mentorship.mentee,
            status=SessionStatus.HELD,
            starts_at=at,
            ends_at=at + timedelta(minutes=45),
            blocked_from=at,
            blocked_until=at + timedelta(minutes=55),
        )
        for at in (first + timedelta(hours=i) for i in range(n))
    )
    Agenda.objects.bulk_create(Agenda(session=s, goal="Interview practice") for s in sessions)
    Reflection.objects.bulk_create(
        Reflection(
            session=s, author=mentorship.mentee, goal_met=GoalMet.YES, still_makes_sense="yes"
        )
        for s in sessions
    )
    Feedback.objects.bulk_create(Feedback(session=s, rating=4) for s in sessions)


def _plan_of_the_sessions_query(program: Program, period: Period) -> list[str]:
    """EXPLAIN of the query the figures ran for the sessions (the one reading feedback)."""
    with CaptureQueriesContext(connection) as ran:
        figures(Scope(program, None), period)
    [sql] = [q["sql"] for q in ran.captured_queries if "mentoring_feedback" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return [line for (line,) in cursor.fetchall()]


@pytest.mark.parametrize("weeks", [2, 12])
def test_a_short_period_reads_the_other_tables_by_index_for_its_sessions_only(
    program, mentorship, now, weeks
):
    zone = ZoneInfo(program.time_zone)
    period = Period.covering(now.date() - timedelta(weeks=weeks - 1), now.date(), zone)
    _held(mentorship, period.start - timedelta(hours=OUTSIDE), OUTSIDE)
    _held(mentorship, period.start, INSIDE)
    with connection.cursor() as cursor:  # statistics, as a live database has them
        cursor.execute(
            "ANALYZE scheduling_session, mentoring_agenda, mentoring_reflection, mentoring_feedback"
        )

    plan = _plan_of_the_sessions_query(program, period)

    for table in TABLES:
        reads = [line for line in plan if f" on {table} " in line]
        assert reads, f"{table} is not read:\n" + "\n".join(plan)
        assert all("Index" in line for line in reads), "\n".join(plan)
    assert not [line for line in plan if "Seq Scan" in line and "mentoring_" in line]
