"""The demo reads like a real program (each mentee their own track, goals and
sessions) and its printed logins can each walk a journey."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from mentora.accounts.models import MenteeProfile, User
from mentora.matching.models import MentorRequest, RequestStatus
from mentora.mentoring.demo_goals import CAREER_GOALS, TRACK_GOALS
from mentora.mentoring.models import Agenda, Feedback, MentorshipGoal, Note, Reflection
from mentora.programs import demo_people
from mentora.programs.demo import sample_logins
from mentora.programs.demo_people import MENTEES, SAMPLE_MENTEES, TRACKS, email_for
from mentora.programs.demo_plans import PLANS
from mentora.programs.models import Mentorship, Program
from mentora.scheduling.models import Session, SessionStatus
from mentora.scheduling.needs import attendance_to_record
from mentora.scheduling.policies import ATTENDANCE_LATE_AFTER


def load() -> None:
    call_command("load_demo", skip_checks=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_mentee_has_a_plan_and_every_track_a_pool_of_goals() -> None:
    assert set(PLANS) == {m.name for m in MENTEES}
    assert len({p.learning for p in PLANS.values()}) == len(PLANS)
    assert len({p.project for p in PLANS.values()}) == len(PLANS)
    assert set(TRACK_GOALS) == set(TRACKS)
    texts = [g.text for pool in TRACK_GOALS.values() for g in pool] + [g.text for g in CAREER_GOALS]
    assert len(set(texts)) == len(texts)
    for pool in TRACK_GOALS.values():
        assert len(pool) >= 5
        assert all(g.steps and g.questions and g.practice for g in pool)


@pytest.mark.django_db
def test_demo_text_is_varied_across_mentees() -> None:
    load()

    profiles = MenteeProfile.objects.all()
    assert len({p.learning for p in profiles}) == profiles.count() == 40
    goal_sets: dict[int, list[str]] = {}
    for goal in MentorshipGoal.objects.select_related("mentorship"):
        goal_sets.setdefault(goal.mentorship.mentee_id, []).append(goal.text)
    assert len(goal_sets) >= 26
    for texts in goal_sets.values():
        assert len(set(texts)) == len(texts)  # no goal twice for one mentee
    assert len({frozenset(t) for t in goal_sets.values()}) == len(goal_sets)

    agenda_goals = Counter(Agenda.objects.values_list("goal", flat=True))
    assert sum(agenda_goals.values()) > 100
    assert agenda_goals.most_common(1)[0][1] <= 3
    notes = Counter(Note.objects.values_list("body", flat=True))
    assert notes.most_common(1)[0][1] == 1
    feedback = Counter(Feedback.objects.values_list("useful", "less_productive"))
    assert feedback.most_common(1)[0][1] <= 3
    assert len(feedback) >= 0.9 * sum(feedback.values())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now",
    # A Wednesday morning and a Sunday night: the journeys don't depend on the day.
    [datetime(2026, 12, 2, 9, 30, tzinfo=UTC), datetime(2026, 12, 6, 22, 0, tzinfo=UTC)],
)
def test_each_printed_login_has_a_journey_to_walk(now: datetime) -> None:
    with time_machine.travel(now, tick=False):
        load()
        now = timezone.now()
    program = Program.objects.get(slug=demo_people.PROGRAM_SLUG)

    def user(name: str) -> User:
        return User.objects.get(email=email_for(name))

    # A mentor with a session awaiting attendance, inside the window.
    mentor = user(demo_people.AWAITING_ATTENDANCE_MENTOR)
    waiting = attendance_to_record(program, mentor, now)
    assert waiting.exists()
    assert all(s.ends_at > now - ATTENDANCE_LATE_AFTER for s in waiting)
    assert not waiting.filter(mentee__name__in=SAMPLE_MENTEES).exists()

    # A mentor with requests waiting.
    requested = user(demo_people.REQUESTED_MENTOR)
    assert MentorRequest.objects.filter(mentor=requested, status=RequestStatus.OPEN).exists()

    # A mentee whose latest held session awaits her reflection and feedback.
    mentee = user(demo_people.AWAITING_REFLECTION_MENTEE)
    held = Session.objects.filter(mentee=mentee, status=SessionStatus.HELD).latest("ends_at")
    assert held.ends_at > now - timedelta(days=program.reflection_window_days)
    assert not Reflection.objects.filter(session=held, author=mentee).exists()
    assert not Feedback.objects.filter(session=held).exists()
    assert Reflection.objects.filter(session=held, author=held.mentor).exists()

    # An onboarded mentee without a mentor and without a request, to find one.
    unmatched = user(demo_people.UNMATCHED_MENTEE)
    assert unmatched.onboarded_at is not None
    assert not Mentorship.objects.filter(mentee=unmatched).exists()
    assert not MentorRequest.objects.filter(mentee=unmatched).exists()

    printed = {name for _role, name, _email in sample_logins()}
    assert {
        demo_people.AWAITING_ATTENDANCE_MENTOR,
        demo_people.REQUESTED_MENTOR,
        demo_people.AWAITING_REFLECTION_MENTEE,
        demo_people.UNMATCHED_MENTEE,
    } <= printed
