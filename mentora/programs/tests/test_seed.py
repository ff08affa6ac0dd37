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


def _use_the_program(slug: str = "bench") -> None:
    """What a benchmark run leaves behind: mentorships, sessions (one a make-up of
    another), requests, reflections, notes, concerns, notifications."""
    from datetime import timedelta

    from django.utils import timezone

    from mentora.matching.models import Concern, ConcernReason, MentorRequest, RequestStatus
    from mentora.notifications.models import Kind, Notification
    from mentora.programs.models import AccessAuditEntry, AuditKind
    from mentora.scheduling.models import SessionKind, SessionStatus
    from mentora.tests import factories as f

    program = Program.objects.get(slug=slug)
    mentors = list(User.objects.filter(email__startswith=f"{slug}.mentor").order_by("email")[:3])
    mentees = list(User.objects.filter(email__startswith=f"{slug}.mentee").order_by("email")[:3])
    for mentor, mentee in zip(mentors, mentees, strict=True):
        mentorship = f.MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
        MentorRequest.objects.create(
            program=program,
            mentee=mentee,
            mentor=mentor,
            status=RequestStatus.ACCEPTED,
            mentorship=mentorship,
            created_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=7),
        )
        first = f.SessionFactory(mentorship=mentorship, status=SessionStatus.MENTEE_NO_SHOW)
        makeup = f.SessionFactory(mentorship=mentorship, kind=SessionKind.MAKEUP, makeup_for=first)
        f.AgendaFactory(session=first)
        f.ReflectionFactory(session=first)
        f.NoteFactory(session=makeup)
        f.ActionItemFactory(mentorship=mentorship, session=first)
        Concern.objects.create(
            program=program,
            mentorship=mentorship,
            raised_by=mentee,
            reason=ConcernReason.values[0],
            created_at=timezone.now(),
        )
        AccessAuditEntry.objects.create(
            program=program, user=mentor, at=timezone.now(), kind=AuditKind.values[0]
        )
        Notification.objects.create(
            recipient=mentee,
            program=program,
            kind=Kind.values[0],
            key=f"seed-test-{mentorship.pk}",
            title="A message",
            created_at=timezone.now(),
        )


@pytest.mark.parametrize("rounds", [1, 2])
def test_replace_deletes_a_used_program(rounds: int) -> None:
    from mentora.scheduling.models import Session

    seed()
    for _ in range(rounds):
        _use_the_program()
        seed("--replace")

    assert Program.objects.filter(slug="bench").count() == 1
    assert User.objects.count() == 50 + 10 + 20
    assert Membership.objects.count() == 50 + 10 + 20
    assert not Session.objects.exists()


def test_replace_keeps_other_programs() -> None:
    from mentora.programs.models import Mentorship

    seed("--program-slug", "other")
    _use_the_program("other")
    seed()
    _use_the_program()
    seed("--replace")

    assert Mentorship.objects.filter(program__slug="other").count() == 3
    assert not Mentorship.objects.filter(program__slug="bench").exists()
    assert User.objects.count() == 2 * (50 + 10 + 20)
