"""'Needs you now' on each role's home: what each app reports, and the section."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.home.needs import needs_you_now
from mentora.matching.tests.factories import ConcernFactory, MentorRequestFactory, PulseFactory
from mentora.programs.models import Role
from mentora.scheduling.models import CancellationKind, CancelReason, SessionStatus
from mentora.tests import factories as f
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = pytest.mark.django_db


def _needs(program, user, *roles, is_admin=False):
    return needs_you_now(program, user, frozenset(roles), timezone.now(), is_admin=is_admin)


def _titles(needs):
    return [n.title for n in needs]


def _past_session(mentorship, days_ago, **kwargs):
    starts = timezone.now() - timedelta(days=days_ago)
    return f.SessionFactory(
        mentorship=mentorship, starts_at=starts, ends_at=starts + timedelta(minutes=45), **kwargs
    )


def _soon_session(mentorship, hours, **kwargs):
    starts = timezone.now() + timedelta(hours=hours)
    return f.SessionFactory(
        mentorship=mentorship, starts_at=starts, ends_at=starts + timedelta(minutes=45), **kwargs
    )


def _with_rhythm(mentorship):
    f.CadenceFactory(mentorship=mentorship)


def _unmatched_mentee(program, success_manager=None, name="Una Unmatched"):
    user = f.UserFactory(name=name)
    f.MembershipFactory(
        user=user, program=program, role=Role.MENTEE, success_manager=success_manager
    )
    return user


# --- mentor -------------------------------------------------------------------------------


def test_mentor_is_asked_for_attendance_of_an_eight_day_old_session(program, mentor, mentorship):
    _with_rhythm(mentorship)
    old = _past_session(mentorship, days_ago=8)

    needs = _needs(program, mentor, Role.MENTOR)

    attendance = [
        n
        for n in needs
        if n.url == reverse("session_detail", args=[program.slug, old.pk]) + "#attendance"
    ]
    assert len(attendance) == 1
    assert attendance[0].title == "Record attendance for your session with Mia Mentee"
    assert attendance[0].late is True
    assert needs[0] == attendance[0]  # late work comes first


def test_mentor_is_asked_for_notes_and_the_report_with_their_deadlines(program, mentor, mentorship):
    _with_rhythm(mentorship)
    held = _past_session(mentorship, days_ago=2, status=SessionStatus.HELD)

    needs = {n.title: n for n in _needs(program, mentor, Role.MENTOR)}

    report = needs["Write your report on the session with Mia Mentee"]
    assert report.url == reverse("session_reflect", args=[program.slug, held.pk])
    assert report.due == held.ends_at + timedelta(days=program.reflection_window_days)
    notes = needs["Write notes on the session with Mia Mentee"]
    assert notes.due == held.ends_at + timedelta(days=7)


def test_a_written_report_and_notes_are_no_longer_asked_for(program, mentor, mentorship):
    _with_rhythm(mentorship)
    held = _past_session(mentorship, days_ago=2, status=SessionStatus.HELD)
    f.ReflectionFactory(session=held, author=mentor, goal_met="yes", still_makes_sense="yes")
    f.NoteFactory(session=held, author=mentor)

    assert _needs(program, mentor, Role.MENTOR) == []


def test_mentor_sees_requests_waiting_and_unprepared_sessions_in_the_next_48_hours(
    program, mentor, mentorship
):
    _with_rhythm(mentorship)
    asking = _unmatched_mentee(program)
    request = MentorRequestFactory(program=program, mentee=asking, mentor=mentor)
    soon = _soon_session(mentorship, hours=20)
    _soon_session(mentorship, hours=80)  # further off: not yet

    needs = _needs(program, mentor, Role.MENTOR)

    assert _titles(needs) == [
        "Mia Mentee hasn't prepared your session yet",
        "Answer Una Unmatched's request",
    ]
    assert needs[0].url == reverse("agenda", args=[program.slug, soon.pk])
    assert needs[1].url == reverse("request_detail", args=[program.slug, request.pk])


def test_a_prepared_session_is_not_listed(program, mentor, mentorship):
    _with_rhythm(mentorship)
    f.AgendaFactory(session=_soon_session(mentorship, hours=20), goal="Review my PR")

    assert _needs(program, mentor, Role.MENTOR) == []


def test_a_pairing_without_a_regular_time_asks_both_to_choose_one(
    program, mentor, mentee, mentorship
):
    url = reverse("cadence_edit", args=[program.slug, mentorship.pk])

    assert [n.url for n in _needs(program, mentor, Role.MENTOR)] == [url]
    assert "Choose a regular time with Mo Mentor" in _titles(_needs(program, mentee, Role.MENTEE))


def test_the_homes_ask_for_a_regular_time_only_where_a_pairing_has_none(
    client, program, cohort, mentor, mentee, mentorship
):
    """On the page the pairings come from the sections' own reads (no second query):
    the same answer as "Needs you now" read alone."""
    other = f.UserFactory(name="Nia Second")
    f.MembershipFactory(user=other, program=program, role=Role.MENTEE, cohort=cohort)
    settled = f.MentorshipFactory(program=program, mentor=mentor, mentee=other)
    _with_rhythm(settled)
    unsettled_url = reverse("cadence_edit", args=[program.slug, mentorship.pk])
    settled_url = reverse("cadence_edit", args=[program.slug, settled.pk])

    for person in (mentor, mentee):
        client.force_login(person)
        page = client.get(reverse("program_home", args=[program.slug])).text
        assert unsettled_url in page, person
        assert settled_url not in page, person
    client.force_login(other)
    assert settled_url not in client.get(reverse("program_home", args=[program.slug])).text


def _pulse_cards(client, program):
    page = client.get(reverse("program_home", args=[program.slug])).text
    return page.count('class="card pulse-card"'), page


def test_a_mentees_home_asks_the_latest_waiting_pulse_of_each_active_mentorship(
    client, program, cohort, mentee, mentorship
):
    """The mentee's pulses come from the overview of their mentorships (one query)."""
    PulseFactory(mentorship=mentorship, asked_at=timezone.now() - timedelta(days=14))
    latest = PulseFactory(mentorship=mentorship, asked_at=timezone.now() - timedelta(days=1))
    answered = f.MentorshipFactory(program=program, mentee=mentee)
    PulseFactory(
        mentorship=answered, answer="great", answered_at=timezone.now(), comment="All good"
    )
    paused = f.MentorshipFactory(program=program, mentee=mentee, status="paused")
    PulseFactory(mentorship=paused)
    client.force_login(mentee)

    cards, page = _pulse_cards(client, program)

    assert cards == 1
    assert f'data-pulse="{latest.pk}"' in page
    assert reverse("pulse_answer", args=[program.slug, latest.pk]) in page


