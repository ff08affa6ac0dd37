"""The rows an API client syncs by `?updated_since=` record every change, also
the ones a service writes with a queryset `.update()` (which skips `auto_now`)."""

from datetime import timedelta

import pytest
import time_machine

from mentora.matching.lifecycle.services import mentorship_pause, mentorship_resume
from mentora.programs.models import Membership, Mentorship, Role
from mentora.programs.roster.services import success_manager_assign
from mentora.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def test_pausing_and_resuming_a_mentorship_moves_its_updated_at(mentorship, now):
    assert mentorship.updated_at == now
    later = now + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        mentorship_pause(mentorship=mentorship)
    assert Mentorship.objects.get(pk=mentorship.pk).updated_at == later
    with time_machine.travel(later + timedelta(hours=1), tick=False):
        mentorship_resume(mentorship=mentorship)
    assert Mentorship.objects.get(pk=mentorship.pk).updated_at == later + timedelta(hours=1)


def test_a_new_success_manager_moves_the_mentee_membership_s_updated_at(
    program, mentee, admin_user, now
):
    other = f.UserFactory(email="sol@example.org", name="Sol Second")
    f.MembershipFactory(user=other, program=program, role=Role.SUCCESS_MANAGER)
    later = now + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        changed = success_manager_assign(
            program=program, mentees=[mentee], success_manager=other, by=admin_user
        )
    assert changed == 1
    membership = Membership.objects.get(program=program, user=mentee, role=Role.MENTEE)
    assert membership.updated_at == later
    untouched = Membership.objects.get(program=program, user=other)
    assert untouched.updated_at == now
