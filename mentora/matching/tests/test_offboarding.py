"""Off-boarding: graduating, leaving, deactivating and completing, through one core.

The subtle rules first: future sessions are cancelled by the system and on
time even inside the notice period (nobody is counted as cancelling late, no
makeup is due), requests on both sides close, history stays, a second
off-boarding is refused, and an admin can't deactivate someone who is also in
another program.
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import time_machine
from django.core import mail

from mentora.matching.errors import MatchingError
from mentora.matching.lifecycle import offboarding
from mentora.matching.lifecycle.services import mentorship_end
from mentora.matching.models import RequestStatus, WithdrawReason
from mentora.matching.tests.factories import MentorRequestFactory
from mentora.mentoring.models import Reflection
from mentora.notifications.tests.conftest import run_worker
from mentora.programs.models import (
    EndReason,
    Membership,
    MembershipStatus,
    Mentorship,
    MentorshipStatus,
    Role,
)
from mentora.scheduling.booking import services as booking
from mentora.scheduling.models import (
    CancellationKind,
    CancelReason,
    MakeupRequestStatus,
    Session,
    SessionStatus,
)
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = pytest.mark.django_db


def membership_of(user, program, role=Role.MENTEE) -> Membership:
    return Membership.objects.select_related("user", "program").get(
        user=user, program=program, role=role
    )


@pytest.fixture
def sessions(mentorship):
    """A held session last week, one in an hour (inside the notice period), one next week."""
    held = f.SessionFactory(
        mentorship=mentorship, starts_at=NOW - timedelta(days=7), status=SessionStatus.HELD
    )
    soon = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(hours=1))
    later = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=7))
    return held, soon, later


def assert_cancelled_by_the_system(session: Session) -> None:
    session.refresh_from_db()
    assert (session.status, session.cancel_reason, session.cancellation_kind) == (
        SessionStatus.CANCELLED,
        CancelReason.MENTORSHIP_ENDED,
        CancellationKind.ON_TIME,
    )
    assert session.cancelled_by_id is None


# --- graduation -----------------------------------------------------------------------------


def test_graduating_completes_the_mentorship_and_cancels_future_sessions_on_time(
    program, mentee, mentorship, sessions, admin_user
):
    held, soon, later = sessions

    offboarding.membership_graduate(
        membership=membership_of(mentee, program), by=admin_user, now=NOW
    )

    membership = membership_of(mentee, program)
    assert (membership.status, membership.is_active, membership.ended_at) == (
        MembershipStatus.GRADUATED,
        False,
        NOW,
    )
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.end_reason) == (
        MentorshipStatus.ENDED,
        EndReason.COMPLETED,
    )
    held.refresh_from_db()
    assert held.status == SessionStatus.HELD
    assert_cancelled_by_the_system(soon)  # an hour's notice, still on time: nobody's fault
    assert_cancelled_by_the_system(later)


def test_no_late_cancellation_counts_against_anyone(program, mentee, mentorship, sessions):
    offboarding.membership_graduate(membership=membership_of(mentee, program), by=None, now=NOW)

    late = Session.objects.filter(mentorship=mentorship, cancellation_kind=CancellationKind.LATE)
    assert not late.exists()
    assert not Session.objects.filter(cancelled_by__isnull=False).exists()


def test_graduating_withdraws_open_requests_and_closes_makeup_requests(program, mentee, mentorship):
    other_mentor = f.UserFactory()
    f.MembershipFactory(user=other_mentor, program=program, role=Role.MENTOR)
    waiting = MentorRequestFactory(program=program, mentee=mentee, mentor=other_mentor)
    missed = f.SessionFactory(
        mentorship=mentorship,
        starts_at=NOW - timedelta(days=2),
        status=SessionStatus.MENTEE_NO_SHOW,
    )
    makeup = f.MakeupRequestFactory(session=missed, requested_at=NOW - timedelta(days=1))

    offboarding.membership_graduate(membership=membership_of(mentee, program), by=None, now=NOW)

    waiting.refresh_from_db()
    assert (waiting.status, waiting.withdraw_reason) == (
        RequestStatus.WITHDRAWN,
        WithdrawReason.MENTEE_LEFT,
    )
    makeup.refresh_from_db()
    assert (makeup.status, makeup.decided_at) == (MakeupRequestStatus.EXPIRED, NOW)


def test_graduating_keeps_history(program, mentee, mentor, mentorship, sessions):
    held = sessions[0]
    f.AgendaFactory(session=held, goal="Review my portfolio")
    reflection = Reflection.objects.create(
        session=held, author=mentee, goal_met="yes", still_makes_sense="yes",
        topics_covered="We fixed my CV",
    )  # fmt: skip
    before = (Session.objects.count(), Mentorship.objects.count(), Membership.objects.count())

    offboarding.membership_graduate(membership=membership_of(mentee, program), by=None, now=NOW)

    assert (Session.objects.count(), Mentorship.objects.count(), Membership.objects.count()) == (
        before
    )
    assert Reflection.objects.get(pk=reflection.pk).topics_covered == "We fixed my CV"
    held.refresh_from_db()
    assert held.agenda.goal == "Review my portfolio"
    membership = membership_of(mentee, program)
    assert membership.cohort is not None and membership.success_manager is not None


def test_graduating_twice_is_refused(program, mentee, mentorship):
    membership = membership_of(mentee, program)
    offboarding.membership_graduate(membership=membership, by=None, now=NOW)

    with pytest.raises(MatchingError) as refused:
        offboarding.membership_graduate(
            membership=membership_of(mentee, program), by=None, now=NOW + timedelta(days=1)
        )

    assert refused.value.code == "already_graduated"
    assert membership_of(mentee, program).ended_at == NOW


def test_leaving_after_graduating_is_refused(program, mentee):
    offboarding.membership_graduate(membership=membership_of(mentee, program), by=None, now=NOW)

    with pytest.raises(MatchingError) as refused:
        offboarding.membership_leave(membership=membership_of(mentee, program), by=None, now=NOW)

    assert refused.value.code == "already_graduated"
    assert membership_of(mentee, program).status == MembershipStatus.GRADUATED


def test_only_a_mentee_graduates(program, mentor):
    with pytest.raises(MatchingError) as refused:
        offboarding.membership_graduate(
            membership=membership_of(mentor, program, Role.MENTOR), by=None, now=NOW
        )

    assert refused.value.code == "not_a_mentee"
    assert membership_of(mentor, program, Role.MENTOR).is_active


# --- a cohort ---------------------------------------------------------------------------------


def test_a_cohort_graduates_its_active_mentees_only(program, cohort, mentee, other_mentee, mentor):
    gone = f.UserFactory()
    f.MembershipFactory(
        user=gone, program=program, cohort=cohort, is_active=False,
        status=MembershipStatus.LEFT, ended_at=NOW - timedelta(days=30),
    )  # fmt: skip
    elsewhere = f.UserFactory()
    f.MembershipFactory(user=elsewhere, program=program, cohort=f.CohortFactory(program=program))

    result = offboarding.cohort_graduate(cohort=cohort, by=None, now=NOW)

    assert {m.user_id for m in result.graduated} == {mentee.pk, other_mentee.pk}
    assert result.plan.mentorships == 2
    for person in (mentee, other_mentee):
        assert membership_of(person, program).status == MembershipStatus.GRADUATED
    assert membership_of(gone, program).status == MembershipStatus.LEFT
    assert membership_of(gone, program).ended_at == NOW - timedelta(days=30)
    assert membership_of(elsewhere, program).is_active
    assert not Mentorship.objects.live().filter(mentor=mentor).exists()


def test_a_cohort_with_nobody_left_to_graduate_is_refused(program, cohort, mentee):
    offboarding.cohort_graduate(cohort=cohort, by=None, now=NOW)

    with pytest.raises(MatchingError) as refused:
        offboarding.cohort_graduate(cohort=cohort, by=None, now=NOW)

    assert refused.value.code == "no_mentees"


def test_a_cohort_graduation_is_all_or_nothing(program, cohort, mentee, other_mentee, monkeypatch):
    real = offboarding._offboard
    calls = []

    def fail_on_the_second(**kwargs):
        calls.append(kwargs["membership"].user_id)
        if len(calls) == 2:
            raise MatchingError(offboarding.MatchingCode.ALREADY_LEFT, "raced")
        return real(**kwargs)

    monkeypatch.setattr(offboarding, "_offboard", fail_on_the_second)

    with pytest.raises(MatchingError):
        offboarding.cohort_graduate(cohort=cohort, by=None, now=NOW)

    assert Membership.objects.filter(cohort=cohort, status=MembershipStatus.ACTIVE).count() == 2
    assert Mentorship.objects.live().count() == 2


# --- leaving --------------------------------------------------------------------------------


def test_a_mentee_leaving_ends_as_mentee_left_with_the_note(
    program, mentee, mentorship, sessions, admin_user
):
    offboarding.membership_leave(
        membership=membership_of(mentee, program), by=admin_user, note="Moved abroad.", now=NOW
    )

    left = membership_of(mentee, program)
    assert left.status == MembershipStatus.LEFT
    # Who ended it and why stay on the membership.
    assert (left.ended_by, left.end_note, left.ended_at) == (admin_user, "Moved abroad.", NOW)
    mentorship.refresh_from_db()
    assert (mentorship.end_reason, mentorship.end_note) == (EndReason.MENTEE_LEFT, "Moved abroad.")
    assert_cancelled_by_the_system(sessions[1])


def test_a_mentor_leaving_ends_each_mentorship_and_closes_requests_waiting_for_them(
    program, mentor, mentee, other_mentee
):
    seeker = f.UserFactory()
    f.MembershipFactory(user=seeker, program=program, role=Role.MENTEE)
    waiting = MentorRequestFactory(program=program, mentee=seeker, mentor=mentor)
    future = [
        f.SessionFactory(mentorship=m, starts_at=NOW + timedelta(days=2 + i))
        for i, m in enumerate(Mentorship.objects.filter(mentor=mentor))
    ]

    plan = offboarding.membership_leave(
        membership=membership_of(mentor, program, Role.MENTOR), by=None, now=NOW
    )

    assert (plan.mentorships, plan.sessions, plan.requests_closed) == (2, 2, 1)
    reasons = set(Mentorship.objects.filter(mentor=mentor).values_list("end_reason", flat=True))
    assert reasons == {EndReason.MENTOR_UNAVAILABLE}
    waiting.refresh_from_db()
    assert (waiting.status, waiting.withdraw_reason) == (
        RequestStatus.WITHDRAWN,
        WithdrawReason.MENTOR_LEFT,
    )
    for session in future:
        assert_cancelled_by_the_system(session)
    # Their mentees stay in the program, to be matched again.
    assert membership_of(mentee, program).is_active


def test_leaving_one_role_keeps_the_others(program, mentor):
    f.MembershipFactory(user=mentor, program=program, role=Role.SUCCESS_MANAGER)

    offboarding.membership_leave(
        membership=membership_of(mentor, program, Role.MENTOR), by=None, now=NOW
    )

    assert membership_of(mentor, program, Role.SUCCESS_MANAGER).is_active
    assert not membership_of(mentor, program, Role.MENTOR).is_active


def test_a_session_left_behind_on_an_already_ended_mentorship_is_cancelled(
    program, mentee, mentorship
):
    # A status edited outside the services once left this session scheduled.
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=MentorshipStatus.ENDED, ended_at=NOW - timedelta(days=1), end_reason="other"
    )
    orphan = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=3))

    plan = offboarding.membership_leave(membership=membership_of(mentee, program), by=None, now=NOW)

    assert (plan.mentorships, plan.sessions) == (0, 1)
    assert_cancelled_by_the_system(orphan)


def test_the_plan_says_what_the_core_then_does(program, mentee, mentorship, sessions):
    other_mentor = f.UserFactory()
    f.MembershipFactory(user=other_mentor, program=program, role=Role.MENTOR)
    MentorRequestFactory(program=program, mentee=mentee, mentor=other_mentor)
    membership = membership_of(mentee, program)

    plan = offboarding.offboarding_plan(memberships=[membership], now=NOW)
    lines = plan.lines()
    done = offboarding.membership_leave(membership=membership, by=None, now=NOW)

    assert (plan.mentorships, plan.sessions, plan.requests_withdrawn) == (1, 2, 1)
    assert (done.mentorships, done.sessions, done.requests_withdrawn) == (1, 2, 1)
    assert "1 live mentorship will end (with Mo Mentor)." in lines
    assert "2 future sessions will be cancelled, on time for both people." in lines
    assert "1 open mentor request will be withdrawn." in lines


def test_leaving_refuses_a_note_too_long(program, mentee, mentorship):
    with pytest.raises(MatchingError) as refused:
        offboarding.membership_leave(
            membership=membership_of(mentee, program), by=None, note="x" * 2001, now=NOW
        )

    assert (refused.value.code, refused.value.field) == ("note_too_long", "note")
    assert membership_of(mentee, program).is_active


# --- deactivating an account ----------------------------------------------------------------


def test_deactivating_leaves_every_membership_and_shuts_the_account(
    program, mentee, mentorship, sessions, admin_user
):
    plan = offboarding.account_deactivate(user=mentee, by=admin_user, now=NOW)

    mentee.refresh_from_db()
    assert mentee.is_active is False
    assert set(Membership.objects.filter(user=mentee).values_list("status", flat=True)) == {
        MembershipStatus.LEFT
    }
    mentorship.refresh_from_db()
    assert mentorship.end_reason == EndReason.MENTEE_LEFT
    assert plan.sessions == 2
    assert_cancelled_by_the_system(sessions[2])
    assert Session.objects.filter(pk=sessions[0].pk, status=SessionStatus.HELD).exists()


def test_an_admin_cannot_deactivate_someone_in_another_program(program, mentee, admin_user):
    elsewhere = f.ProgramFactory()
    f.MembershipFactory(user=mentee, program=elsewhere, role=Role.MENTOR)

    with pytest.raises(MatchingError) as refused:
        offboarding.account_deactivate(user=mentee, by=admin_user, now=NOW)

    assert refused.value.code == "elsewhere"
    assert "only a site administrator" in refused.value.message
    mentee.refresh_from_db()
    assert mentee.is_active
    assert membership_of(mentee, program).is_active


def test_a_past_membership_elsewhere_also_counts(program, mentee, admin_user):
    elsewhere = f.ProgramFactory()
    f.MembershipFactory(
        user=mentee, program=elsewhere, is_active=False, status=MembershipStatus.GRADUATED,
        ended_at=NOW - timedelta(days=400),
    )  # fmt: skip

    with pytest.raises(MatchingError) as refused:
        offboarding.account_deactivate(user=mentee, by=admin_user, now=NOW)

    assert refused.value.code == "elsewhere"


def test_a_superuser_may_deactivate_someone_in_two_programs(program, mentee):
    elsewhere = f.ProgramFactory()
    f.MembershipFactory(user=mentee, program=elsewhere, role=Role.MENTOR)
    root = f.UserFactory(is_superuser=True, is_staff=True)

    offboarding.account_deactivate(user=mentee, by=root, now=NOW)

    assert not Membership.objects.filter(user=mentee, is_active=True).exists()


def test_an_admin_of_both_programs_may_deactivate(program, mentee, admin_user):
    elsewhere = f.ProgramFactory()
    f.MembershipFactory(user=mentee, program=elsewhere, role=Role.MENTOR)
    f.MembershipFactory(user=admin_user, program=elsewhere, role=Role.ADMIN)

    offboarding.account_deactivate(user=mentee, by=admin_user, now=NOW)

    mentee.refresh_from_db()
    assert not mentee.is_active


def test_deactivation_refusals(program, mentee, admin_user, success_manager):
    with pytest.raises(MatchingError) as own:
        offboarding.account_deactivate(user=admin_user, by=admin_user, now=NOW)
    with pytest.raises(MatchingError) as not_admin:
        offboarding.account_deactivate(user=mentee, by=success_manager, now=NOW)
    offboarding.account_deactivate(user=mentee, by=admin_user, now=NOW)
    with pytest.raises(MatchingError) as twice:
        offboarding.account_deactivate(user=mentee, by=admin_user, now=NOW)

    assert (own.value.code, not_admin.value.code, twice.value.code) == (
        "self",
        "elsewhere",
        "already_deactivated",
    )


def test_a_deactivated_person_can_no_longer_log_in(client, program, mentee, admin_user):
    client.force_login(mentee)
    assert client.get("/p/bootcamp/").status_code == 200

    offboarding.account_deactivate(user=mentee, by=admin_user)

    response = client.get("/p/bootcamp/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- completing a mentorship ----------------------------------------------------------------


def test_completing_a_mentorship_then_both_write_closing_words(
    program, mentorship, mentee, mentor, sessions, success_manager
):
    offboarding.mentorship_complete(
        mentorship=mentorship, by=success_manager, note="Landed a job!", now=NOW
    )
    offboarding.closing_reflection_save(mentorship=mentorship, by=mentee, text=" Thank you! ")
    offboarding.closing_reflection_save(mentorship=mentorship, by=mentor, text="A pleasure.")

    mentorship.refresh_from_db()
    assert (mentorship.end_reason, mentorship.end_note) == (EndReason.COMPLETED, "Landed a job!")
    assert mentorship.mentee_closing_reflection == "Thank you!"
    assert mentorship.mentor_closing_reflection == "A pleasure."
    assert_cancelled_by_the_system(sessions[2])
    # A mentee who completed a mentorship stays in the program.
    assert membership_of(mentee, program).is_active


def test_closing_words_are_refused_before_completion_and_for_others(
    mentorship, mentee, success_manager
):
    with pytest.raises(MatchingError) as early:
        offboarding.closing_reflection_save(mentorship=mentorship, by=mentee, text="Hi")
    offboarding.mentorship_complete(mentorship=mentorship, by=None, now=NOW)
    with pytest.raises(MatchingError) as staff:
        offboarding.closing_reflection_save(mentorship=mentorship, by=success_manager, text="Hi")
    with pytest.raises(MatchingError) as long:
        offboarding.closing_reflection_save(mentorship=mentorship, by=mentee, text="x" * 2001)

    assert (early.value.code, staff.value.code, long.value.code) == (
        "not_completed",
        "not_a_party",
        "reflection_too_long",
    )
    mentorship.refresh_from_db()
    assert mentorship.mentee_closing_reflection == ""


def test_a_mentorship_ended_otherwise_takes_no_closing_words(mentorship, mentee):
    mentorship_end(mentorship=mentorship, reason=EndReason.NOT_A_FIT, by=None, now=NOW)

    with pytest.raises(MatchingError) as refused:
        offboarding.closing_reflection_save(mentorship=mentorship, by=mentee, text="Hi")

    assert refused.value.code == "not_completed"


def test_completing_twice_is_refused(mentorship):
    offboarding.mentorship_complete(mentorship=mentorship, by=None, now=NOW)

    with pytest.raises(MatchingError) as refused:
        offboarding.mentorship_complete(mentorship=mentorship, by=None, now=NOW)

    assert refused.value.code == "not_live"


# --- what the other party hears, and what nobody hears ----------------------------------------


WEDNESDAY_10_NY = NOW + timedelta(days=2, hours=3)  # Wed 6 Jan 15:00 UTC, 10:00 in New York


def test_no_reminder_for_a_session_cancelled_by_graduation(
    program, mentor, mentee, mentorship, django_capture_on_commit_callbacks
):
    for weekday in range(7):
        f.WeeklyHoursFactory(mentor=mentor, weekday=weekday, start_time=time(9), end_time=time(21))
    with time_machine.travel(NOW, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            booking.session_book(mentorship=mentorship, starts_at=WEDNESDAY_10_NY, by=mentee)
        run_worker()
        mail.outbox = []
        with django_capture_on_commit_callbacks(execute=True):
            offboarding.membership_graduate(membership=membership_of(mentee, program), by=None)
        run_worker()
        ended = [m.subject for m in mail.outbox]
        assert all("1 upcoming session was cancelled" in m.body for m in mail.outbox)
        mail.outbox = []

        for moment in (timedelta(hours=24), timedelta(hours=1)):
            clock.move_to(WEDNESDAY_10_NY - moment)
            run_worker()

        assert mail.outbox == []
    # Each heard that the mentorship ended; the cancelled session sent no message
    # of its own (the system cancelled it: the end is the news).
    assert sorted(ended) == sorted(
        [
            "[Mentora] Your mentorship with Mo Mentor has ended",
            "[Mentora] Your mentorship with Mia Mentee has ended",
        ]
    )


def test_requests_closed_because_the_mentor_left_tell_the_mentee(
    program, mentor, django_capture_on_commit_callbacks
):
    seeker = f.UserFactory(name="Sid Seeker")
    f.MembershipFactory(user=seeker, program=program, role=Role.MENTEE)
    MentorRequestFactory(program=program, mentee=seeker, mentor=mentor, created_at=NOW)
    with time_machine.travel(NOW, tick=False):
        mail.outbox = []
        with django_capture_on_commit_callbacks(execute=True):
            offboarding.membership_leave(
                membership=membership_of(mentor, program, Role.MENTOR), by=None
            )
        run_worker()

    to_seeker = [m for m in mail.outbox if m.to == [seeker.email]]
    assert [m.subject for m in to_seeker] == ["[Mentora] Your request to Mo Mentor is closed"]
    assert "no longer mentoring" in to_seeker[0].body
    assert not [m for m in mail.outbox if m.to == [mentor.email] and "request" in m.subject]


def test_action_items_of_a_graduated_mentee_stop_reminding(program, mentee, mentorship):
    from mentora.notifications import about_sessions

    item = f.ActionItemFactory(
        mentorship=mentorship, owner=mentee, due_on=(NOW + timedelta(days=1)).date()
    )
    args = {"now": NOW, "due_on": item.due_on.isoformat(), "overdue": False}
    assert about_sessions.action_item_due(item.pk, **args)  # while the mentorship is live

    offboarding.membership_graduate(membership=membership_of(mentee, program), by=None, now=NOW)

    assert about_sessions.action_item_due(item.pk, **args) == []
    assert type(item).objects.filter(pk=item.pk).exists()  # kept, just quiet


def test_the_plan_names_a_few_people_and_counts_the_rest():
    plan = offboarding.Plan(mentorships=7, people=[f"P{i}" for i in range(7)])

    assert plan.lines()[0] == "7 live mentorships will end (with P0, P1, P2, P3, P4 and 2 others)."
