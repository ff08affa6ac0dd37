"""The mentee's dashboard and the mentor's view of each mentee, on the home page."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.mentoring.dashboard.queries import (
    SOONEST_SHOWN,
    mentee_dashboard,
    mentor_dashboard,
    soonest_sessions,
)
from mentora.mentoring.models import Agenda, AgendaLink, AgendaQuestion, GoalStatus, QuestionStatus
from mentora.programs.models import Role
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def home_url(program):
    return reverse("program_home", args=[program.slug])


def held(mentorship, days_ago, now=NOW):
    return f.SessionFactory(
        mentorship=mentorship, starts_at=now - timedelta(days=days_ago), status=SessionStatus.HELD
    )


# --- mentee_dashboard --------------------------------------------------------------


def test_mentee_dashboard_next_session_without_agenda_is_not_prepared(program, mentee, mentorship):
    later = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=8))
    soon = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=1))

    d = mentee_dashboard(program, mentee, NOW)

    assert d.next_session.session == soon
    assert d.next_session.session != later
    assert d.next_session.agenda is None
    assert d.next_session.level == "not_yet"
    assert d.next_session.done == 0


def test_mentee_dashboard_readiness_counts_the_agenda(program, mentee, mentorship):
    session = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=1))
    agenda = Agenda.objects.create(session=session, goal="Review my portfolio", setup_checked=True)
    question = f.QuestionFactory(program=program, mentee=mentee)
    AgendaQuestion.objects.create(agenda=agenda, question=question)
    AgendaLink.objects.create(agenda=agenda, url="https://example.org/portfolio")

    d = mentee_dashboard(program, mentee, NOW)

    assert d.next_session.agenda == agenda
    assert d.next_session.level == "prepared"
    assert {c.key: c.done for c in d.next_session.checklist} == {
        "goal": True,
        "questions": True,
        "shared": True,
        "reviewed": False,
        "setup": True,
    }


def test_mentee_dashboard_leaves_out_cancelled_and_past_sessions(program, mentee, mentorship):
    held(mentorship, 2)
    f.SessionFactory(
        mentorship=mentorship,
        starts_at=NOW + timedelta(days=1),
        status=SessionStatus.CANCELLED,
        cancelled_at=NOW,
        cancel_reason="illness",
        cancellation_kind="on_time",
    )

    assert mentee_dashboard(program, mentee, NOW).next_session is None


def test_mentee_dashboard_open_questions_count_and_first_five(program, mentee):
    questions = [f.QuestionFactory(program=program, mentee=mentee, text=f"Q{n}") for n in range(7)]
    f.QuestionFactory(program=program, mentee=mentee, status=QuestionStatus.ANSWERED)
    f.QuestionFactory(program=program, text="Someone else's")

    d = mentee_dashboard(program, mentee, NOW)

    assert d.open_question_count == 7
    assert d.open_questions == questions[:5]


def test_mentee_dashboard_open_action_items_by_due_date_with_overdue(
    program, mentee, mentor, mentorship
):
    today = NOW.date()
    late = f.ActionItemFactory(mentorship=mentorship, due_on=today - timedelta(days=1))
    later = f.ActionItemFactory(mentorship=mentorship, due_on=today + timedelta(days=5))
    due_today = f.ActionItemFactory(mentorship=mentorship, due_on=today)
    f.ActionItemFactory(mentorship=mentorship, done_at=NOW)
    f.ActionItemFactory(mentorship=mentorship, owner=mentor, title="The mentor's own")

    d = mentee_dashboard(program, mentee, NOW)

    assert [(r.item, r.overdue) for r in d.open_items] == [
        (late, True),
        (due_today, False),
        (later, False),
    ]
    assert (d.open_item_count, d.overdue_count) == (3, 1)


def test_the_next_session_comes_from_the_soonest_list_or_is_read_beyond_it(
    program, mentee, mentorship
):
    """A person who is also a mentor: the home's soonest sessions may all be theirs as
    mentor, and the mentee's next one lies beyond the list, so it is read."""
    f.MembershipFactory(user=mentee, program=program, role=Role.MENTOR)
    other = f.UserFactory(name="Omar Other")
    f.MembershipFactory(user=other, program=program, role=Role.MENTEE)
    as_mentor = f.MentorshipFactory(program=program, mentor=mentee, mentee=other)
    for day in range(1, SOONEST_SHOWN + 2):
        f.SessionFactory(mentorship=as_mentor, starts_at=NOW + timedelta(days=day))
    own = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=9))

    soonest = soonest_sessions(mentee, program, NOW)

    assert len(soonest.sessions) == SOONEST_SHOWN
    assert not soonest.complete
    assert mentee_dashboard(program, mentee, NOW, soonest=soonest).next_session.session == own


