"""Rules the database itself enforces, on SQLite and on PostgreSQL."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentora.accounts.models import User
from mentora.programs.models import Mentorship, MentorshipStatus, Role
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db


def refuses(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_two_live_mentorships_for_one_pair_are_refused(mentee, mentor, program):
    assert refuses(
        lambda: Mentorship.objects.create(
            program=program, mentor=mentor, mentee=mentee, started_at=timezone.now()
        )
    )


def test_a_new_mentorship_after_an_ended_one_is_allowed(mentee, mentor, program):
    old = Mentorship.objects.get(mentee=mentee)
    old.status = MentorshipStatus.ENDED
    old.ended_at = timezone.now()
    old.end_reason = "completed"
    old.save()

    again = Mentorship.objects.create(
        program=program, mentor=mentor, mentee=mentee, started_at=timezone.now()
    )

    assert again.pk != old.pk


def test_mentoring_oneself_is_refused(mentor, program):
    assert refuses(
        lambda: Mentorship.objects.create(
            program=program, mentor=mentor, mentee=mentor, started_at=timezone.now()
        )
    )


def test_ending_without_a_reason_is_refused(mentee):
    mentorship = Mentorship.objects.get(mentee=mentee)

    def end_without_reason():
        Mentorship.objects.filter(pk=mentorship.pk).update(
            status=MentorshipStatus.ENDED, ended_at=timezone.now()
        )

    assert refuses(end_without_reason)


def test_same_email_in_another_case_is_refused(db):
    User.objects.create_user("kim@example.org", "pw-long-enough-1", name="Kim")

    assert refuses(lambda: User.objects.create(email="KIM@example.org", name="Kim 2"))


def test_same_role_twice_in_a_program_is_refused(mentee, program):
    assert refuses(lambda: f.MembershipFactory(user=mentee, program=program, role=Role.MENTEE))


def test_one_person_may_hold_different_roles(mentee, program):
    f.MembershipFactory(user=mentee, program=program, role=Role.MENTOR)

    assert mentee.memberships.count() == 2


def test_cohort_only_for_mentees(mentor, program, cohort):
    assert refuses(
        lambda: f.MembershipFactory(
            user=f.UserFactory(), program=program, role=Role.MENTOR, cohort=cohort
        )
    )


def test_mentor_capacity_above_twenty_is_refused(mentor):
    profile = mentor.mentor_profile

    def too_many():
        type(profile).objects.filter(pk=profile.pk).update(capacity=21)

    assert refuses(too_many)