def test_a_mentee_who_also_mentors_is_asked_on_both_sides(
    client, program, cohort, mentor, mentee, mentorship
):
    f.MembershipFactory(user=mentee, program=program, role=Role.MENTOR)
    other = f.UserFactory(name="Omar Other")
    f.MembershipFactory(user=other, program=program, role=Role.MENTEE, cohort=cohort)
    as_mentor = f.MentorshipFactory(program=program, mentor=mentee, mentee=other)
    as_mentee_pulse = PulseFactory(mentorship=mentorship)
    as_mentor_pulse = PulseFactory(mentorship=as_mentor, respondent=mentee)
    client.force_login(mentee)

    cards, page = _pulse_cards(client, program)

    assert cards == 2
    assert f'data-pulse="{as_mentee_pulse.pk}"' in page
    assert f'data-pulse="{as_mentor_pulse.pk}"' in page


# --- mentee -------------------------------------------------------------------------------


def test_mentee_is_asked_to_prepare_reflect_give_feedback_and_do_due_items(
    program, mentee, mentorship
):
    _with_rhythm(mentorship)
    soon = _soon_session(mentorship, hours=30)
    held = _past_session(mentorship, days_ago=1, status=SessionStatus.HELD)
    f.ActionItemFactory(
        mentorship=mentorship,
        title="Read the ORM docs",
        due_on=timezone.localdate() - timedelta(days=2),
    )
    f.ActionItemFactory(
        mentorship=mentorship, title="Far off", due_on=timezone.localdate() + timedelta(days=20)
    )
    PulseFactory(mentorship=mentorship)

    needs = {n.title: n for n in _needs(program, mentee, Role.MENTEE)}

    assert set(needs) == {
        "Prepare your session with Mo Mentor",
        "Reflect on your session with Mo Mentor",
        "Give Mo Mentor feedback on your session",
        "Action item: Read the ORM docs",
        "Answer a quick question about Mo Mentor",
    }
    assert needs["Prepare your session with Mo Mentor"].url == reverse(
        "agenda", args=[program.slug, soon.pk]
    )
    assert needs["Reflect on your session with Mo Mentor"].url == reverse(
        "session_reflect", args=[program.slug, held.pk]
    )
    assert needs["Action item: Read the ORM docs"].late is True


