"""Every pairing starts with a rhythm: the proposed regular time of a staff match,
a cohort publish and a re-match, its confirmation, and what a re-match carries.

Times: NOW is Monday 4 January 2027, 12:00 UTC. conftest's mentor is in New
York (UTC-5), the mentees in Berlin (UTC+1); mentors here have Tuesday hours.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from mentora.matching.errors import MatchingError
from mentora.matching.health import services as health
from mentora.matching.lifecycle import rhythm
from mentora.matching.models import BulkMatchRow, ProposedCadence
from mentora.matching.staff import services as staff
from mentora.matching.tests.staff_people import (
    People,
    mentor_with,
    preview,
    run_url,
    unmatched_mentee,
)
from mentora.mentoring.agenda.services import open_questions_for
from mentora.mentoring.models import ActionItem, GoalStatus, MentorshipGoal, Note
from mentora.mentoring.workspace.queries import items_owned_by
from mentora.programs.models import Mentorship
from mentora.scheduling.cadence.services import cadence_set
from mentora.scheduling.models import Cadence, Session, SessionKind
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = pytest.mark.django_db

TUESDAY = 1


@pytest.fixture
def tuesday_hours(mentor):
    f.WeeklyHoursFactory(mentor=mentor, weekday=TUESDAY, start_time=time(9), end_time=time(17))
    return mentor


@pytest.fixture
def new_mentor(program):
    return mentor_with(program, "Nia New", capacity=3)  # Tuesday 09:00–12:00 New York


# --- proposing -----------------------------------------------------------------------------


def test_a_proposal_is_the_soonest_time_in_the_mentors_hours_and_the_mentees_day(
    mentorship, tuesday_hours
):
    proposal = rhythm.regular_time_propose(mentorship=mentorship, now=NOW)

    assert proposal is not None
    # Tuesday 09:00 New York is 15:00 in Berlin; the first week starts after the notice.
    assert (proposal.weekday, proposal.time_of_day, proposal.time_zone) == (
        TUESDAY,
        time(9),
        "America/New_York",
    )
    assert (proposal.starts_on, proposal.length_minutes) == (date(2027, 1, 5), 45)
    prompt = rhythm.rhythm_prompt(mentorship, mentorship.mentee, NOW)
    assert prompt is not None and prompt.first_start == datetime(2027, 1, 5, 14, tzinfo=UTC)


def test_without_a_fitting_time_both_are_asked_to_choose(mentorship, mentor, mentee):
    # Monday evening in New York is after midnight in Berlin.
    f.WeeklyHoursFactory(mentor=mentor, weekday=0, start_time=time(18), end_time=time(22))

    assert rhythm.regular_time_propose(mentorship=mentorship, now=NOW) is None

    for person in (mentor, mentee):
        [prompt] = rhythm.proposed_cadence_for(person, mentorship.program, NOW)
        assert prompt.proposal is None and prompt.mentorship == mentorship
    assert rhythm.proposed_cadence_for(mentee, mentorship.program, NOW)[0].other == mentor


def test_one_mentor_given_two_mentees_gets_two_different_times(
    program, mentor, mentee, other_mentee, tuesday_hours
):
    first, second = Mentorship.objects.filter(mentor=mentor).order_by("pk")

    a = rhythm.regular_time_propose(mentorship=first, now=NOW)
    b = rhythm.regular_time_propose(mentorship=second, now=NOW)

    assert a is not None and b is not None
    # 09:00–09:45, then the program's 10-minute buffer after it: 10:00 is next on the grid.
    assert (a.time_of_day, b.time_of_day) == (time(9), time(10))


def test_across_the_clock_change_the_proposal_keeps_the_mentee_in_daytime(
    program, mentorship, mentor
):
    # 15 March 2027: New York is on summer time, Berlin not until 28 March.
    # Tuesday 15:00 New York is 20:00 in Berlin for two weeks, then 21:00 (too late);
    # 14:00 is 19:00, then 20:00.
    f.WeeklyHoursFactory(mentor=mentor, weekday=TUESDAY, start_time=time(14), end_time=time(16))
    with time_machine.travel(datetime(2027, 3, 15, 12, tzinfo=UTC), tick=False):
        proposal = rhythm.regular_time_propose(mentorship=mentorship)

    assert proposal is not None and proposal.time_of_day == time(14)


def test_a_staff_match_proposes_a_regular_time(program, success_manager, now):
    mentee = unmatched_mentee(program, "Una Unmatched")
    mentor = mentor_with(program, "Xavi Backend")

    mentorship = staff.match_from_suggestion(
        program=program, mentee=mentee, mentor_id=mentor.pk, by=success_manager, now=now
    )

    proposal = ProposedCadence.objects.get(mentorship=mentorship)
    assert (proposal.weekday, proposal.time_of_day) == (TUESDAY, time(9))
    assert not Cadence.objects.filter(mentorship=mentorship).exists()


def test_a_cohort_publish_proposes_a_regular_time_for_every_pair(
    client, admin_user, program, cohort, success_manager, now
):
    people = People(program, cohort, success_manager, now)
    client.force_login(admin_user)
    run = preview(client, cohort, people)

    client.post(run_url("bulk_match_publish", run))

    rows = BulkMatchRow.objects.filter(run=run, mentor__isnull=False)
    started = [r.mentorship for r in rows]
    assert started and all(m is not None for m in started)
    assert ProposedCadence.objects.filter(mentorship__in=started).count() == len(started)


# --- confirming -----------------------------------------------------------------------------


def test_confirming_makes_it_the_cadence_and_books_the_regular_sessions(
    mentorship, mentee, tuesday_hours
):
    rhythm.regular_time_propose(mentorship=mentorship, now=NOW)

    result = rhythm.regular_time_confirm(mentorship=mentorship, by=mentee, now=NOW)

    cadence = Cadence.objects.get(mentorship=mentorship)
    assert (cadence.weekday, cadence.time_of_day, cadence.time_zone) == (
        TUESDAY,
        time(9),
        "America/New_York",
    )
    assert not ProposedCadence.objects.filter(mentorship=mentorship).exists()
    first = min(s.starts_at for s in result.created)
    assert first == datetime(2027, 1, 5, 14, tzinfo=UTC)
    assert Session.objects.filter(mentorship=mentorship, kind=SessionKind.REGULAR).count() == (
        mentorship.program.booking_window_weeks
    )
    assert rhythm.proposed_cadence_for(mentee, mentorship.program, NOW) == []


def test_confirming_after_a_time_was_chosen_on_the_cadence_page_is_refused(
    mentorship, mentor, mentee, tuesday_hours
):
    rhythm.regular_time_propose(mentorship=mentorship, now=NOW)
    cadence_set(
        mentorship=mentorship, by=mentor, frequency="weekly", weekday=TUESDAY,
        time_of_day=time(11), length_minutes=45, starts_on=date(2027, 1, 5), now=NOW,
    )  # fmt: skip

    with pytest.raises(MatchingError) as refused:
        rhythm.regular_time_confirm(mentorship=mentorship, by=mentee, now=NOW)

    assert refused.value.code == "no_proposal"
    assert Cadence.objects.get(mentorship=mentorship).time_of_day == time(11)
    assert rhythm.proposed_cadence_for(mentee, mentorship.program, NOW) == []


def test_a_proposal_from_before_the_mentor_moved_zone_is_refused(
    mentorship, mentor, mentee, tuesday_hours
):
    rhythm.regular_time_propose(mentorship=mentorship, now=NOW)
    mentor.time_zone = "Asia/Tokyo"
    mentor.save(update_fields=["time_zone"])
    mentorship.refresh_from_db()

    with pytest.raises(MatchingError) as refused:
        rhythm.regular_time_confirm(mentorship=mentorship, by=mentee, now=NOW)

    assert refused.value.code == "proposal_stale"
    assert not Cadence.objects.filter(mentorship=mentorship).exists()


def test_the_regular_time_page_shows_the_proposal_in_the_viewers_zone_and_confirms(
    client, program, mentorship, mentee, mentor, tuesday_hours, frozen_clock
):
    rhythm.regular_time_propose(mentorship=mentorship)
    url = reverse("regular_time", args=[program.slug, mentorship.pk])

    client.force_login(mentee)
    page = client.get(url).content.decode()
    assert "Proposed regular time: Tue 15:00 CET (your zone, Europe/Berlin)" in page
    client.force_login(mentor)
    page = client.get(url).content.decode()
    assert "Proposed regular time: Tue 09:00 EST (your zone, America/New_York)" in page

    response = client.post(url)

    assert response.status_code == 302
    told = client.get(response["Location"]).content.decode()
    assert "Your first session is on Tuesday 5 January at 09:00 EST." in told
    assert Cadence.objects.filter(mentorship=mentorship).exists()
    assert Session.objects.filter(mentorship=mentorship).exists()
    again = client.post(url)
    assert again.status_code == 409


def test_the_regular_time_page_is_only_for_the_pair(
    client, program, mentorship, outsider, success_manager
):
    url = reverse("regular_time", args=[program.slug, mentorship.pk])
    for person in (outsider, success_manager):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not Cadence.objects.filter(mentorship=mentorship).exists()


# --- a re-match carries the mentee's work ---------------------------------------------------


def test_a_rematch_carries_goals_questions_and_open_items_but_no_notes(
    program, mentorship, mentee, mentor, new_mentor, success_manager
):
    active = f.MentorshipGoalFactory(
        mentorship=mentorship, text="Ship a REST API", mentor_comment="Mo: keep it small"
    )
    f.MentorshipGoalFactory(mentorship=mentorship, text="Learn Git", status=GoalStatus.ACHIEVED)
    question = f.QuestionFactory(program=program, mentee=mentee, text="When to use signals?")
    held = f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(days=7))
    open_item = f.ActionItemFactory(mentorship=mentorship, session=held, title="Write tests")
    done_item = f.ActionItemFactory(mentorship=mentorship, title="Read docs", done_at=NOW)
    mentors_item = f.ActionItemFactory(mentorship=mentorship, owner=mentor, title="Send links")
    private = f.NoteFactory(session=held, author=mentor, shared=False, body="Mia seems stuck")

    result = health.mentorship_rematch(
        mentorship=mentorship, new_mentor=new_mentor, by=success_manager, now=NOW
    )

    new = result.new
    goals = list(MentorshipGoal.objects.filter(mentorship=new))
    assert [(g.text, g.status, g.mentor_comment) for g in goals] == [
        ("Ship a REST API", GoalStatus.ACTIVE, "")
    ]
    assert MentorshipGoal.objects.filter(mentorship=mentorship).count() == 2  # history kept
    active.refresh_from_db()
    assert active.mentorship == mentorship
    assert set(ActionItem.objects.filter(mentorship=new)) == {open_item}
    open_item.refresh_from_db()
    assert open_item.session == held  # where it came from is still recorded
    assert {i.mentorship for i in (done_item, mentors_item)} == {mentorship}
    assert len(items_owned_by(program, mentee)) == 2  # moved, not copied
    assert question in open_questions_for(mentee, program)
    assert not Note.objects.filter(session__mentorship=new).exists()
    private.refresh_from_db()
    assert (private.session, private.shared) == (held, False)


def test_a_rematch_proposes_the_new_pairs_regular_time(
    mentorship, new_mentor, success_manager, mentee
):
    result = health.mentorship_rematch(
        mentorship=mentorship, new_mentor=new_mentor, by=success_manager, now=NOW
    )

    [prompt] = rhythm.proposed_cadence_for(mentee, mentorship.program, NOW)
    assert prompt.mentorship == result.new and prompt.proposal is not None
    assert prompt.other == new_mentor


def test_the_cadence_page_shows_the_proposal_above_its_form(
    client, program, mentorship, mentee, tuesday_hours, frozen_clock
):
    rhythm.regular_time_propose(mentorship=mentorship)
    client.force_login(mentee)

    page = client.get(reverse("cadence_edit", args=[program.slug, mentorship.pk])).content.decode()

    assert "Proposed regular time: Tue 15:00 CET (your zone, Europe/Berlin)" in page
    assert reverse("regular_time", args=[program.slug, mentorship.pk]) in page
    ProposedCadence.objects.all().delete()
    page = client.get(reverse("cadence_edit", args=[program.slug, mentorship.pk])).content.decode()
    assert "Choose your regular time" in page


# --- telling them --------------------------------------------------------------------------


def test_the_started_message_names_the_proposed_time_in_each_readers_zone(
    mentorship, mentor, mentee, tuesday_hours
):
    from mentora.notifications import about_matching

    rhythm.regular_time_propose(mentorship=mentorship, now=NOW)

    messages = {m.recipient: m for m in about_matching.mentorship_started(mentorship.pk, now=NOW)}

    to_mentee, to_mentor = messages[mentee], messages[mentor]
    assert to_mentee.url == reverse("regular_time", args=[mentorship.program.slug, mentorship.pk])
    # Tuesday 09:00 New York is 15:00 in Berlin.
    assert "Every week on Tuesday at 15:00 CET, 45 min" in to_mentee.body
    assert "from Tuesday 5 January at 15:00 CET" in to_mentee.body
    assert "Every week on Tuesday at 09:00 EST, 45 min" in to_mentor.body
    assert "Confirm it, or choose another time" in to_mentor.body


def test_without_a_proposal_the_started_message_asks_to_choose(mentorship, mentor, mentee):
    from mentora.notifications import about_matching

    [message, _other] = about_matching.mentorship_started(mentorship.pk, now=NOW)

    assert "Choose a regular time that suits you both." in message.body
    assert "proposes" not in message.body
