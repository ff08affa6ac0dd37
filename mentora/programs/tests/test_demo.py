"""The demo program: the stated people and history, loadable twice, and usable to log in."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse

from mentora.accounts.models import BackgroundAnswer, MentorProfile, Technology, User
from mentora.programs import demo
from mentora.programs.models import (
    AccessAuditEntry,
    Cohort,
    Membership,
    Mentorship,
    MentorshipStatus,
    Program,
    Role,
)

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, skip_checks=True)
    return out.getvalue()


def counts() -> dict[str, int]:
    program = Program.objects.get(slug="northwind")
    members = Membership.objects.filter(program=program)
    return {
        "programs": Program.objects.count(),
        "users": User.objects.count(),
        "cohorts": Cohort.objects.filter(program=program).count(),
        "mentees": members.with_role(Role.MENTEE).count(),
        "mentors": members.with_role(Role.MENTOR).count(),
        "managers": members.with_role(Role.SUCCESS_MANAGER).count(),
        "admins": members.with_role(Role.ADMIN).count(),
        "mentorships": Mentorship.objects.count(),
        "emails": EmailAddress.objects.count(),
        "technologies": Technology.objects.count(),
        "background": BackgroundAnswer.objects.count(),
    }


def test_demo_data_is_consistent() -> None:
    emails = [m.email for m in demo.MENTORS] + [m.email for m in demo.MENTEES]
    assert len(set(emails)) == len(emails) == 52
    assert all(e.isascii() and " " not in e for e in emails)
    for mentee in demo.MENTEES:
        assert set(demo.TRACKS[mentee.track].stack) <= set(demo.TECHNOLOGIES)
    for mentor in demo.MENTORS:
        assert set(mentor.stack) <= set(demo.TECHNOLOGIES)
        assert 1 <= mentor.capacity <= 4


def test_load_demo_creates_the_program_and_its_people() -> None:
    output = load()

    c = counts()
    assert (c["programs"], c["cohorts"]) == (1, 2)
    assert (c["mentees"], c["mentors"], c["managers"], c["admins"]) == (40, 12, 2, 1)
    program = Program.objects.get(slug="northwind")
    assert program.name == "Northwind Coding Bootcamp"
    assert program.time_zone == "Europe/Berlin"
    assert program.notice_hours == 24  # default policies
    assert "ada.admin@northwind.example" in output
    assert "mentora-demo" in output


def test_every_mentee_has_a_success_manager_and_a_cohort() -> None:
    load()
    mentees = Membership.objects.with_role(Role.MENTEE)
    assert not mentees.filter(Q(success_manager__isnull=True) | Q(cohort__isnull=True)).exists()
    managers = set(mentees.values_list("success_manager__email", flat=True))
    assert managers == {sm.email for sm in demo.SUCCESS_MANAGERS}


def test_no_mentor_is_above_capacity() -> None:
    load()
    live = dict(
        Mentorship.objects.live()
        .values("mentor")
        .annotate(n=Count("id"))
        .values_list("mentor", "n")
    )
    for profile in MentorProfile.objects.all():
        assert live.get(profile.user_id, 0) <= profile.capacity, profile.user


def test_history_has_active_ended_and_unmatched_mentees() -> None:
    load()
    ended = Mentorship.objects.filter(status=MentorshipStatus.ENDED)
    assert ended.count() == 3
    for mentorship in ended:
        assert mentorship.ended_at is not None
        assert mentorship.end_reason and mentorship.end_note
        # The ended pairing is followed by a live one with someone else.
        current = Mentorship.objects.live().get(mentee=mentorship.mentee)
        assert current.mentor != mentorship.mentor
        assert current.started_at > mentorship.ended_at
    active = Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
    assert 26 <= active.count() <= 32
    assert active.values("mentee").distinct().count() == active.count()  # one each
    unmatched = Membership.objects.with_role(Role.MENTEE).exclude(
        user__mentorships_as_mentee__isnull=False
    )
    assert unmatched.count() >= 3


def test_profiles_are_filled_in_with_mixed_background_visibility() -> None:
    load()
    profile = MentorProfile.objects.get(user__email="priya.raman@northwind.example")
    assert profile.meeting_link == "https://meet.example.com/priya-raman"
    assert {t.name for t in profile.stack.all()} >= {"Python", "Django"}
    assert Technology.objects.get(name="Django").kind == "framework"
    visibilities = set(BackgroundAnswer.objects.values_list("visibility", flat=True))
    assert visibilities == {"program", "private"}


def test_running_twice_changes_no_counts() -> None:
    load()
    first = counts()
    load()
    assert counts() == first


def test_demo_users_can_log_in() -> None:
    load()
    for _role, _name, email in demo.sample_logins():
        user = User.objects.get(email=email)
        assert user.is_active
        assert user.check_password(demo.DEMO_PASSWORD)
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()
    admin = User.objects.get(email="ada.admin@northwind.example")
    assert admin.is_staff and admin.is_superuser


def test_demo_staff_act_through_a_real_admin_role(client) -> None:
    """Being a superuser gives support access, which is logged; the demo's admin
    works through the ADMIN role instead, so using the demo leaves no log."""
    result = demo.load_demo()
    staff = User.objects.filter(Q(is_staff=True) | Q(is_superuser=True))
    assert staff.exists()
    for user in staff:
        assert Membership.objects.filter(
            user=user, program=result.program, role=Role.ADMIN, is_active=True
        ).exists(), user.email
    client.force_login(staff.first())
    for name in ("program_home", "caseload", "concern_list", "program_audit"):
        assert client.get(reverse(name, args=[result.program.slug])).status_code == 200, name
    assert not AccessAuditEntry.objects.exists()


def test_every_printed_login_opens_the_demo_program_without_a_second_factor(client) -> None:
    """The demo asks no second factor (a visitor tries each role in turn); the
    printout says so, and that Django admin still asks for one."""
    from mentora.tests.second_factor import forget_second_factor

    printed = load()
    program = Program.objects.get(slug="northwind")

    assert not program.staff_need_second_factor and not program.mentors_need_second_factor
    assert "asks no second factor" in printed
    for _role, _name, email in demo.sample_logins():
        user = User.objects.get(email=email)
        client.force_login(user)
        forget_second_factor(client, user)  # a password login, no code
        home = client.get(reverse("program_home", args=[program.slug]))
        assert home.status_code == 200, email


def test_the_demo_prints_the_address_its_program_really_has(client, settings):
    printed = load()

    assert f"{settings.SITE_URL}/p/northwind/" in printed
    assert client.get("/p/northwind/").status_code in {200, 302}  # a page, not a 404


def test_a_rerun_keeps_what_staff_changed_in_the_app() -> None:
    from mentora.matching.lifecycle.offboarding import membership_graduate

    load()
    program = Program.objects.get(slug="northwind")
    mentees = Membership.objects.filter(program=program, role=Role.MENTEE).order_by("pk")
    graduate, moved = mentees[0], mentees[1]
    admin = Membership.objects.get(program=program, role=Role.ADMIN).user
    membership_graduate(membership=graduate, by=admin)
    other_manager = (
        Membership.objects.filter(program=program, role=Role.SUCCESS_MANAGER)
        .exclude(user=moved.success_manager)
        .first()
    )
    assert other_manager is not None
    Membership.objects.filter(pk=moved.pk).update(success_manager=other_manager.user)

    load()

    graduate.refresh_from_db()
    moved.refresh_from_db()
    assert (graduate.status, graduate.is_active) == ("graduated", False)
    assert moved.success_manager == other_manager.user


def test_mentees_joined_before_their_first_mentor() -> None:
    load()
    program = Program.objects.get(slug="northwind")
    memberships = Membership.objects.filter(program=program, role=Role.MENTEE)
    first_match = {
        m.mentee_id: m.started_at
        for m in Mentorship.objects.filter(program=program).order_by("-started_at")
    }
    for membership in memberships:
        if membership.user_id in first_match:
            assert membership.joined_at < first_match[membership.user_id]
    # The ones still waiting have waited a few days, not "0 days".
    waiting = memberships.exclude(user_id__in=first_match)
    assert waiting.exists()
    assert len({m.joined_at.date() for m in waiting}) > 1
