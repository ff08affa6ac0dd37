"""Django admin can't bypass off-boarding: status fields are read-only (a posted
change form changes nothing), memberships and mentorships can't be added or
deleted by hand, and its actions call the services (sessions cancelled)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.accounts.models import User
from mentora.programs.models import (
    EndReason,
    Membership,
    MembershipStatus,
    MentorshipStatus,
    Role,
)
from mentora.scheduling.models import CancelReason, SessionStatus
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return f.UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


@pytest.fixture
def future(mentorship):
    return f.SessionFactory(mentorship=mentorship, starts_at=timezone.now() + timedelta(days=3))


def mentee_membership(mentee, program) -> Membership:
    return Membership.objects.get(user=mentee, program=program, role=Role.MENTEE)


def test_posting_the_membership_form_changes_no_status_role_or_person(
    admin_client, program, mentee, outsider, cohort
):
    membership = mentee_membership(mentee, program)
    url = reverse("admin:programs_membership_change", args=[membership.pk])
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(
        url,
        {
            "user": outsider.pk,
            "program": f.ProgramFactory().pk,
            "role": Role.ADMIN,
            "status": MembershipStatus.GRADUATED,
            "is_active": "",
            "ended_at_0": "2027-01-01",
            "ended_at_1": "10:00",
            "cohort": cohort.pk,
            "success_manager": "",
        },
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.user_id, membership.program_id, membership.role) == (
        mentee.pk,
        program.pk,
        Role.MENTEE,
    )
    assert (membership.status, membership.is_active, membership.ended_at) == (
        MembershipStatus.ACTIVE,
        True,
        None,
    )
    assert membership.success_manager is None  # what stays editable here did change


def test_posting_the_mentorship_form_changes_nothing(admin_client, mentorship, future):
    url = reverse("admin:programs_mentorship_change", args=[mentorship.pk])
    assert admin_client.get(url).status_code == 200

    admin_client.post(
        url,
        {
            "status": MentorshipStatus.ENDED,
            "end_reason": EndReason.OTHER,
            "ended_at_0": "2027-01-01",
            "ended_at_1": "10:00",
            "mentor_closing_reflection": "typed by staff",
        },
    )

    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.end_reason, mentorship.mentor_closing_reflection) == (
        MentorshipStatus.ACTIVE,
        "",
        "",
    )
    future.refresh_from_db()
    assert future.status == SessionStatus.SCHEDULED


def test_posting_the_user_form_cannot_deactivate(admin_client, mentee):
    url = reverse("admin:accounts_user_change", args=[mentee.pk])
    page = admin_client.get(url)
    assert page.status_code == 200

    admin_client.post(
        url,
        {
            "email": mentee.email,
            "name": "Renamed",
            "time_zone": mentee.time_zone,
            "preferred_language": mentee.preferred_language,
            "is_active": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00",
        },
    )

    mentee.refresh_from_db()
    assert mentee.name == "Renamed"  # the form was saved...
    assert mentee.is_active  # ...without touching is_active


@pytest.mark.parametrize("model", ["programs_membership", "programs_mentorship"])
def test_no_adding_or_deleting_memberships_and_mentorships(admin_client, mentorship, model):
    obj = Membership.objects.first() if model == "programs_membership" else mentorship
    assert admin_client.get(reverse(f"admin:{model}_add")).status_code == 403
    assert (
        admin_client.post(
            reverse(f"admin:{model}_delete", args=[obj.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_a_person_in_a_program_cannot_be_deleted(admin_client, mentee):
    response = admin_client.post(
        reverse("admin:accounts_user_delete", args=[mentee.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert User.objects.filter(pk=mentee.pk).exists()


def test_the_graduate_action_goes_through_the_service(
    admin_client, program, mentee, mentorship, future
):
    membership = mentee_membership(mentee, program)

    response = admin_client.post(
        reverse("admin:programs_membership_changelist"),
        {"action": "graduate", "_selected_action": [membership.pk]},
        follow=True,
    )

    assert "1 person graduated." in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.GRADUATED
    future.refresh_from_db()
    assert (future.status, future.cancel_reason) == (
        SessionStatus.CANCELLED,
        CancelReason.MENTORSHIP_ENDED,
    )


def test_an_action_reports_each_refusal_and_does_the_rest(
    admin_client, program, mentee, other_mentee, mentor
):
    first = mentee_membership(mentee, program)
    admin_client.post(
        reverse("admin:programs_membership_changelist"),
        {"action": "graduate", "_selected_action": [first.pk]},
    )
    second = mentee_membership(other_mentee, program)
    mentor_membership = Membership.objects.get(user=mentor, program=program, role=Role.MENTOR)

    response = admin_client.post(
        reverse("admin:programs_membership_changelist"),
        {"action": "graduate", "_selected_action": [first.pk, second.pk, mentor_membership.pk]},
        follow=True,
    )

    text = response.content.decode()
    assert "already graduated" in text
    assert "Only a mentee can graduate." in text
    assert "1 person graduated." in text
    second.refresh_from_db()
    assert second.status == MembershipStatus.GRADUATED


def test_the_mark_as_left_action(admin_client, program, mentor, mentorship, future):
    membership = Membership.objects.get(user=mentor, program=program, role=Role.MENTOR)

    admin_client.post(
        reverse("admin:programs_membership_changelist"),
        {"action": "mark_as_left", "_selected_action": [membership.pk]},
    )

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LEFT
    mentorship.refresh_from_db()
    assert mentorship.end_reason == EndReason.MENTOR_UNAVAILABLE
    future.refresh_from_db()
    assert future.status == SessionStatus.CANCELLED


def test_the_complete_action(admin_client, mentorship, future):
    admin_client.post(
        reverse("admin:programs_mentorship_changelist"),
        {"action": "complete", "_selected_action": [mentorship.pk]},
    )

    mentorship.refresh_from_db()
    assert mentorship.end_reason == EndReason.COMPLETED
    future.refresh_from_db()
    assert future.status == SessionStatus.CANCELLED


def test_the_deactivate_action(admin_client, program, mentee, future):
    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [mentee.pk]},
    )

    mentee.refresh_from_db()
    assert not mentee.is_active
    assert mentee_membership(mentee, program).status == MembershipStatus.LEFT
    future.refresh_from_db()
    assert future.status == SessionStatus.CANCELLED


def test_a_staff_user_who_is_no_program_admin_cannot_deactivate(client, program, mentee):
    from django.contrib.auth.models import Permission

    staff = f.UserFactory(is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="change_user"), Permission.objects.get(codename="view_user")
    )
    client.force_login(staff)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [mentee.pk]},
        follow=True,
    )

    assert "only a site administrator" in response.content.decode()
    mentee.refresh_from_db()
    assert mentee.is_active
