"""The caseload over the API: a success manager's own mentees (an admin's: the
program's), most at risk first with their signals, filters as the page's (a bad
one 422), a cursor over pages, and 404 to mentors, mentees and outsiders."""

import pytest

from mentora.insights.queries import CASELOAD_PAGE
from mentora.programs.models import Role
from mentora.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def get(client, program, header, **query):
    return client.get(f"/api/v1/programs/{program.slug}/caseload", query, **header)


@pytest.fixture
def unmatched(program, cohort, success_manager):
    """A mentee of Sam's with no mentor: the no_mentor signal fires."""
    user = f.UserFactory(name="Una Unmatched")
    f.MembershipFactory(
        user=user, program=program, role=Role.MENTEE, cohort=cohort, success_manager=success_manager
    )
    return user


def test_the_success_manager_reads_their_mentees_most_at_risk_first(
    client, program, mentee, unmatched, success_manager, bearer
):
    answer = get(client, program, bearer(success_manager))

    assert answer.status_code == 200, answer.content
    body = answer.json()
    una = body["items"][0]
    assert una["mentee"]["name"] == "Una Unmatched"
    assert "no_mentor" in [s["signal"] for s in una["signals"]]
    assert una["mentors"] == [] and una["success_manager"]["name"] == "Sam Success"
    mia = next(i for i in body["items"] if i["mentee"]["id"] == mentee.pk)
    assert [m["name"] for m in mia["mentors"]] == ["Mo Mentor"]
    assert body["total"] == 2 and body["signal_counts"]["no_mentor"] == 1


def test_another_success_manager_sees_none_of_them_and_an_admin_all(
    client, program, mentee, unmatched, admin_user, bearer
):
    other = f.UserFactory(name="Sid Other")
    f.MembershipFactory(user=other, program=program, role=Role.SUCCESS_MANAGER)

    assert get(client, program, bearer(other)).json()["items"] == []
    assert get(client, program, bearer(admin_user)).json()["total"] == 2


def test_the_signal_filter_and_a_bad_one(
    client, program, mentee, unmatched, success_manager, bearer
):
    header = bearer(success_manager)

    only = get(client, program, header, signal="no_mentor")
    bad = get(client, program, header, signal="grumpy")
    bad_mentor = get(client, program, header, mentor="99999999")

    assert [i["mentee"]["name"] for i in only.json()["items"]] == ["Una Unmatched"]
    assert (bad.status_code, bad.json()["field"]) == (422, "signal")
    assert (bad_mentor.status_code, bad_mentor.json()["field"]) == (422, "mentor")


def test_pages_follow_the_cursor(client, program, cohort, success_manager, bearer):
    for i in range(CASELOAD_PAGE + 2):
        user = f.UserFactory(name=f"Mentee {i:03d}")
        f.MembershipFactory(
            user=user,
            program=program,
            role=Role.MENTEE,
            cohort=cohort,
            success_manager=success_manager,
        )
    header = bearer(success_manager)

    first = get(client, program, header).json()
    second = get(client, program, header, cursor=first["next"]).json()

    assert len(first["items"]) == CASELOAD_PAGE and len(second["items"]) == 2
    assert second["next"] is None
    assert get(client, program, header, cursor="2").status_code == 422


@pytest.mark.parametrize("who", ["mentee", "mentor", "outsider"])
def test_mentors_mentees_and_outsiders_get_404(client, request, program, bearer, who):
    assert get(client, program, bearer(request.getfixturevalue(who))).status_code == 404
