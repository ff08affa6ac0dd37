"""An admin's "Needs you now": pending invitations (#12), waiting and expired."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentora.programs.models import MembershipStatus, Role
from mentora.programs.needs import needs_you_now_for_admin
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _invited(program, sent_days_ago, role=Role.MENTEE, user=None, **membership):
    user = user or f.UserFactory(activated_at=None)
    f.MembershipFactory(
        user=user,
        program=program,
        role=role,
        invitation_sent_at=NOW - timedelta(days=sent_days_ago),
        **membership,
    )
    return user


def _titles(needs):
    return [n.title for n in needs]


def test_waiting_and_expired_invitations_are_counted_apart(settings, program, admin_user):
    settings.PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600
    _invited(program, sent_days_ago=1)
    _invited(program, sent_days_ago=6)
    _invited(program, sent_days_ago=8)

    needs = needs_you_now_for_admin(admin_user, program, NOW)

    assert _titles(needs) == [
        "1 invitation has expired: send it again",
        "2 invitations not accepted yet",
    ]
    assert needs[0].late is True
    assert needs[1].late is False
    people = reverse("program_people", args=[program.slug]) + "?status=invited"
    assert [n.url for n in needs] == [people, people]


def test_the_latest_invitation_of_a_person_counts_once(settings, program, admin_user):
    """Invited as a mentor long ago and as a success manager yesterday: one
    person, waiting (not expired)."""
    settings.PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600
    person = _invited(program, sent_days_ago=30, role=Role.MENTOR)
    _invited(program, sent_days_ago=1, role=Role.SUCCESS_MANAGER, user=person)

    assert _titles(needs_you_now_for_admin(admin_user, program, NOW)) == [
        "1 invitation not accepted yet"
    ]


def test_not_listed_activated_not_sent_left_deactivated_or_elsewhere(program, admin_user, outsider):
    accepted = f.UserFactory()  # factories' users are activated
    f.MembershipFactory(user=accepted, program=program, role=Role.MENTEE, invitation_sent_at=NOW)
    f.MembershipFactory(user=f.UserFactory(activated_at=None), program=program, role=Role.MENTOR)
    _invited(
        program,
        sent_days_ago=1,
        status=MembershipStatus.LEFT,
        is_active=False,
        ended_at=NOW - timedelta(hours=1),
    )
    _invited(program, sent_days_ago=1, user=f.UserFactory(activated_at=None, is_active=False))
    _invited(outsider.memberships.get().program, sent_days_ago=1)

    assert needs_you_now_for_admin(admin_user, program, NOW) == []


def test_one_query_however_many_are_invited(program, admin_user):
    counts = []
    for days in ((1,), (3, 9, 20)):
        for d in days:
            _invited(program, sent_days_ago=d)
        with CaptureQueriesContext(connection) as queries:
            needs_you_now_for_admin(admin_user, program, NOW)
        counts.append(len(queries.captured_queries))

    assert counts == [1, 1]


def test_the_admin_home_shows_it_and_the_link_lists_the_invited(
    client, settings, program, admin_user
):
    settings.PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600
    ivy = _invited(
        program, sent_days_ago=10, user=f.UserFactory(name="Ivy Invited", activated_at=None)
    )
    client.force_login(admin_user)

    home = client.get(reverse("program_home", args=[program.slug])).text

    assert "1 invitation has expired: send it again" in home
    people = client.get(reverse("program_people", args=[program.slug]), {"status": "invited"})
    assert people.status_code == 200
    assert ivy.name in people.text
