"""Each risk signal, its boundaries in time, its thresholds and weights, and the ordering.

`mentee` and `other_mentee` are both in the success manager's caseload, both
mentored by `mentor`; their mentorships start at NOW (a Monday, 13:00 in Berlin),
so with no other data nothing fires.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from mentora.insights.access import Scope
from mentora.insights.models import RiskPolicy
from mentora.insights.queries import caseload
from mentora.insights.risk import Signal
from mentora.insights.tests.factories import ConcernFactory, PulseFactory, session
from mentora.matching.models import ConcernOutcome, ConcernStatus, PulseAnswer
from mentora.mentoring.models import StillMakesSense
from mentora.programs.models import EndReason, Membership, Mentorship, MentorshipStatus
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

WEEK = timedelta(weeks=1)
SECOND = timedelta(seconds=1)


def signals(program, success_manager) -> dict[str, set[Signal]]:
    """Signals per mentee email, as the caseload page computes them at the current clock."""
    page = caseload(Scope(program, success_manager), timezone.now())
    return {row.membership.user.email: row.signals for row in page.rows}


def reasons(program, success_manager, email) -> list[str]:
    page = caseload(Scope(program, success_manager), timezone.now())
    return next(
        [r.text for r in row.reasons] for row in page.rows if row.membership.user.email == email
    )


def test_nothing_fires_without_data(program, success_manager, mentee, other_mentee):
    assert signals(program, success_manager) == {mentee.email: set(), other_mentee.email: set()}


# --- open concern -----------------------------------------------------------------


def test_open_concern_fires_and_resolved_one_does_not(program, success_manager, mentorship, now):
    concern = ConcernFactory(mentorship=mentorship, created_at=now - timedelta(days=40))
    assert signals(program, success_manager)[mentorship.mentee.email] == {Signal.CONCERN}
    assert reasons(program, success_manager, mentorship.mentee.email) == ["1 open concern"]

    concern.status, concern.resolved_at = ConcernStatus.RESOLVED, now
    concern.outcome = ConcernOutcome.KEEP_GOING
    concern.save()
    assert signals(program, success_manager)[mentorship.mentee.email] == set()


# --- not a fit ----------------------------------------------------------------------


def test_not_a_fit_pulse_counts_for_four_weeks_to_the_second(
    program, success_manager, mentorship, now
):
    PulseFactory(mentorship=mentorship, answer=PulseAnswer.NOT_A_FIT, answered_at=now)
    email = mentorship.mentee.email

    with time_machine.travel(now + 4 * WEEK, tick=False):
        assert Signal.NOT_A_FIT in signals(program, success_manager)[email]
    with time_machine.travel(now + 4 * WEEK + SECOND, tick=False):
        assert Signal.NOT_A_FIT not in signals(program, success_manager)[email]


def test_other_pulse_answers_do_not_fire(program, success_manager, mentorship, now):
    PulseFactory(mentorship=mentorship, answer=PulseAnswer.DECIDING, answered_at=now)
    assert signals(program, success_manager)[mentorship.mentee.email] == set()


def test_not_a_fit_reflection_fires_while_the_mentorship_is_live(
    program, success_manager, mentorship, now
):
    s = session(mentorship, now - timedelta(days=2), SessionStatus.HELD, goal="Portfolio")
    f.ReflectionFactory(session=s, author=mentorship.mentor, still_makes_sense=StillMakesSense.NO)
    email = mentorship.mentee.email
    assert Signal.NOT_A_FIT in signals(program, success_manager)[email]

    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=MentorshipStatus.ENDED, ended_at=now, end_reason=EndReason.NOT_A_FIT
    )
    assert Signal.NOT_A_FIT not in signals(program, success_manager)[email]


# --- missed sessions ----------------------------------------------------------------


def test_two_no_shows_in_four_weeks_fire_one_does_not(program, success_manager, mentorship, now):
    session(mentorship, now - timedelta(days=3), SessionStatus.MENTEE_NO_SHOW)
    email = mentorship.mentee.email
    assert Signal.MISSED not in signals(program, success_manager)[email]

    session(mentorship, now - timedelta(days=10), SessionStatus.MENTOR_NO_SHOW)
    assert Signal.MISSED in signals(program, success_manager)[email]
    assert "2 missed sessions (late cancellations and no-shows) in the last 4 weeks" in reasons(
        program, success_manager, email
    )


def test_missed_window_boundary_is_four_weeks_after_the_start(
    program, success_manager, mentorship, now
):
    session(mentorship, now - timedelta(days=1), SessionStatus.MENTEE_NO_SHOW)
    oldest = now - timedelta(days=2)
    session(mentorship, oldest, SessionStatus.MENTEE_NO_SHOW)
    email = mentorship.mentee.email

    with time_machine.travel(oldest + 4 * WEEK, tick=False):
        assert Signal.MISSED in signals(program, success_manager)[email]
    with time_machine.travel(oldest + 4 * WEEK + SECOND, tick=False):
        assert Signal.MISSED not in signals(program, success_manager)[email]


def test_late_cancellations_count_on_time_ones_do_not(program, success_manager, mentorship, now):
    session(mentorship, now + timedelta(hours=3), late=True, cancelled_at=now - timedelta(hours=1))
    session(mentorship, now - timedelta(days=5), late=False)
    session(mentorship, now - timedelta(days=6), late=False)
    email = mentorship.mentee.email
    assert Signal.MISSED not in signals(program, success_manager)[email]

    session(mentorship, now - timedelta(days=8), late=True)
    assert Signal.MISSED in signals(program, success_manager)[email]


# --- no recent session --------------------------------------------------------------


def test_no_session_fires_three_weeks_after_the_last_held_one(
    program, success_manager, mentorship, now
):
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=now - 10 * WEEK)
    last = now - timedelta(days=1)
    session(mentorship, last, SessionStatus.HELD, goal="Interviews")
    email = mentorship.mentee.email

    with time_machine.travel(last + 3 * WEEK, tick=False):
        assert Signal.NO_SESSION not in signals(program, success_manager)[email]
    with time_machine.travel(last + 3 * WEEK + SECOND, tick=False):
        assert Signal.NO_SESSION in signals(program, success_manager)[email]
        assert reasons(program, success_manager, email) == [
            "No session held in 21 days (since the last session)"
        ]


def test_no_session_counts_from_the_start_of_a_new_mentorship(
    program, success_manager, mentorship, now
):
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=now - 3 * WEEK)
    email = mentorship.mentee.email
    assert Signal.NO_SESSION not in signals(program, success_manager)[email]

    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=now - 3 * WEEK - SECOND)
    assert Signal.NO_SESSION in signals(program, success_manager)[email]


def test_no_session_does_not_fire_without_a_live_mentorship(
    program, success_manager, mentorship, now
):
    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_at=now - 10 * WEEK,
        status=MentorshipStatus.ENDED,
        ended_at=now - 5 * WEEK,
        end_reason=EndReason.COMPLETED,
    )
    assert Signal.NO_SESSION not in signals(program, success_manager)[mentorship.mentee.email]


# --- held without a goal ------------------------------------------------------------


def test_held_without_goal_fires_with_no_agenda_or_an_empty_goal(
    program, success_manager, mentorship, other_mentee, now
):
    session(mentorship, now - timedelta(days=2), SessionStatus.HELD)
    other = Mentorship.objects.get(mentee=other_mentee)
    session(other, now - timedelta(days=3), SessionStatus.HELD, goal="")
    found = signals(program, success_manager)
    assert Signal.NO_GOAL in found[mentorship.mentee.email]
    assert Signal.NO_GOAL in found[other_mentee.email]


def test_held_with_a_goal_or_outside_the_window_does_not_fire(
    program, success_manager, mentorship, now
):
    session(mentorship, now - timedelta(days=2), SessionStatus.HELD, goal="Review my code")
    session(mentorship, now - 4 * WEEK - SECOND, SessionStatus.HELD)
    assert Signal.NO_GOAL not in signals(program, success_manager)[mentorship.mentee.email]


# --- low feedback -------------------------------------------------------------------


def test_low_feedback_fires_at_two_or_less(program, success_manager, mentorship, now):
    s = session(mentorship, now - timedelta(days=2), SessionStatus.HELD, goal="Roles")
    feedback = f.FeedbackFactory(session=s, rating=3)
    email = mentorship.mentee.email
    assert Signal.LOW_FEEDBACK not in signals(program, success_manager)[email]

    feedback.rating = 2
    feedback.save()
    assert Signal.LOW_FEEDBACK in signals(program, success_manager)[email]


def test_low_feedback_threshold_is_a_program_setting(program, success_manager, mentorship, now):
    s = session(mentorship, now - timedelta(days=2), SessionStatus.HELD, goal="Roles")
    f.FeedbackFactory(session=s, rating=3)
    RiskPolicy.objects.update_or_create(program=program, defaults={"low_rating_max": 3})
    assert Signal.LOW_FEEDBACK in signals(program, success_manager)[mentorship.mentee.email]


# --- overdue action items ------------------------------------------------------------


def test_overdue_means_due_before_today_in_the_programs_zone(
    program, success_manager, mentorship, now
):
    # NOW is Monday 4 January, 13:00 in Berlin.
    item = f.ActionItemFactory(mentorship=mentorship, due_on=now.date())
    email = mentorship.mentee.email
    assert Signal.OVERDUE not in signals(program, success_manager)[email]

    # 23:00 UTC is already Tuesday in Berlin: Monday's item is now overdue.
    with time_machine.travel(now.replace(hour=23), tick=False):
        assert Signal.OVERDUE in signals(program, success_manager)[email]

    item.done_at = now
    item.save()
    with time_machine.travel(now.replace(hour=23), tick=False):
        assert Signal.OVERDUE not in signals(program, success_manager)[email]


def test_overdue_counts_the_mentees_own_items_only(program, success_manager, mentorship, now):
    f.ActionItemFactory(
        mentorship=mentorship, owner=mentorship.mentor, due_on=now.date() - timedelta(days=3)
    )
    assert Signal.OVERDUE not in signals(program, success_manager)[mentorship.mentee.email]


# --- attendance not recorded ---------------------------------------------------------


def test_unmarked_fires_after_the_programs_delay(program, success_manager, mentorship, now):
    s = session(mentorship, now - timedelta(days=1))
    email = mentorship.mentee.email
    flagged_at = s.ends_at + timedelta(hours=program.unmarked_flag_hours)

    with time_machine.travel(flagged_at - SECOND, tick=False):
        assert Signal.UNMARKED not in signals(program, success_manager)[email]
    with time_machine.travel(flagged_at, tick=False):
        assert Signal.UNMARKED in signals(program, success_manager)[email]
        assert reasons(program, success_manager, email)[-1] == (
            "Attendance not recorded by the mentor for 1 session"
        )


# --- weights, thresholds, ordering ------------------------------------------------------


def test_weight_zero_switches_a_signal_off(program, success_manager, mentorship, now):
    ConcernFactory(mentorship=mentorship, created_at=now)
    RiskPolicy.objects.update_or_create(program=program, defaults={"concern_weight": 0})
    assert signals(program, success_manager)[mentorship.mentee.email] == set()


def test_missed_threshold_is_a_program_setting(program, success_manager, mentorship, now):
    session(mentorship, now - timedelta(days=3), SessionStatus.MENTEE_NO_SHOW)
    RiskPolicy.objects.update_or_create(program=program, defaults={"missed_threshold": 1})
    assert Signal.MISSED in signals(program, success_manager)[mentorship.mentee.email]


def test_caseload_orders_by_score_then_signals_then_name(
    program, cohort, success_manager, mentor, mentee, other_mentee, now
):
    zoe = f.UserFactory(name="Zoe Zed")
    f.MembershipFactory(user=zoe, program=program, cohort=cohort, success_manager=success_manager)
    amy = f.UserFactory(name="Amy Able")
    f.MembershipFactory(user=amy, program=program, cohort=cohort, success_manager=success_manager)
    for matched in (zoe, amy):  # matched just now, so "no mentor" doesn't fire
        f.MentorshipFactory(program=program, mentor=mentor, mentee=matched, started_at=now)
    # Otto: an open concern (40) → first. Mia: overdue (10) and unmarked (10) → second.
    ConcernFactory(mentorship=Mentorship.objects.get(mentee=other_mentee), created_at=now)
    mia = Mentorship.objects.get(mentee=mentee)
    f.ActionItemFactory(mentorship=mia, due_on=now.date() - timedelta(days=1))
    session(mia, now - timedelta(days=4))

    page = caseload(Scope(program, success_manager), now)

    assert [r.membership.user.name for r in page.rows] == [
        "Otto Other",
        "Mia Mentee",
        "Amy Able",
        "Zoe Zed",
    ]
    assert [r.score for r in page.rows] == [40, 20, 0, 0]
    assert page.rows[0].level == "high" and page.rows[1].level == "watch"
    assert page.at_risk == 2 and page.total == 4


# --- no mentor, no success manager ---------------------------------------------------


def _unmatched(program, cohort, success_manager, now, name="Una Unmatched"):
    user = f.UserFactory(name=name, email=f"{name.split()[0].lower()}@example.org")
    membership = f.MembershipFactory(
        user=user, program=program, cohort=cohort, success_manager=success_manager
    )
    Membership.objects.filter(pk=membership.pk).update(joined_at=now - timedelta(days=12))
    return user


def test_a_mentee_without_a_mentor_is_a_risk_signal_with_waiting_since(
    program, cohort, success_manager, mentee, now
):
    una = _unmatched(program, cohort, success_manager, now)

    page = caseload(Scope(program, success_manager), now)
    row = next(r for r in page.rows if r.name == una.name)
    assert row.signals == {Signal.NO_MENTOR}
    assert row.score == 30 and row.level == "watch"
    assert [r.text for r in row.reasons] == [
        "Waiting for a mentor for 12 days, since joining on 23 December 2026"
    ]
    assert page.signal_counts[Signal.NO_MENTOR] == 1


def test_waiting_since_counts_from_the_end_of_the_last_mentorship(
    program, success_manager, mentorship, now
):
    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_at=now - 10 * WEEK,
        status=MentorshipStatus.ENDED,
        ended_at=now - 2 * WEEK,
        end_reason=EndReason.NOT_A_FIT,
    )
    Membership.objects.filter(user=mentorship.mentee, program=program).update(
        joined_at=now - 11 * WEEK
    )
    texts = reasons(program, success_manager, mentorship.mentee.email)
    assert texts == [
        "Waiting for a mentor for 14 days, since the last mentorship ended on 21 December 2026"
    ]


def test_a_paused_mentorship_is_still_a_mentor(program, success_manager, mentorship):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=MentorshipStatus.PAUSED)
    assert Signal.NO_MENTOR not in signals(program, success_manager)[mentorship.mentee.email]


def test_no_success_manager_is_a_signal_on_the_whole_programs_list(program, cohort, mentor, now):
    orphan = f.UserFactory(name="Olive Orphan")
    f.MembershipFactory(user=orphan, program=program, cohort=cohort, success_manager=None)
    f.MentorshipFactory(program=program, mentor=mentor, mentee=orphan, started_at=now)

    page = caseload(Scope(program, None), now)
    row = next(r for r in page.rows if r.name == orphan.name)
    assert row.signals == {Signal.NO_SUCCESS_MANAGER}
    assert row.score == 20
    assert "No success manager" in row.reasons[0].text


def test_unmatched_without_success_manager_reads_high(program, cohort, mentee, now):
    _unmatched(program, cohort, None, now, name="Nell Nobody")
    page = caseload(Scope(program, None), now)
    row = next(r for r in page.rows if r.name == "Nell Nobody")
    assert row.signals == {Signal.NO_MENTOR, Signal.NO_SUCCESS_MANAGER}
    assert row.level == "high"
    assert page.rows[0] is row  # above every matched mentee


def test_no_mentor_weight_zero_switches_it_off(program, cohort, success_manager, now):
    una = _unmatched(program, cohort, success_manager, now)
    RiskPolicy.objects.update_or_create(program=program, defaults={"no_mentor_weight": 0})
    assert signals(program, success_manager)[una.email] == set()
