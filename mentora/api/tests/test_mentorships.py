"""Mentorships over the API: each party reads their own, a success manager
their caseload's, an admin the program's; another mentee of the same program
and an outsider get 404; paging, ?status= and ?updated_since= for syncing."""

from datetime import timedelta

import pytest
import time_machine

from mentora.matching.lifecycle.services import mentorship_pause
from mentora.programs.models import Role
from mentora.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def api(slug, rest=""):
    return f"/api/v1/programs/{slug}{rest}"


@pytest.fixture
def other_pair(program, mentor):
    """Another mentee of the program, with no success manager, mentored by `mentor`."""
    other = f.UserFactory(email="oli@example.org", name="Oli Other")
    f.MembershipFactory(user=other, program=program, role=Role.MENTEE)
    return f.MentorshipFactory(program=program, mentor=mentor, mentee=other)


def ids(client, program, header, query=""):
    answer = client.get(api(program.slug, "/mentorships" + query), **header)
    assert answer.status_code == 200, answer.content
    return [m["id"] for m in answer.json()["items"]]


def test_each_role_lists_the_mentorships_it_may_read(
    client, program, mentorship, other_pair, mentee, mentor, success_manager, admin_user, bearer
):
    assert ids(client, program, bearer(mentee)) == [mentorship.pk]
    assert ids(client, program, bearer(mentor)) == [mentorship.pk, other_pair.pk]
    # Sam manages Mia only; Oli has no success manager.
    assert ids(client, program, bearer(success_manager)) == [mentorship.pk]
    assert ids(client, program, bearer(admin_user)) == [mentorship.pk, other_pair.pk]
    body = client.get(api(program.slug, f"/mentorships/{mentorship.pk}"), **bearer(mentee)).json()
    assert (body["mentor"]["name"], body["mentee"]["time_zone"]) == (
        "Mo Mentor",
        mentee.time_zone,
    )
    assert "end_note" not in body


def test_someone_not_in_the_mentorship_gets_404(
    client, program, mentorship, other_pair, mentee, success_manager, outsider, bearer
):
    for who, pk in ((mentee, other_pair.pk), (success_manager, other_pair.pk)):
        answer = client.get(api(program.slug, f"/mentorships/{pk}"), **bearer(who))
        assert answer.status_code == 404
    assert client.get(api(program.slug, "/mentorships"), **bearer(outsider)).status_code == 404
    answer = client.get(api(program.slug, f"/mentorships/{mentorship.pk}"), **bearer(outsider))
    assert answer.status_code == 404
    # Without a token or a session: 401, whatever the id.
    assert client.get(api(program.slug, f"/mentorships/{mentorship.pk}")).status_code == 401


def test_paging_status_and_updated_since(
    client, program, mentorship, other_pair, mentor, bearer, now
):
    header = bearer(mentor)
    first = client.get(api(program.slug, "/mentorships?limit=1"), **header).json()
    second = client.get(
        api(program.slug, f"/mentorships?limit=1&cursor={first['next']}"), **header
    ).json()
    assert [m["id"] for m in first["items"] + second["items"]] == [
        mentorship.pk,
        other_pair.pk,
    ]
    assert second["next"] is None
    synced = now + timedelta(minutes=5)
    with time_machine.travel(synced + timedelta(minutes=1), tick=False):
        mentorship_pause(mentorship=other_pair)
    since = synced.isoformat().replace("+00:00", "Z")
    assert ids(client, program, header, f"?updated_since={since}") == [other_pair.pk]
    assert ids(client, program, header, "?status=paused") == [other_pair.pk]


@pytest.mark.parametrize(
    "query", ["?status=nope", "?updated_since=soon", "?cursor=junk", "?limit=0", "?limit=x"]
)
def test_junk_filters_are_422(client, program, mentor, bearer, query):
    answer = client.get(api(program.slug, "/mentorships" + query), **bearer(mentor))
    assert answer.status_code == 422, answer.content
    assert set(answer.json()) >= {"code", "message", "field"}
