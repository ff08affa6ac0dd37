"""Relationship health services: the pulse schedule, pulse answers, concerns, re-matching."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from mentora.matching import access as matching_access
from mentora.matching.engine.suggestions import ranked_mentors_for
from mentora.matching.errors import MatchingError
from mentora.matching.health import queries as health_queries
from mentora.matching.health import services as health
from mentora.matching.health.services import pulse_due_at
from mentora.matching.models import (
    Concern,
    ConcernOutcome,
    ConcernReason,
    ConcernStatus,
    Pulse,
    PulseAnswer,
)
from mentora.matching.tests.factories import ConcernFactory, PulseFactory
from mentora.programs.models import EndReason, Mentorship, MentorshipStatus, Program, Role
from mentora.scheduling.models import CancellationKind, CancelReason, SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = pytest.mark.django_db

WEEK = timedelta(weeks=1)


def held_session(mentorship, ends_at):
    return f.SessionFactory(
        mentorship=mentorship,
        starts_at=ends_at - timedelta(minutes=45),
        ends_at=ends_at,
        blocked_from=ends_at - timedelta(minutes=45),
        blocked_until=ends_at + timedelta(minutes=10),
        status=SessionStatus.HELD,
    )


def a_mentor(program, name="Nia New", capacity=3):
    user = f.UserFactory(name=name)
    f.MembershipFactory(user=user, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=user, capacity=capacity)
    return user


def set_pulses(program, *, after_first, every_weeks):
    Program.objects.filter(pk=program.pk).update(
        pulse_after_first_session=after_first, pulse_every_weeks=every_weeks
    )


FIRST_END = NOW - timedelta(days=1)


# --- the schedule, pure -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("after_first", "every", "now", "due"),
    [
        (True, 4, FIRST_END - timedelta(minutes=1), None),  # not held yet
        (True, 4, FIRST_END, FIRST_END),
        (True, 4, FIRST_END + 4 * WEEK - timedelta(seconds=1), FIRST_END),
        (True, 4, FIRST_END + 4 * WEEK, FIRST_END + 4 * WEEK),
        (True, 4, FIRST_END + 9 * WEEK, FIRST_END + 8 * WEEK),  # a late run asks the latest
        (True, 0, FIRST_END + 9 * WEEK, FIRST_END),
        (False, 4, FIRST_END + 3 * WEEK, None),
        (False, 4, FIRST_END + 5 * WEEK, FIRST_END + 4 * WEEK),
        (False, 0, FIRST_END + 9 * WEEK, None),
        (True, 2, FIRST_END + 5 * WEEK, FIRST_END + 4 * WEEK),
    ],
)
def test_pulse_due_at_follows_the_program_settings(after_first, every, now, due):
    assert (
        pulse_due_at(first_held_end=FIRST_END, after_first=after_first, every_weeks=every, now=now)
        == due
    )


# --- asking -----------------------------------------------------------------------------


def test_pulses_ask_due_asks_both_parties_after_the_first_held_session(mentorship, mentee, mentor):
    session = held_session(mentorship, FIRST_END)

    asked = health.pulses_ask_due(now=NOW)

    assert {(p.respondent_id, p.asked_at) for p in asked} == {
        (mentee.pk, session.ends_at),
        (mentor.pk, session.ends_at),
    }
    assert Pulse.objects.filter(answer="").count() == 2


def test_pulses_ask_due_asks_nothing_before_a_session_is_held(mentorship):
    f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(days=2))  # not marked
    f.SessionFactory(
        mentorship=mentorship, starts_at=NOW - timedelta(days=3), status=SessionStatus.CANCELLED,
        cancelled_at=NOW - timedelta(days=4), cancel_reason=CancelReason.ILLNESS,
        cancellation_kind=CancellationKind.ON_TIME,
    )  # fmt: skip

    assert health.pulses_ask_due(now=NOW) == []


def test_pulses_ask_due_asks_again_every_n_weeks(mentorship):
    held_session(mentorship, FIRST_END)
    health.pulses_ask_due(now=NOW)

    before = health.pulses_ask_due(now=FIRST_END + 4 * WEEK - timedelta(minutes=1))
    after = health.pulses_ask_due(now=FIRST_END + 4 * WEEK + timedelta(minutes=1))

    assert before == []
    assert [p.asked_at for p in after] == [FIRST_END + 4 * WEEK] * 2
    assert Pulse.objects.count() == 4


def test_pulses_ask_due_uses_the_programs_period(program, mentorship):
    set_pulses(program, after_first=True, every_weeks=2)
    held_session(mentorship, FIRST_END)

    asked = health.pulses_ask_due(now=FIRST_END + 2 * WEEK + timedelta(hours=1))

    assert {p.asked_at for p in asked} == {FIRST_END + 2 * WEEK}


def test_pulses_ask_due_only_periodic_when_the_first_pulse_is_off(program, mentorship):
    set_pulses(program, after_first=False, every_weeks=4)
    held_session(mentorship, FIRST_END)

    first_week = health.pulses_ask_due(now=NOW)
    later = health.pulses_ask_due(now=FIRST_END + 4 * WEEK)

    assert first_week == []
    assert len(later) == 2


def test_pulses_ask_due_asks_nothing_when_pulses_are_off(program, mentorship):
    set_pulses(program, after_first=False, every_weeks=0)
    held_session(mentorship, FIRST_END)

    assert health.pulses_ask_due(now=FIRST_END + 20 * WEEK) == []


@pytest.mark.parametrize("status", [MentorshipStatus.ENDED, MentorshipStatus.PAUSED])
def test_pulses_ask_due_skips_mentorships_that_are_not_active(mentorship, status):
    held_session(mentorship, FIRST_END)
    ended = {"ended_at": NOW, "end_reason": EndReason.OTHER} if status == "ended" else {}
    Mentorship.objects.filter(pk=mentorship.pk).update(status=status, **ended)

    assert health.pulses_ask_due(now=NOW) == []


def test_pulses_ask_due_never_asks_twice(mentorship):
    held_session(mentorship, FIRST_END)
    health.pulses_ask_due(now=NOW)

    again = health.pulses_ask_due(now=NOW + timedelta(hours=1))

    assert again == []
    assert Pulse.objects.count() == 2


def test_pulses_ask_due_skips_a_pulse_another_run_just_asked(mentorship, mentee):
    held_session(mentorship, FIRST_END)
    # As if a second worker had asked the mentee a moment ago: only the mentor is left.
    PulseFactory(mentorship=mentorship, respondent=mentee, asked_at=FIRST_END)

    asked = health.pulses_ask_due(now=NOW)

    assert [p.respondent for p in asked] == [mentorship.mentor]


def test_pulse_unique_constraint_refuses_a_second_ask(mentorship, mentee):
    PulseFactory(mentorship=mentorship, respondent=mentee, asked_at=FIRST_END)

    with pytest.raises(IntegrityError), transaction.atomic():
        PulseFactory(mentorship=mentorship, respondent=mentee, asked_at=FIRST_END)


def test_pulses_ask_due_counts_from_the_first_held_session_only(mentorship):
    held_session(mentorship, FIRST_END - 2 * WEEK)
    held_session(mentorship, FIRST_END)

    asked = health.pulses_ask_due(now=NOW)

    assert {p.asked_at for p in asked} == {FIRST_END - 2 * WEEK}


# --- answering --------------------------------------------------------------------------


@pytest.fixture
def pulse(mentorship, mentee):
    return PulseFactory(mentorship=mentorship, respondent=mentee, asked_at=FIRST_END)


def test_pulse_answer_records_the_answer_and_time(pulse, mentee):
    health.pulse_answer(
        pulse=pulse, by=mentee, answer=PulseAnswer.DECIDING, comment=" ok ", now=NOW
    )

    pulse.refresh_from_db()
    assert (pulse.answer, pulse.comment, pulse.answered_at) == ("deciding", "ok", NOW)


def test_pulse_answer_twice_is_refused_and_keeps_the_first(pulse, mentee):
    health.pulse_answer(pulse=pulse, by=mentee, answer=PulseAnswer.GOOD, now=NOW)

    with pytest.raises(MatchingError) as refused:
        health.pulse_answer(pulse=pulse, by=mentee, answer=PulseAnswer.NOT_A_FIT, now=NOW)

    assert refused.value.code == "already_answered"
    pulse.refresh_from_db()
    assert pulse.answer == PulseAnswer.GOOD


@pytest.mark.parametrize(
    ("answer", "comment", "code"),
    [("maybe", "", "bad_answer"), ("", "", "bad_answer"), ("good", "x" * 501, "comment_too_long")],
)
def test_pulse_answer_refuses_bad_input(pulse, mentee, answer, comment, code):
    with pytest.raises(MatchingError) as refused:
        health.pulse_answer(pulse=pulse, by=mentee, answer=answer, comment=comment, now=NOW)

    assert refused.value.code == code
    pulse.refresh_from_db()
    assert pulse.answer == ""


def test_pulse_answer_by_someone_else_is_refused(pulse, mentor):
    with pytest.raises(MatchingError) as refused:
        health.pulse_answer(pulse=pulse, by=mentor, answer=PulseAnswer.GOOD, now=NOW)

    assert refused.value.code == "not_yours"


def test_pulse_answer_on_an_ended_mentorship_is_refused(pulse, mentee, mentorship):
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=MentorshipStatus.ENDED, ended_at=NOW, end_reason=EndReason.OTHER
    )

    with pytest.raises(MatchingError) as refused:
        health.pulse_answer(pulse=pulse, by=mentee, answer=PulseAnswer.GOOD, now=NOW)

    assert refused.value.code == "ended"


def test_not_a_fit_pulse_reaches_the_success_manager(
    pulse, mentee, program, success_manager, admin_user
):
    health.pulse_answer(pulse=pulse, by=mentee, answer=PulseAnswer.NOT_A_FIT, now=NOW)

    assert list(health_queries.not_a_fit_pulses(program, success_manager)) == [pulse]
    assert list(health_queries.not_a_fit_pulses(program, admin_user)) == []


def test_pending_pulses_show_the_latest_unanswered_of_each_mentorship(program, mentorship, mentee):
    PulseFactory(mentorship=mentorship, respondent=mentee, asked_at=FIRST_END)
    latest = PulseFactory(mentorship=mentorship, respondent=mentee, asked_at=FIRST_END + 4 * WEEK)

    [pending] = health_queries.pending_pulses(program, mentee)

    assert (pending.pulse, pending.other) == (latest, mentorship.mentor)


# --- concerns ---------------------------------------------------------------------------


def test_concern_raise_by_the_mentee_opens_a_concern(mentorship, mentee, program):
    concern = health.concern_raise(
        mentorship=mentorship, by=mentee, reason=ConcernReason.SCHEDULE, details=" x ", now=NOW
    )

    concern.refresh_from_db()
    assert (concern.status, concern.program, concern.details) == ("open", program, "x")
    assert concern.created_at == NOW


def test_concern_raise_by_the_mentor_is_allowed(mentorship, mentor):
    concern = health.concern_raise(
        mentorship=mentorship, by=mentor, reason=ConcernReason.MISSED_SESSIONS, now=NOW
    )

    assert concern.raised_by == mentor


@pytest.mark.parametrize(
    ("reason", "details", "code"),
    [
        ("bored", "", "bad_reason"),
        ("", "", "bad_reason"),
        (ConcernReason.OTHER, "   ", "details_needed"),
        (ConcernReason.NOT_HELPFUL, "x" * 2001, "details_too_long"),
    ],
)
def test_concern_raise_refuses_bad_input(mentorship, mentee, reason, details, code):
    with pytest.raises(MatchingError) as refused:
        health.concern_raise(
            mentorship=mentorship, by=mentee, reason=reason, details=details, now=NOW
        )

    assert refused.value.code == code
    assert not Concern.objects.exists()


def test_concern_raise_accepts_details_at_the_limit(mentorship, mentee):
    concern = health.concern_raise(
        mentorship=mentorship, by=mentee, reason=ConcernReason.OTHER, details="x" * 2000, now=NOW
    )

    assert len(concern.details) == 2000


def test_concern_raise_by_someone_outside_the_mentorship_is_refused(mentorship, other_mentee):
    with pytest.raises(MatchingError) as refused:
        health.concern_raise(
            mentorship=mentorship, by=other_mentee, reason=ConcernReason.OTHER, details="x"
        )

    assert refused.value.code == "not_a_party"


def test_concern_raise_on_an_ended_mentorship_is_refused(mentorship, mentee):
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=MentorshipStatus.ENDED, ended_at=NOW, end_reason=EndReason.OTHER
    )

    with pytest.raises(MatchingError) as refused:
        health.concern_raise(mentorship=mentorship, by=mentee, reason=ConcernReason.SCHEDULE)

    assert refused.value.code == "ended"


def test_a_second_open_concern_by_the_same_person_is_refused(mentorship, mentee):
    health.concern_raise(mentorship=mentorship, by=mentee, reason=ConcernReason.SCHEDULE, now=NOW)

    with pytest.raises(MatchingError) as refused:
        health.concern_raise(
            mentorship=mentorship, by=mentee, reason=ConcernReason.EXPERTISE, now=NOW
        )

    assert refused.value.code == "already_open"
    assert Concern.objects.count() == 1


def test_open_concerns_of_a_caseload_leave_out_other_caseloads_and_resolved_ones(
    program, mentorship, success_manager
):
    mine = ConcernFactory(mentorship=mentorship, created_at=NOW)
    ConcernFactory(
        mentorship=mentorship, created_at=NOW, status=ConcernStatus.RESOLVED,
        resolved_at=NOW, outcome=ConcernOutcome.KEEP_GOING,
    )  # fmt: skip
    elsewhere_sm = f.UserFactory()
    f.MembershipFactory(user=elsewhere_sm, program=program, role=Role.SUCCESS_MANAGER)
    stranger = f.UserFactory()
    f.MembershipFactory(
        user=stranger, program=program, role=Role.MENTEE, success_manager=elsewhere_sm
    )
    ConcernFactory(mentorship=f.MentorshipFactory(program=program, mentee=stranger), created_at=NOW)

    assert list(matching_access.concerns_for_staff(success_manager, program)) == [mine]


# --- resolving --------------------------------------------------------------------------


@pytest.fixture
def concern(mentorship):
    return ConcernFactory(mentorship=mentorship, created_at=NOW - timedelta(days=1))


@pytest.fixture
def new_mentor(program):
    return a_mentor(program)


def test_concern_resolve_keep_going_records_the_note(concern, success_manager, mentorship):
    health.concern_resolve(
        concern=concern, by=success_manager, outcome=ConcernOutcome.KEEP_GOING,
        note="Agreed to try a fixed weekly slot.", now=NOW,
    )  # fmt: skip

    concern.refresh_from_db()
    mentorship.refresh_from_db()
    assert (concern.status, concern.outcome, concern.resolved_by) == (
        "resolved",
        "keep_going",
        success_manager,
    )
    assert concern.resolution_note == "Agreed to try a fixed weekly slot."
    assert mentorship.status == MentorshipStatus.ACTIVE


def test_concern_resolve_keep_going_needs_a_note(concern, success_manager):
    with pytest.raises(MatchingError) as refused:
        health.concern_resolve(
            concern=concern, by=success_manager, outcome=ConcernOutcome.KEEP_GOING, note=" "
        )

    assert refused.value.field == "note"
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN


def test_concern_resolve_pause_pauses_the_mentorship(concern, success_manager, mentorship):
    health.concern_resolve(
        concern=concern, by=success_manager, outcome=ConcernOutcome.PAUSED, now=NOW
    )

    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.PAUSED


def test_concern_resolve_pause_of_a_paused_mentorship_is_refused_and_leaves_it_open(
    concern, success_manager, mentorship
):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=MentorshipStatus.PAUSED)

    with pytest.raises(MatchingError):
        health.concern_resolve(concern=concern, by=success_manager, outcome="paused", now=NOW)

    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN


def test_concern_resolve_twice_is_refused(concern, success_manager):
    health.concern_resolve(concern=concern, by=success_manager, outcome="keep_going", note="ok")

    with pytest.raises(MatchingError) as refused:
        health.concern_resolve(concern=concern, by=success_manager, outcome="paused")

    assert refused.value.code == "already_resolved"


def test_concern_resolve_twice_from_stale_copies_is_refused(concern, success_manager, mentorship):
    stale = Concern.objects.get(pk=concern.pk)
    health.concern_resolve(concern=concern, by=success_manager, outcome="keep_going", note="ok")

    with pytest.raises(MatchingError) as refused:
        health.concern_resolve(concern=stale, by=success_manager, outcome="paused")

    assert refused.value.code == "already_resolved"
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE  # the pause was undone


@pytest.mark.parametrize(("outcome", "note"), [("", ""), ("drop", ""), ("keep_going", "x" * 2001)])
def test_concern_resolve_refuses_bad_input(concern, success_manager, outcome, note):
    with pytest.raises(MatchingError):
        health.concern_resolve(concern=concern, by=success_manager, outcome=outcome, note=note)

    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN


def test_concern_resolve_rematch_needs_a_mentor(concern, success_manager):
    with pytest.raises(MatchingError) as refused:
        health.concern_resolve(concern=concern, by=success_manager, outcome="rematched")

    assert refused.value.code == "mentor_needed"


# --- re-matching ------------------------------------------------------------------------


def test_rematch_ends_the_old_starts_the_new_and_keeps_the_history(
    program, concern, success_manager, mentorship, mentee, mentor, new_mentor
):
    held = held_session(mentorship, NOW - 2 * WEEK)
    future = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(hours=3))

    health.concern_resolve(
        concern=concern, by=success_manager, outcome=ConcernOutcome.REMATCHED,
        new_mentor=new_mentor, end_reason=EndReason.NOT_A_FIT, note="Goals differ.", now=NOW,
    )  # fmt: skip

    mentorship.refresh_from_db()
    held.refresh_from_db()
    future.refresh_from_db()
    concern.refresh_from_db()
    assert (mentorship.status, mentorship.end_reason, mentorship.end_note) == (
        "ended",
        "not_a_fit",
        "Goals differ.",
    )
    assert held.status == SessionStatus.HELD
    assert (future.status, future.cancel_reason, future.cancellation_kind) == (
        SessionStatus.CANCELLED,
        CancelReason.MENTORSHIP_ENDED,
        CancellationKind.ON_TIME,  # three hours' notice, but the system cancelled it
    )
    new = Mentorship.objects.live().get(mentee=mentee)
    assert new.mentor == new_mentor
    assert (concern.outcome, concern.new_mentorship) == (ConcernOutcome.REMATCHED, new)
    history = health_queries.mentorship_history(program, mentee, for_staff=True)
    assert [(m.mentor, m.status, m.held) for m in history] == [
        (new_mentor, "active", 0),
        (mentor, "ended", 1),
    ]


def test_rematch_resolves_every_open_concern_on_the_old_mentorship(
    mentorship, mentor, success_manager, new_mentor, concern
):
    by_mentor = ConcernFactory(mentorship=mentorship, raised_by=mentor, created_at=NOW)

    health.mentorship_rematch(
        mentorship=mentorship, new_mentor=new_mentor, by=success_manager, now=NOW
    )

    assert set(
        Concern.objects.filter(pk__in=[concern.pk, by_mentor.pk]).values_list("outcome", flat=True)
    ) == {ConcernOutcome.REMATCHED}


def test_rematch_to_the_same_mentor_is_refused(mentorship, mentor, success_manager):
    with pytest.raises(MatchingError) as refused:
        health.mentorship_rematch(mentorship=mentorship, new_mentor=mentor, by=success_manager)

    assert refused.value.code == "same_mentor"
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


def test_rematch_to_a_full_mentor_is_refused_and_nothing_is_half_done(
    program, mentorship, concern, success_manager
):
    full = a_mentor(program, "Fay Full", capacity=1)
    f.MentorshipFactory(program=program, mentor=full, mentee=f.UserFactory())
    future = f.SessionFactory(mentorship=mentorship, starts_at=NOW + 2 * WEEK)

    with pytest.raises(MatchingError) as refused:
        health.concern_resolve(
            concern=concern, by=success_manager, outcome="rematched", new_mentor=full, now=NOW
        )

    assert refused.value.code == "mentor_full"
    mentorship.refresh_from_db()
    future.refresh_from_db()
    concern.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert future.status == SessionStatus.SCHEDULED
    assert concern.status == ConcernStatus.OPEN


def test_rematch_of_an_ended_mentorship_is_refused(mentorship, success_manager, new_mentor):
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=MentorshipStatus.ENDED, ended_at=NOW, end_reason=EndReason.OTHER
    )

    with pytest.raises(MatchingError) as refused:
        health.mentorship_rematch(mentorship=mentorship, new_mentor=new_mentor, by=success_manager)

    assert refused.value.code == "not_live"
    assert not Mentorship.objects.filter(mentor=new_mentor).exists()


@pytest.mark.parametrize("reason", [EndReason.COMPLETED, "whatever"])
def test_rematch_with_a_reason_outside_the_list_is_refused(
    mentorship, success_manager, new_mentor, reason
):
    with pytest.raises(MatchingError) as refused:
        health.mentorship_rematch(
            mentorship=mentorship, new_mentor=new_mentor, reason=reason, by=success_manager
        )

    assert refused.value.code == "bad_reason"


def test_rematch_suggestions_exclude_the_old_mentor(program, mentorship, mentee, mentor):
    others = [a_mentor(program, "Ann"), a_mentor(program, "Ben")]

    ranked = ranked_mentors_for(program, mentee.pk, NOW.date(), exclude=(mentorship.mentor_id,))

    assert {r.mentor.user_id for r in ranked} == {o.pk for o in others}


def test_mentorship_history_for_the_mentee_shows_only_their_own_concerns(
    program, mentorship, mentee, mentor, concern
):
    ConcernFactory(mentorship=mentorship, raised_by=mentor, created_at=NOW)

    [shown] = health_queries.mentorship_history(program, mentee, for_staff=False)

    assert shown.concerns_shown == [concern]  # type: ignore[attr-defined]


def test_mentorship_history_uses_a_fixed_number_of_queries(
    program, mentee, mentor, django_assert_max_num_queries
):
    for i in range(3):
        ended = f.MentorshipFactory(
            program=program, mentee=mentee, mentor=a_mentor(program, f"Old {i}"),
            status=MentorshipStatus.ENDED, ended_at=NOW, end_reason=EndReason.REMATCHED,
            started_at=datetime(2026, 1 + i, 1, tzinfo=UTC),
        )  # fmt: skip
        ConcernFactory(mentorship=ended, created_at=NOW)

    with django_assert_max_num_queries(2):
        history = health_queries.mentorship_history(program, mentee, for_staff=True)
        assert len(history) == 4


# --- at the same time, on PostgreSQL ------------------------------------------------------


def at_once(*calls):
    """Run the calls in threads released together; their results and any errors."""
    start = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            start.wait(20)
            results.append(call())
        except MatchingError as refused:
            results.append(refused)
        except BaseException as error:  # the "500" these tests exist to catch
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pulses_ask_due_on_two_workers_at_once_asks_once(mentorship):
    held_session(mentorship, FIRST_END)

    results, errors = at_once(
        lambda: health.pulses_ask_due(now=NOW), lambda: health.pulses_ask_due(now=NOW)
    )

    assert errors == []
    assert sum(len(r) for r in results) == 2
    assert Pulse.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concerns_raised_at_once_make_one(mentorship, mentee):
    def raise_one():
        return health.concern_raise(
            mentorship=mentorship, by=mentee, reason=ConcernReason.SCHEDULE, now=NOW
        )

    results, errors = at_once(raise_one, raise_one)

    assert errors == []
    assert sorted(type(r).__name__ for r in results) == ["Concern", "MatchingError"]
    assert Concern.objects.count() == 1
