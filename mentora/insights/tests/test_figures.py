"""Every figure of the insights and mentor pages on a small program worked out by hand.

NOW is Monday 4 January 2027, 12:00 UTC (13:00 in Berlin, the program's zone).
The period is two weeks: A = Mon 28 Dec – Sun 3 Jan, B = Mon 4 Jan – Sun 10 Jan.

Mia (mentee) and Otto (other_mentee), cohort Spring 2027, success manager Sam,
both mentored by Mo since 1 Dec. Rae, cohort Autumn 2026, success manager Sue:
mentored by Mo from 1 Nov, ended 30 Dec as "not a fit", re-matched to Nina on 30 Dec.

Week A (Berlin times):
  s1 Mia  Mon 28 Dec 10:00  held, goal written; Mia: goal met yes; Mo: partly; feedback 5
  s2 Otto Tue 29 Dec 10:00  held, no agenda;    Otto: goal met no;            feedback 2
  s3 Mia  Wed 30 Dec 10:00  cancelled on time
  s4 Otto Wed 30 Dec 14:00  cancelled late
  s9 Otto Thu 31 Dec 11:00  never marked (attendance not recorded)
  s5 Mia  Sun  3 Jan 23:30  mentee no-show (22:30 UTC: still Sunday in Berlin)
Week B:
  s7 Otto Mon  4 Jan 00:30  mentor no-show (23:30 UTC on Sunday: Monday in Berlin)
  s6 Mia  Mon  4 Jan 10:00  held, goal written; Mia: partly;                feedback 4
  s8 Mia  Wed  6 Jan 10:00  upcoming
Outside: s0 Mia Sun 27 Dec held (before the period).
Action items: 2 created Tue 29 Dec (one done Tue 5 Jan), 1 created Mon 4 Jan.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mentora.insights import session_rows
from mentora.insights.access import Scope
from mentora.insights.figures import Period, csv_rows, figures
from mentora.insights.queries import mentor_rows
from mentora.insights.tests.factories import session
from mentora.mentoring.models import GoalMet
from mentora.programs.models import EndReason, Mentorship, MentorshipStatus, Role
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
DEC_1 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def utc(month, day, hour, minute=0):
    year = 2026 if month == 12 else 2027
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def known(program, cohort, success_manager, mentor, mentee, other_mentee, now):
    Mentorship.objects.filter(program=program).update(started_at=DEC_1)
    mia = Mentorship.objects.get(mentee=mentee)
    otto = Mentorship.objects.get(mentee=other_mentee)

    s1 = session(mia, utc(12, 28, 9), SessionStatus.HELD, goal="Review my portfolio")
    f.ReflectionFactory(session=s1, author=mentee, goal_met=GoalMet.YES)
    f.ReflectionFactory(session=s1, author=mentor, goal_met=GoalMet.PARTLY)
    f.FeedbackFactory(session=s1, rating=5)
    s2 = session(otto, utc(12, 29, 9), SessionStatus.HELD)
    f.ReflectionFactory(session=s2, author=other_mentee, goal_met=GoalMet.NO)
    f.FeedbackFactory(session=s2, rating=2)
    session(mia, utc(12, 30, 9), late=False)
    session(otto, utc(12, 30, 13), late=True)
    session(otto, utc(12, 31, 10))
    session(mia, utc(1, 3, 22, 30), SessionStatus.MENTEE_NO_SHOW)
    session(otto, utc(1, 3, 23, 30), SessionStatus.MENTOR_NO_SHOW)
    s6 = session(mia, utc(1, 4, 9), SessionStatus.HELD, goal="Interview practice")
    f.ReflectionFactory(session=s6, author=mentee, goal_met=GoalMet.PARTLY)
    f.FeedbackFactory(session=s6, rating=4)
    session(mia, utc(1, 6, 9))
    session(mia, utc(12, 27, 9), SessionStatus.HELD, goal="Before the period")

    with time_machine.travel(utc(12, 29, 15), tick=False):
        done = f.ActionItemFactory(mentorship=mia, due_on=date(2027, 1, 8))
        f.ActionItemFactory(mentorship=otto, due_on=date(2027, 1, 8))
    with time_machine.travel(utc(1, 4, 11), tick=False):
        f.ActionItemFactory(mentorship=mia, due_on=date(2027, 1, 8))
    done.done_at = utc(1, 5, 10)
    done.save()

    autumn = f.CohortFactory(program=program, name="Autumn 2026")
    sue = f.UserFactory(name="Sue Second")
    f.MembershipFactory(user=sue, program=program, role=Role.SUCCESS_MANAGER)
    rae = f.UserFactory(name="Rae Rematched")
    f.MembershipFactory(user=rae, program=program, cohort=autumn, success_manager=sue)
    nina = f.UserFactory(name="Nina New")
    f.MembershipFactory(user=nina, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=nina, capacity=3)
    f.MentorshipFactory(
        program=program,
        mentor=mentor,
        mentee=rae,
        started_at=utc(11, 1, 9).replace(year=2026),
        status=MentorshipStatus.ENDED,
        ended_at=utc(12, 30, 16),
        end_reason=EndReason.NOT_A_FIT,
    )
    f.MentorshipFactory(program=program, mentor=nina, mentee=rae, started_at=utc(12, 30, 16))
    return {"autumn": autumn, "sue": sue}


def two_weeks():
    return Period.covering(date(2026, 12, 30), date(2027, 1, 5), BERLIN)


def test_period_snaps_to_whole_weeks_in_the_programs_zone():
    p = two_weeks()
    assert (p.first, p.last) == (date(2026, 12, 28), date(2027, 1, 10))
    assert p.weeks == [date(2026, 12, 28), date(2027, 1, 4)]
    assert p.start == datetime(2026, 12, 27, 23, 0, tzinfo=UTC)


def test_sessions_by_week(program, known):
    fig = figures(Scope(program, None), two_weeks())
    a, b = fig.weeks
    assert (a.scheduled, a.held, a.cancelled_on_time, a.cancelled_late) == (6, 2, 1, 1)
    assert (a.mentee_no_shows, a.mentor_no_shows, a.not_marked) == (1, 0, 1)
    assert (b.scheduled, b.held, b.cancelled_on_time, b.cancelled_late) == (3, 1, 0, 0)
    assert (b.mentee_no_shows, b.mentor_no_shows, b.not_marked) == (0, 1, 1)
    assert (fig.total.scheduled, fig.total.held, fig.total.no_shows) == (9, 3, 2)
    assert fig.total.attendance_share == pytest.approx(3 / 5)


def test_prepared_goals_and_feedback(program, known):
    fig = figures(Scope(program, None), two_weeks())
    a, b = fig.weeks
    assert (a.prepared, a.prepared_share) == (1, 0.5)
    assert (b.prepared, b.prepared_share) == (1, 1.0)
    # The mentee's reflection counts; the mentor's "partly" on s1 does not.
    assert (a.goal_yes, a.goal_partly, a.goal_no) == (1, 0, 1)
    assert (b.goal_yes, b.goal_partly, b.goal_no) == (0, 1, 0)
    assert fig.total.goal_met_share == pytest.approx(1 / 3)
    assert (a.feedback_count, a.feedback_average) == (2, 3.5)
    assert (b.feedback_count, b.feedback_average) == (1, 4.0)
    assert fig.total.feedback_average == pytest.approx(11 / 3)
    assert (fig.total.feedback_high, fig.total.feedback_mid, fig.total.feedback_low) == (2, 0, 1)


def test_a_long_period_joins_what_a_short_one_looks_up_with_the_same_numbers(
    program, known, cohort, success_manager, monkeypatch
):
    scopes = [(Scope(program, None), None), (Scope(program, success_manager), cohort)]
    looked_up = [figures(scope, two_weeks(), c).weeks for scope, c in scopes]
    monkeypatch.setattr(session_rows, "PROBED_WEEKS", 0)  # two weeks count as long
    joined = [figures(scope, two_weeks(), c).weeks for scope, c in scopes]
    assert joined == looked_up
    assert looked_up[0][0].goal_yes == 1  # the numbers are there, not two empty tables


def test_action_items_mentorships_rematches_and_utilisation(program, known):
    fig = figures(Scope(program, None), two_weeks())
    a, b = fig.weeks
    assert (a.actions_created, a.actions_done) == (2, 0)
    assert (b.actions_created, b.actions_done) == (1, 1)
    # Rae's first mentorship ended on 30 Dec; at each week's end: Mia, Otto, Rae with Nina.
    assert (a.active_mentorships, b.active_mentorships) == (3, 3)
    assert (a.ended, a.rematches, b.ended, b.rematches) == (1, 1, 0, 0)
    assert fig.end_reasons == [("Not a fit", 1, 1)]
    # Capacity: Mo 3 + Nina 3; live now: 3.
    assert (fig.capacity, fig.live_now, fig.utilisation) == (6, 3, 0.5)
    assert fig.week_utilisation(a) == 0.5


def test_cohort_filter(program, known, cohort):
    spring = figures(Scope(program, None), two_weeks(), cohort)
    assert spring.total.scheduled == 9
    assert [w.active_mentorships for w in spring.weeks] == [2, 2]
    assert spring.total.ended == 0
    assert spring.week_utilisation(spring.weeks[0]) is None

    autumn = figures(Scope(program, None), two_weeks(), known["autumn"])
    assert (autumn.total.scheduled, autumn.total.ended, autumn.total.rematches) == (0, 1, 1)
    assert [w.active_mentorships for w in autumn.weeks] == [1, 1]


def test_a_success_manager_sees_only_their_caseload(program, known, success_manager):
    mine = figures(Scope(program, success_manager), two_weeks())
    assert mine.total.scheduled == 9 and mine.total.ended == 0
    assert mine.capacity is None

    sues = figures(Scope(program, known["sue"]), two_weeks())
    assert (sues.total.scheduled, sues.total.actions_created, sues.total.ended) == (0, 0, 1)


def test_csv_rows_carry_the_same_numbers(program, known):
    rows = csv_rows(figures(Scope(program, None), two_weeks()))
    header, a, _, total = rows
    assert header[:3] == ["Week starting (Monday)", "Sessions scheduled", "Held"]
    row = dict(zip(header, a, strict=True))
    assert row["Week starting (Monday)"] == "2026-12-28"
    assert (row["Sessions scheduled"], row["Held"], row["Cancelled late"]) == ("6", "2", "1")
    assert (row["Share prepared"], row["Average rating"]) == ("0.500", "3.500")
    assert dict(zip(header, total, strict=True))["Mentor utilisation"] == "0.500"
    assert total[0] == "Total" and total[1] == "9"


def test_mentor_rows(program, known, mentor, now):
    p = two_weeks()
    with time_machine.travel(now, tick=False):
        rows = {r.mentor.name: r for r in mentor_rows(program, p.start, p.end, now)}
    mo = rows["Mo Mentor"]
    # Past sessions in the period: s1–s7 and s9 (s8 is upcoming).
    assert (mo.load, mo.capacity, mo.sessions, mo.held) == (2, 3, 8, 3)
    assert (mo.mentee_no_shows, mo.mentor_no_shows, mo.late_cancellations) == (1, 1, 1)
    assert mo.attendance_rate == pytest.approx(3 / 5)
    assert mo.late_cancellation_rate == pytest.approx(1 / 8)
    assert (mo.feedback_count, mo.feedback_average) == (3, pytest.approx(11 / 3))
    assert (mo.reflections, mo.reflection_rate) == (1, pytest.approx(1 / 3))
    assert mo.unmarked == 1
    nina = rows["Nina New"]
    assert (nina.load, nina.sessions, nina.attendance_rate) == (1, 0, None)


def test_trends_compare_the_last_four_weeks_with_the_weeks_before():
    from mentora.insights.figures import Figures, Week, summed

    weeks = [Week(date(2027, 1, 4), held=9, mentee_no_shows=1) for _ in range(4)]
    weeks += [Week(date(2027, 2, 1), held=6, mentee_no_shows=4) for _ in range(4)]
    fig = Figures(None, None, None, weeks, summed(weeks), [])  # type: ignore[arg-type]
    attendance = fig.trends()["attendance_share"]
    assert (attendance.recent, attendance.before, attendance.direction) == (0.6, 0.9, "down")
    assert "goal_met_share" not in fig.trends()  # no reflections: nothing to compare
    assert Figures(None, None, None, weeks[:7], summed(weeks), []).trends() == {}  # type: ignore[arg-type]