def test_a_complete_soonest_list_without_the_mentee_means_no_next_session(
    program, mentee, mentorship
):
    held(mentorship, 2)
    soonest = soonest_sessions(mentee, program, NOW)

    assert soonest.sessions == [] and soonest.complete
    assert mentee_dashboard(program, mentee, NOW, soonest=soonest).next_session is None


def test_mentee_dashboard_last_held_session_shared_notes_only(program, mentee, mentor, mentorship):
    older = held(mentorship, 9)
    last = held(mentorship, 2)
    f.NoteFactory(session=older, body="Older note")
    shared = f.NoteFactory(session=last, body="Shared: practise SQL joins")
    f.NoteFactory(session=last, body="PRIVATE mentor thought", shared=False)
    f.NoteFactory(session=last, author=mentee, body="PRIVATE mentee thought", shared=False)

    d = mentee_dashboard(program, mentee, NOW)

    assert d.last_session == last
    assert [n.pk for n in d.last_notes] == [shared.pk]
    assert d.last_notes[0].body == "Shared: practise SQL joins"


def test_mentee_dashboard_last_session_without_shared_notes_and_notes_in_order(
    program, mentee, mentor, mentorship
):
    last = held(mentorship, 2)
    f.NoteFactory(session=last, body="PRIVATE", shared=False)

    d = mentee_dashboard(program, mentee, NOW)
    assert (d.last_session, d.last_notes) == (last, [])

    first = f.NoteFactory(session=last, author=mentor, body="First")
    second = f.NoteFactory(session=last, author=mentee, body="Second")
    d = mentee_dashboard(program, mentee, NOW)
    assert [(n.pk, n.author_name) for n in d.last_notes] == [
        (first.pk, mentor.name),
        (second.pk, mentee.name),
    ]


def test_mentee_dashboard_goals_with_status(program, mentee, mentorship):
    active = f.MentorshipGoalFactory(mentorship=mentorship, text="Pass two interviews")
    achieved = f.MentorshipGoalFactory(mentorship=mentorship, status=GoalStatus.ACHIEVED)

    d = mentee_dashboard(program, mentee, NOW)

    assert len(d.goals) == 1
    assert d.goals[0].mentorship == mentorship
    assert d.goals[0].goals == [active, achieved]
    assert d.goals[0].active == [active]


# --- mentor_dashboard --------------------------------------------------------------


def test_mentor_dashboard_each_mentee_next_session_and_active_goals(
    program, mentor, mentee, other_mentee, mentorship
):
    session = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=2))
    f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=9))
    Agenda.objects.create(session=session, goal="Unblock me on the booking form")
    goal = f.MentorshipGoalFactory(mentorship=mentorship)
    f.MentorshipGoalFactory(mentorship=mentorship, status=GoalStatus.DROPPED)

    rows = {r.mentorship.mentee: r for r in mentor_dashboard(program, mentor, NOW)}

    assert set(rows) == {mentee, other_mentee}
    assert rows[mentee].next_session.session == session
    assert rows[mentee].next_session.level == "partly"
    assert rows[mentee].active_goals == [goal]
    assert rows[other_mentee].next_session is None
    assert rows[other_mentee].active_goals == []


# --- the home page -----------------------------------------------------------------


def test_mentee_home_shows_the_dashboard_with_its_links(client, program, mentee, mentorship):
    now = timezone.now()
    session = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=1))
    f.QuestionFactory(program=program, mentee=mentee, text="How do I pick a first job?")
    f.ActionItemFactory(mentorship=mentorship, title="Write the README", due_on=now.date())
    f.MentorshipGoalFactory(mentorship=mentorship, text="Pass two technical interviews")
    client.force_login(mentee)

    html = client.get(home_url(program)).text

    assert "Prepare your next session" in html
    assert reverse("agenda", args=[program.slug, session.pk]) in html
    assert reverse("questions", args=[program.slug]) in html
    assert reverse("action_items", args=[program.slug]) in html
    assert reverse("mentorship_goals", args=[program.slug, mentorship.pk]) in html
    assert "How do I pick a first job?" in html
    assert "Write the README" in html
    assert "Pass two technical interviews" in html
    assert "Sam Success" in html and "Mo Mentor" in html


