"""The benchmark seed: the requested numbers, sane values, and no silent overwrite."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mentora.accounts.models import MenteeProfile, MentorProfile, User
from mentora.programs.models import Membership, Program, Role

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", "--mentees", "50", "--mentors", "10", *args, stdout=out, skip_checks=True)
    return out.getvalue()


def test_seed_creates_the_requested_program() -> None:
    output = seed("--program-slug", "tiny", "--success-managers", "3")

    program = Program.objects.get(slug="tiny")
    members = Membership.objects.filter(program=program)
    assert members.with_role(Role.MENTEE).count() == 50
    assert members.with_role(Role.MENTOR).count() == 10
    assert members.with_role(Role.SUCCESS_MANAGER).count() == 3
    assert not members.with_role(Role.MENTEE).filter(success_manager__isnull=True).exists()
    assert MenteeProfile.objects.count() == 50
    assert "Seeded program 'tiny'" in output


def test_seeded_mentors_have_capacities_one_to_eight_and_stacks() -> None:
    seed()
    profiles = MentorProfile.objects.all()
    assert profiles.count() == 10
    for profile in profiles.prefetch_related("stack"):
        assert 1 <= profile.capacity <= 8
        assert profile.stack.exists()
        assert profile.knowledge_areas


def test_seeded_people_cannot_log_in() -> None:
    seed()
    assert not any(u.has_usable_password() for u in User.objects.all())


def test_same_seed_gives_the_same_data() -> None:
    seed("--seed", "7")
    first = list(MentorProfile.objects.order_by("user__email").values_list("capacity", flat=True))
    seed("--seed", "7", "--replace")
    again = list(MentorProfile.objects.order_by("user__email").values_list("capacity", flat=True))
    assert first == again


def test_refuses_an_existing_slug_without_replace() -> None:
    seed()
    with pytest.raises(CommandError, match="--replace"):
        seed()
    assert Membership.objects.with_role(Role.MENTEE).count() == 50


def test_replace_swaps_the_program_for_a_fresh_one() -> None:
    seed()
    old_pk = Program.objects.get(slug="bench").pk
    seed("--replace")
    assert Program.objects.get(slug="bench").pk != old_pk
    assert Program.objects.count() == 1
    assert User.objects.count() == 50 + 10 + 20
    assert Membership.objects.count() == 50 + 10 + 20


def test_rejects_a_bad_slug() -> None:
    with pytest.raises(CommandError, match="program-slug"):
        seed("--program-slug", "not a slug")