def test_unmatched_mentee_home_starts_with_finding_a_mentor(client, program):
    una = _unmatched_mentee(program)

    html = _home(client, una, program)

    assert "Your first step: find a mentor, just below." in html
    assert "Nothing needs you right now" not in html
    assert html.index('id="find-a-mentor"') < html.index("Your success manager")
    assert 'id="next-session"' not in html and 'id="open-questions"' not in html
    assert "Your success manager will match you" not in html
    assert "The program team will match you." in html


def test_unmatched_mentee_with_a_success_manager_is_told_who_matches(
    client, program, success_manager
):
    una = _unmatched_mentee(program, success_manager)

    html = _home(client, una, program)

    assert "Your success manager, Sam Success, will match you." in html


# --- success manager ----------------------------------------------------------------------


def test_success_manager_sees_concerns_unmatched_idle_mentees_and_attendance(
    program, success_manager, mentee, other_mentee, mentorship
):
    ConcernFactory(mentorship=mentorship)
    _unmatched_mentee(program, success_manager)
    # Mia has an unmarked session (3 days ago); Otto has no session at all.
    unmarked = _past_session(mentorship, days_ago=3)
    _soon_session(
        mentorship,
        hours=5,
        status=SessionStatus.CANCELLED,
        cancelled_at=timezone.now(),
        cancel_reason=CancelReason.ILLNESS,
        cancellation_kind=CancellationKind.LATE,
    )

    titles = _titles(_needs(program, success_manager, Role.SUCCESS_MANAGER))

    assert "Concern about Mia Mentee with Mo Mentor" in titles
    assert "Una Unmatched has no mentor" in titles
    assert "Otto Other has had no session for 14 days" in titles
    assert "Mia Mentee has had no session for 14 days" not in titles
    assert "Attendance not recorded: Mia Mentee with Mo Mentor" in titles
    assert "Late cancellation: Mia Mentee with Mo Mentor" in titles
    assert unmarked.pk


def test_another_success_managers_mentees_are_not_listed(program, mentee, mentorship):
    ConcernFactory(mentorship=mentorship)
    other = f.UserFactory()
    f.MembershipFactory(user=other, program=program, role=Role.SUCCESS_MANAGER)

    assert _needs(program, other, Role.SUCCESS_MANAGER) == []


# --- admin --------------------------------------------------------------------------------


def test_admin_sees_unmatched_mentees_mentors_with_room_and_pending_invitations(
    program, admin_user, mentee
):
    _unmatched_mentee(program)
    invited = _unmatched_mentee(program, name="Ivy Invited")
    invited.set_unusable_password()
    invited.activated_at = None
    invited.save()
    invited.memberships.update(invitation_sent_at=timezone.now() - timedelta(days=1))

    needs = _needs(program, admin_user, Role.ADMIN)

    assert _titles(needs) == [
        "2 mentees have no mentor",
        "1 mentor has room for a mentee",
        "1 invitation not accepted yet",
    ]
    assert needs[0].url == reverse("bulk_match_new", args=[program.slug])
    assert needs[2].url == reverse("program_people", args=[program.slug]) + "?status=invited"


# --- the section on the home page ---------------------------------------------------------


def _home(client, user, program):
    client.force_login(user)
    return client.get(reverse("program_home", args=[program.slug])).text


def test_home_shows_needs_you_now_with_links(client, program, mentor, mentorship):
    old = _past_session(mentorship, days_ago=8)

    html = _home(client, mentor, program)

    assert html.index("Needs you now") < html.index("Your mentees")
    assert reverse("session_detail", args=[program.slug, old.pk]) + "#attendance" in html
    assert "late" in html


def test_home_says_nothing_needs_you_and_names_the_next_session(
    client, program, mentor, mentorship
):
    _with_rhythm(mentorship)
    f.AgendaFactory(session=_soon_session(mentorship, hours=100), goal="Mock interview")

    html = _home(client, mentor, program)

    assert "Nothing needs you right now." in html
    assert "Next up:" in html
    assert "your session with Mia Mentee" in html


@pytest.mark.parametrize("person", ["mentor", "mentee", "success_manager"])
def test_needs_you_now_keeps_the_home_query_count_flat(
    client, request, program, mentor, mentee, success_manager, mentorship, person
):
    client.force_login(request.getfixturevalue(person))

    made = []  # each session at its own time: PostgreSQL refuses a mentor's overlaps

    def grow(n):
        for _ in range(n):
            made.append(1)
            _past_session(mentorship, days_ago=8 + len(made))
            _past_session(mentorship, days_ago=1 + len(made) * 0.1, status=SessionStatus.HELD)
            f.ActionItemFactory(mentorship=mentorship, due_on=timezone.localdate())

    few, many = count_queries_before_and_after(
        client, reverse("program_home", args=[program.slug]), grow=grow
    )

    assert many == few