def test_mentee_home_shows_times_in_their_zone_with_the_zone_named(
    client, program, mentee, mentorship
):
    mentee.time_zone = "Asia/Tokyo"
    mentee.save()
    start = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)  # 18:00 in Tokyo
    f.SessionFactory(mentorship=mentorship, starts_at=start)
    client.force_login(mentee)

    html = client.get(home_url(program)).text

    assert "Tuesday 15 January, 18:00" in html
    assert "JST" in html


def test_home_never_shows_private_notes(client, program, mentee, mentor, mentorship):
    session = held(mentorship, 2, now=timezone.now())
    f.NoteFactory(session=session, body="Shared: practise SQL joins")
    f.NoteFactory(session=session, body="PRIVATE mentor thought", shared=False)
    f.NoteFactory(session=session, author=mentee, body="PRIVATE mentee thought", shared=False)

    for person in (mentee, mentor):
        client.force_login(person)
        html = client.get(home_url(program)).text
        assert "PRIVATE" not in html

    client.force_login(mentee)
    assert "practise SQL joins" in client.get(home_url(program)).text


def test_mentor_home_shows_readiness_and_goals(client, program, mentor, mentee, mentorship):
    session = f.SessionFactory(mentorship=mentorship, starts_at=timezone.now() + timedelta(days=1))
    Agenda.objects.create(session=session, goal="Review my portfolio")
    f.MentorshipGoalFactory(mentorship=mentorship, text="Pass two technical interviews")
    client.force_login(mentor)

    html = client.get(home_url(program)).text

    assert "Partly prepared" in html
    assert "1 of 5 ready" in html
    assert "Pass two technical interviews" in html
    assert reverse("agenda", args=[program.slug, session.pk]) in html


def test_other_mentee_sees_nothing_of_mentees_dashboard(
    client, program, mentee, other_mentee, mentorship
):
    f.QuestionFactory(program=program, mentee=mentee, text="Mia's secret question")
    f.MentorshipGoalFactory(mentorship=mentorship, text="Mia's goal for the spring term")
    client.force_login(other_mentee)

    html = client.get(home_url(program)).text

    assert "Mia&#x27;s" not in html and "Mia's" not in html


# --- query counts ------------------------------------------------------------------


def test_mentee_home_query_count_is_flat(client, program, mentee, mentor, mentorship):
    now = timezone.now()
    upcoming = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=1))
    agenda = Agenda.objects.create(session=upcoming, goal="Review my portfolio")
    last = held(mentorship, 3, now=now)
    client.force_login(mentee)

    def grow(n):
        for _ in range(n):
            q = f.QuestionFactory(program=program, mentee=mentee)
            AgendaQuestion.objects.create(agenda=agenda, question=q)
            AgendaLink.objects.create(agenda=agenda, url="https://example.org/")
            f.ActionItemFactory(mentorship=mentorship, due_on=now.date() - timedelta(days=1))
            f.NoteFactory(session=last)
            f.NoteFactory(session=last, shared=False)
            f.MentorshipGoalFactory(mentorship=mentorship)

    few, many = count_queries_before_and_after(
        client, home_url(program), grow=grow, first=1, more=3
    )

    assert many == few


def test_mentor_home_query_count_is_flat_for_1_and_4_mentees(
    client, program, mentor, success_manager
):
    now = timezone.now()
    hours = itertools.count(24, 2)  # one mentor: sessions never overlap
    client.force_login(mentor)

    def grow(n):
        for _ in range(n):
            user = f.UserFactory()
            f.MembershipFactory(
                user=user, program=program, role=Role.MENTEE, success_manager=success_manager
            )
            f.MenteeProfileFactory(user=user)
            mentorship = f.MentorshipFactory(program=program, mentor=mentor, mentee=user)
            session = f.SessionFactory(
                mentorship=mentorship, starts_at=now + timedelta(hours=next(hours))
            )
            agenda = Agenda.objects.create(session=session, goal="Portfolio")
            AgendaLink.objects.create(agenda=agenda, url="https://example.org/")
            f.MentorshipGoalFactory(mentorship=mentorship)

    few, many = count_queries_before_and_after(
        client, home_url(program), grow=grow, first=1, more=3
    )

    assert many == few
