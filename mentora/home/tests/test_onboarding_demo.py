"""The demo's people are onboarded, but two invited mentees without a mentor,
so staff see "haven't finished their profile" on their home."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from mentora.accounts.models import User
from mentora.home.onboarding.queries import unfinished_count
from mentora.programs.demo_people import SAMPLE_MENTEES
from mentora.programs.models import Mentorship, Program

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_two_mentees_mid_onboarding():
    call_command("load_demo", skip_checks=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    program = Program.objects.get(slug="northwind")
    waiting = list(User.objects.filter(onboarded_at__isnull=True))
    assert len(waiting) == 2
    assert not Mentorship.objects.filter(mentee__in=waiting).exists()
    assert not {u.name for u in waiting} & set(SAMPLE_MENTEES)
    assert all(u.activated_at is not None for u in User.objects.all())
    assert unfinished_count(program) == 2

    call_command("load_demo", skip_checks=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert User.objects.filter(onboarded_at__isnull=True).count() == 2
