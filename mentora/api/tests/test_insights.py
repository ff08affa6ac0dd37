"""The insights figures over the API: the page's numbers for an admin (the program)
and a success manager (their caseload), 404 to mentors, mentees and outsiders,
and a bad period a 422 naming the field."""

from datetime import timedelta

import pytest

from mentora.programs.models import Role
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def get(client, program, header, **query):
    return client.get(f"/api/v1/programs/{program.slug}/insights", query, **header)


@pytest.fixture
def held_last_week(mentorship, now):
    return f.SessionFactory(
        mentorship=mentorship, starts_at=now - timedelta(days=7), status=SessionStatus.HELD
    )


def test_an_admin_reads_the_programs_weeks_and_total(
    client, program, held_last_week, admin_user, bearer
):
    answer = get(client, program, bearer(admin_user))

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["whole_program"] is True and body["time_zone"] == program.time_zone
    assert len(body["weeks"]) == 12
    assert body["total"]["week_starting"] is None
    assert body["total"]["numbers"]["held"] == 1
    assert sum(w["numbers"]["held"] for w in body["weeks"]) == 1


def test_a_success_manager_reads_only_their_caseload(
    client, program, cohort, held_last_week, mentor, bearer, now
):
    other_manager = f.UserFactory(name="Sid Other")
    f.MembershipFactory(user=other_manager, program=program, role=Role.SUCCESS_MANAGER)

    answer = get(client, program, bearer(other_manager))

    assert answer.json()["whole_program"] is False
    assert answer.json()["total"]["numbers"]["held"] == 0


def test_a_chosen_period_and_a_bad_one(client, program, held_last_week, admin_user, bearer):
    header = bearer(admin_user)

    two = get(client, program, header, start="2026-12-21", end="2027-01-03")
    backwards = get(client, program, header, start="2027-01-03", end="2026-12-01")
    junk = get(client, program, header, start="soon", end="2027-01-03")

    assert [w["week_starting"] for w in two.json()["weeks"]] == ["2026-12-21", "2026-12-28"]
    assert two.json()["total"]["numbers"]["held"] == 1
    assert backwards.status_code == 422
    assert (junk.status_code, junk.json()["field"]) == (422, "start")


@pytest.mark.parametrize("who", ["mentee", "mentor", "outsider"])
def test_mentors_mentees_and_outsiders_get_404(client, request, program, bearer, who):
    assert get(client, program, bearer(request.getfixturevalue(who))).status_code == 404
