"""A success manager reopens a closed reflection (#12 "Late work can still be
done"): one party, for the program's reflection window from now."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mentora.home.needs import needs_you_now
from mentora.mentoring import access
from mentora.mentoring.access import Viewer
from mentora.mentoring.errors import MentoringCode, MentoringError
from mentora.mentoring.models import Reflection, ReflectionReopening
from mentora.mentoring.workspace import services
from mentora.programs.models import Role
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

ANSWER = {
    "goal_met": "yes",
    "why_not": "",
    "plan_now": "",
    "still_makes_sense": "yes",
    "topics_covered": "",
}


@pytest.fixture
def old(mentorship):
    """Held ten days ago: the 7-day window closed three days ago."""
    starts = NOW - timedelta(days=10)
    return f.SessionFactory(
        mentorship=mentorship,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        status=SessionStatus.HELD,
    )


def reopen_url(program, session):
    return reverse("reflection_reopen", args=[program.slug, session.pk])


def reflect_url(program, session):
    return reverse("session_reflect", args=[program.slug, session.pk])


def submit(session, by, now):
    return services.reflection_submit(session=session, by=by, now=now, **ANSWER)


# --- the rule -------------------------------------------------------------------------


def test_reopened_party_can_reflect_the_other_cannot_and_it_expires(
    old, mentee, mentor, success_manager
):
    with pytest.raises(MentoringError):
        submit(old, mentee, NOW)

    reopening = services.reflection_reopen(session=old, party=mentee, by=success_manager)

    assert reopening.until == NOW + timedelta(days=7)
    assert reopening.reopened_by == success_manager
    assert submit(old, mentee, NOW).created is True
    with pytest.raises(MentoringError) as refused:
        submit(old, mentor, NOW)
    assert refused.value.code == MentoringCode.REFLECTION_CLOSED
    # Still open on the last moment, closed after it.
    assert access.reflection_open(old, Viewer.MENTEE, NOW + timedelta(days=7))
    assert access.reflection_open_until(old, Viewer.MENTEE, NOW) == NOW + timedelta(days=7)
    later = NOW + timedelta(days=7, minutes=1)
    assert not access.reflection_open(old, Viewer.MENTEE, later)
    with pytest.raises(MentoringError):
        submit(old, mentee, later)


def test_reopening_lasts_the_programs_window(old, program, mentor, admin_user):
    program.reflection_window_days = 3
    program.save()
    old.program.refresh_from_db()

    reopening = services.reflection_reopen(session=old, party=mentor, by=admin_user)

    assert reopening.until == NOW + timedelta(days=3)
    assert access.reflection_open(old, Viewer.MENTOR, NOW)
    assert not access.reflection_open(old, Viewer.MENTEE, NOW)


def test_feedback_stays_on_the_normal_window(old, mentee, success_manager):
    services.reflection_reopen(session=old, party=mentee, by=success_manager)

    assert not access.feedback_open(old, Viewer.MENTEE, NOW)


def test_an_open_window_is_not_reopened(mentorship, mentee, success_manager):
    recent = f.SessionFactory(
        mentorship=mentorship, starts_at=NOW - timedelta(days=2), status=SessionStatus.HELD
    )

    with pytest.raises(MentoringError) as refused:
        services.reflection_reopen(session=recent, party=mentee, by=success_manager)

    assert refused.value.code == MentoringCode.ALREADY_OPEN
    assert not ReflectionReopening.objects.exists()


def test_a_future_session_is_not_reopened(mentorship, mentee, success_manager):
    ahead = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=1))

    with pytest.raises(MentoringError) as refused:
        services.reflection_reopen(session=ahead, party=mentee, by=success_manager)

    assert refused.value.code == MentoringCode.ALREADY_OPEN


def test_a_live_reopening_is_not_made_twice_but_an_expired_one_may_be(old, mentee, success_manager):
    services.reflection_reopen(session=old, party=mentee, by=success_manager)
    with pytest.raises(MentoringError) as refused:
        services.reflection_reopen(session=old, party=mentee, by=success_manager)
    assert refused.value.code == MentoringCode.ALREADY_OPEN

    later = NOW + timedelta(days=8)
    again = services.reflection_reopen(session=old, party=mentee, by=success_manager, now=later)

    assert again.until == later + timedelta(days=7)
    assert ReflectionReopening.objects.count() == 2


@pytest.mark.parametrize(
    "status",
    [SessionStatus.CANCELLED, SessionStatus.MENTEE_NO_SHOW, SessionStatus.MENTOR_NO_SHOW],
)
def test_a_session_that_did_not_take_place_is_not_reopened(old, mentee, success_manager, status):
    old.status = status
    if status == SessionStatus.CANCELLED:
        old.cancelled_at = NOW - timedelta(days=11)
        old.cancel_reason = "Ill"
        old.cancellation_kind = "on_time"
    old.save()

    with pytest.raises(MentoringError) as refused:
        services.reflection_reopen(session=old, party=mentee, by=success_manager)

    assert refused.value.code == MentoringCode.NOT_OPEN


def test_only_a_party_is_reopened(old, success_manager, admin_user):
    with pytest.raises(MentoringError) as refused:
        services.reflection_reopen(session=old, party=admin_user, by=success_manager)

    assert refused.value.code == MentoringCode.NOT_PARTY


def test_only_the_mentees_success_manager_or_an_admin_reopens(old, program, mentee, mentor):
    other_sm = f.UserFactory(name="Sid Other")
    f.MembershipFactory(user=other_sm, program=program, role=Role.SUCCESS_MANAGER)

    for who in (mentor, mentee, other_sm):
        with pytest.raises(PermissionDenied):
            services.reflection_reopen(session=old, party=mentee, by=who)


# --- the page -------------------------------------------------------------------------


def test_staff_see_the_button_and_reopening_lets_the_mentee_save(
    client, program, old, mentee, success_manager
):
    client.force_login(success_manager)
    page = client.get(reflect_url(program, old))
    assert page.status_code == 200
    assert "Reopen Mia Mentee's reflection for 7 days" in page.text
    assert "Reopen Mo Mentor's reflection for 7 days" in page.text
    assert reopen_url(program, old) in page.text

    response = client.post(reopen_url(program, old), {"party": "mentee"}, follow=True)

    assert response.status_code == 200
    assert "Mia Mentee can write their reflection again until" in response.text
    assert "Mia Mentee's reflection is reopened until" in response.text
    assert "Reopen Mo Mentor's reflection" in response.text
    [reopening] = ReflectionReopening.objects.all()
    assert reopening.party == mentee

    client.force_login(mentee)
    saved = client.post(reflect_url(program, old), {"action": "reflection", **ANSWER})
    assert saved.status_code == 302
    assert Reflection.objects.filter(session=old, author=mentee).exists()


def test_the_mentor_still_cannot_save_after_the_mentee_is_reopened(
    client, program, old, mentor, success_manager
):
    client.force_login(success_manager)
    client.post(reopen_url(program, old), {"party": "mentee"})

    client.force_login(mentor)
    response = client.post(reflect_url(program, old), {"action": "reflection", **ANSWER})

    assert response.status_code == 302
    assert not Reflection.objects.filter(session=old, author=mentor).exists()


def test_no_button_while_the_window_is_open(client, program, mentorship, success_manager):
    recent = f.SessionFactory(
        mentorship=mentorship, starts_at=NOW - timedelta(days=1), status=SessionStatus.HELD
    )
    client.force_login(success_manager)

    page = client.get(reflect_url(program, recent))

    assert page.status_code == 200
    assert reopen_url(program, recent) not in page.text


def test_a_bad_party_is_refused_with_a_message_and_nothing_saved(
    client, program, old, success_manager
):
    client.force_login(success_manager)

    response = client.post(reopen_url(program, old), {"party": "everyone"}, follow=True)

    assert "Choose the mentee&#x27;s or the mentor&#x27;s reflection." in response.text
    assert not ReflectionReopening.objects.exists()


def test_reopening_an_open_window_says_why(client, program, mentorship, success_manager):
    recent = f.SessionFactory(
        mentorship=mentorship, starts_at=NOW - timedelta(days=1), status=SessionStatus.HELD
    )
    client.force_login(success_manager)

    response = client.post(reopen_url(program, recent), {"party": "mentor"}, follow=True)

    assert "still open" in response.text
    assert not ReflectionReopening.objects.exists()


def test_the_endpoint_is_post_only(client, program, old, success_manager):
    client.force_login(success_manager)

    assert client.get(reopen_url(program, old)).status_code == 405


def test_who_may_not_reopen_gets_a_404(client, program, old, mentee, mentor, outsider):
    other_sm = f.UserFactory(name="Sid Other")
    f.MembershipFactory(user=other_sm, program=program, role=Role.SUCCESS_MANAGER)

    for who in (mentor, mentee, other_sm, outsider):
        client.force_login(who)
        response = client.post(reopen_url(program, old), {"party": "mentee"})
        assert response.status_code == 404, who.name
    assert not ReflectionReopening.objects.exists()


def test_an_admin_may_reopen(client, program, old, admin_user):
    client.force_login(admin_user)

    client.post(reopen_url(program, old), {"party": "mentor"})

    assert ReflectionReopening.objects.filter(party=old.mentor, reopened_by=admin_user).exists()


def test_the_reopened_party_sees_the_new_closing_day(client, program, old, mentee, success_manager):
    services.reflection_reopen(session=old, party=mentee, by=success_manager)
    client.force_login(mentee)

    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        page = client.get(reflect_url(program, old))

    assert page.status_code == 200
    assert "Open until Monday 11 January" in page.text


# --- needs you now --------------------------------------------------------------------


def _titles(user, role, now=NOW):
    return [
        n.title
        for n in needs_you_now(user_program(user), user, frozenset({role}), now, is_admin=False)
    ]


def user_program(user):
    return user.memberships.first().program


def test_a_reopened_reflection_is_asked_for_until_written_or_expired(
    old, mentee, mentor, success_manager
):
    f.CadenceFactory(mentorship=old.mentorship)
    assert "Reflect on your session with Mo Mentor" not in _titles(mentee, Role.MENTEE)

    reopening = services.reflection_reopen(session=old, party=mentee, by=success_manager)

    [need] = [
        n
        for n in needs_you_now(old.program, mentee, frozenset({Role.MENTEE}), NOW, is_admin=False)
        if n.title == "Reflect on your session with Mo Mentor"
    ]
    assert need.url == reflect_url(old.program, old)
    assert need.due == reopening.until
    assert "Write your report on the session with Mia Mentee" not in _titles(mentor, Role.MENTOR)
    assert "Reflect on your session with Mo Mentor" not in _titles(
        mentee, Role.MENTEE, now=NOW + timedelta(days=8)
    )
    submit(old, mentee, NOW)
    assert "Reflect on your session with Mo Mentor" not in _titles(mentee, Role.MENTEE)


def test_a_reopened_report_is_asked_of_the_mentor(old, mentor, admin_user):
    services.reflection_reopen(session=old, party=mentor, by=admin_user)

    assert "Write your report on the session with Mia Mentee" in _titles(mentor, Role.MENTOR)


def test_a_reopening_inside_the_window_is_one_item_due_when_the_later_ends(
    mentorship, mentee, success_manager
):
    """Attendance recorded late can open the normal window again over a reopening:
    the mentee is asked once, by the later of the two ends."""
    recent = f.SessionFactory(
        mentorship=mentorship,
        starts_at=NOW - timedelta(days=2),
        ends_at=NOW - timedelta(days=2) + timedelta(minutes=45),
        status=SessionStatus.HELD,
    )
    ReflectionReopening.objects.create(
        session=recent,
        party=mentee,
        reopened_by=success_manager,
        reopened_at=NOW,
        until=NOW + timedelta(days=10),
    )

    asked = [
        n
        for n in needs_you_now(
            mentorship.program, mentee, frozenset({Role.MENTEE}), NOW, is_admin=False
        )
        if n.url == reflect_url(mentorship.program, recent)
    ]

    assert [n.due for n in asked] == [NOW + timedelta(days=10)]
