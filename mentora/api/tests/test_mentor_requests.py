"""Mentor requests over the API: a mentee sends one (an Idempotency-Key retry
makes one), the mentor accepts with a weekly time or declines, the mentee
withdraws; each party, the mentee's success manager and an admin read it,
another mentee, another mentor and an outsider get 404; a read token can't
write; bad input is a 422 naming the field and changes nothing; answering
twice is a 409; paging, ?status= and ?updated_since=."""

from datetime import timedelta

import pytest
import time_machine

from mentora.api.models import TokenScope
from mentora.matching.mentor_requests.services import request_create
from mentora.matching.models import MentorRequest, RequestStatus
from mentora.matching.tests.people import MESSAGE, mentor_in
from mentora.programs.models import Mentorship, Role
from mentora.sealed import seal
from mentora.tests import factories as f
from mentora.webhooks.delivery import new_secret
from mentora.webhooks.models import EVENT_NAMES, WebhookDelivery, WebhookEndpoint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def api(slug, rest=""):
    return f"/api/v1/programs/{slug}{rest}"


@pytest.fixture
def seeker(program, success_manager):
    """A mentee with no mentor yet, in Sam's caseload."""
    user = f.UserFactory(email="sid@example.org", name="Sid Seeker", time_zone="Europe/Berlin")
    f.MembershipFactory(
        user=user, program=program, role=Role.MENTEE, success_manager=success_manager
    )
    f.MenteeProfileFactory(user=user)
    return user


@pytest.fixture
def rae(program):
    """A mentor with room and Tuesday evening hours (America/New_York)."""
    return mentor_in(program)


@pytest.fixture
def asked(program, seeker, rae, now):
    return request_create(program=program, mentee=seeker, mentor=rae, message=MESSAGE, now=now)


def ids(client, program, header, query=""):
    answer = client.get(api(program.slug, "/requests" + query), **header)
    assert answer.status_code == 200, answer.content
    return [r["id"] for r in answer.json()["items"]]


def post(client, path, header, body=None, **extra):
    return client.post(path, body or {}, content_type="application/json", **header, **extra)


def a_slot(client, program, asked, rae, bearer):
    answer = client.get(api(program.slug, f"/requests/{asked.pk}/times"), **bearer(rae))
    assert answer.status_code == 200, answer.content
    return answer.json()["times"][0]["slot"]


def test_the_parties_and_the_mentees_staff_read_it_nobody_else(
    client,
    program,
    asked,
    seeker,
    rae,
    mentee,
    mentor,
    success_manager,
    admin_user,
    outsider,
    bearer,
):
    for who in (seeker, rae, success_manager, admin_user):
        assert ids(client, program, bearer(who)) == [asked.pk]
        answer = client.get(api(program.slug, f"/requests/{asked.pk}"), **bearer(who))
        assert answer.status_code == 200, answer.content
        body = answer.json()
        # The message is shown to whoever the request page shows it to.
        assert (body["message"], body["status"]) == (MESSAGE, "open")
        assert (body["mentee"]["name"], body["mentor"]["id"]) == ("Sid Seeker", rae.pk)
    for who in (mentee, mentor):  # another mentee, another mentor of the program
        assert ids(client, program, bearer(who)) == []
        answer = client.get(api(program.slug, f"/requests/{asked.pk}"), **bearer(who))
        assert answer.status_code == 404
    assert client.get(api(program.slug, "/requests"), **bearer(outsider)).status_code == 404
    answer = client.get(api(program.slug, f"/requests/{asked.pk}"), **bearer(outsider))
    assert answer.status_code == 404
    assert client.get(api(program.slug, f"/requests/{asked.pk}")).status_code == 401


def test_a_mentee_sends_a_request_and_a_retry_makes_one(
    client, program, seeker, rae, bearer, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpoint.objects.create(
        program=program,
        url="https://hooks.example.com/in",
        events=sorted(EVENT_NAMES),
        secret_sealed=seal(new_secret()),
    )
    header = bearer(seeker)
    body = {"mentor_id": rae.pk, "message": MESSAGE}
    with django_capture_on_commit_callbacks(execute=True):
        first = post(
            client, api(program.slug, "/requests"), header, body, HTTP_IDEMPOTENCY_KEY="k1"
        )
    again = post(client, api(program.slug, "/requests"), header, body, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201, first.content
    assert first.json() == again.json()
    assert first.json()["status"] == "open"
    assert MentorRequest.objects.filter(mentee=seeker).count() == 1
    assert WebhookDelivery.objects.filter(endpoint=endpoint, event_type="request.created").exists()
    # Without a key a second request to the same mentor is the service's refusal.
    answer = post(client, api(program.slug, "/requests"), header, body)
    assert answer.status_code == 409
    assert answer.json()["code"] == "already_requested"


def test_sending_refused(client, program, seeker, rae, mentee, mentor, outsider, bearer):
    path = api(program.slug, "/requests")
    body = {"mentor_id": rae.pk, "message": MESSAGE}
    answer = post(client, path, bearer(seeker, scope=TokenScope.READ), body)
    assert answer.status_code == 403
    answer = post(client, path, bearer(seeker), {"mentor_id": rae.pk, "message": "Hi"})
    assert (answer.status_code, answer.json()["field"]) == (422, "message")
    answer = post(client, path, bearer(seeker), {"message": MESSAGE})
    assert (answer.status_code, answer.json()["field"]) == (422, "mentor_id")
    # Not a mentor of the program (a mentee, an outsider): as if there were none.
    for not_a_mentor in (mentee, outsider):
        answer = post(client, path, bearer(seeker), {**body, "mentor_id": not_a_mentor.pk})
        assert answer.status_code == 404
    # A mentee who has a mentor; a mentor asking: the service's rules, as the page.
    answer = post(client, path, bearer(mentee), body)
    assert (answer.status_code, answer.json()["code"]) == (409, "has_mentor")
    answer = post(client, path, bearer(mentor), body)
    assert (answer.status_code, answer.json()["code"]) == (409, "not_a_mentee")
    assert post(client, path, bearer(outsider), body).status_code == 404
    program.self_requests_enabled = False
    program.save()
    answer = post(client, path, bearer(seeker), body)
    assert (answer.status_code, answer.json()["code"]) == (409, "self_requests_off")
    assert not MentorRequest.objects.exists()


def test_the_mentor_accepts_with_a_weekly_time_once(
    client, program, asked, seeker, rae, success_manager, bearer
):
    path = api(program.slug, f"/requests/{asked.pk}/accept")
    slot = a_slot(client, program, asked, rae, bearer)
    for who in (seeker, success_manager):  # only the mentor answers, or sees the times
        assert post(client, path, bearer(who), {"slot": slot}).status_code == 404
        times = client.get(api(program.slug, f"/requests/{asked.pk}/times"), **bearer(who))
        assert times.status_code == 404
    assert post(client, path, bearer(rae, scope=TokenScope.READ), {"slot": slot}).status_code == 403
    answer = post(client, path, bearer(rae), {"slot": "9-25:00"})
    assert (answer.status_code, answer.json()["field"]) == (422, "slot")
    answer = post(client, path, bearer(rae), {"slot": slot, "frequency": "daily"})
    assert (answer.status_code, answer.json()["field"]) == (422, "frequency")
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN

    answer = post(client, path, bearer(rae), {"slot": slot, "frequency": "biweekly"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "accepted"
    mentorship = Mentorship.objects.get(pk=body["mentorship_id"])
    assert (mentorship.mentor_id, mentorship.mentee_id) == (rae.pk, seeker.pk)
    assert mentorship.cadence.frequency == "biweekly"

    again = post(client, path, bearer(rae), {"slot": slot})
    assert (again.status_code, again.json()["code"]) == (409, "not_open")
    times = client.get(api(program.slug, f"/requests/{asked.pk}/times"), **bearer(rae))
    assert times.json()["times"] == []


def test_the_mentor_declines_with_a_reason(client, program, asked, seeker, rae, bearer):
    path = api(program.slug, f"/requests/{asked.pk}/decline")
    assert post(client, path, bearer(seeker), {"reason": "schedule"}).status_code == 404
    answer = post(client, path, bearer(rae), {"reason": "bored"})
    assert (answer.status_code, answer.json()["field"]) == (422, "reason")
    answer = post(client, path, bearer(rae), {"reason": "schedule", "note": "x" * 501})
    assert (answer.status_code, answer.json()["field"]) == (422, "note")
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN
    answer = post(client, path, bearer(rae), {"reason": "schedule", "note": "Try Ray."})
    assert answer.status_code == 200, answer.content
    assert (answer.json()["status"], answer.json()["decline_reason"]) == ("declined", "schedule")
    mine = client.get(api(program.slug, f"/requests/{asked.pk}"), **bearer(seeker)).json()
    assert mine["decline_note"] == "Try Ray."
    again = post(client, path, bearer(rae), {"reason": "schedule"})
    assert (again.status_code, again.json()["code"]) == (409, "not_open")


def test_the_mentee_withdraws(client, program, asked, seeker, rae, bearer):
    path = api(program.slug, f"/requests/{asked.pk}/withdraw")
    assert post(client, path, bearer(rae)).status_code == 404
    assert post(client, path, bearer(seeker, scope=TokenScope.READ)).status_code == 403
    answer = post(client, path, bearer(seeker))
    assert answer.status_code == 200, answer.content
    assert (answer.json()["status"], answer.json()["withdraw_reason"]) == ("withdrawn", "by_mentee")
    again = post(client, path, bearer(seeker))
    assert (again.status_code, again.json()["code"]) == (409, "not_open")


def test_paging_status_and_updated_since(client, program, asked, seeker, rae, bearer, now):
    ray = mentor_in(program, "Ray Mentor")
    later = request_create(
        program=program, mentee=seeker, mentor=ray, message=MESSAGE, now=now + timedelta(minutes=1)
    )
    header = bearer(seeker)
    first = client.get(api(program.slug, "/requests?limit=1"), **header).json()
    second = client.get(api(program.slug, f"/requests?limit=1&cursor={first['next']}"), **header)
    assert [r["id"] for r in first["items"] + second.json()["items"]] == [asked.pk, later.pk]
    assert second.json()["next"] is None
    synced = now + timedelta(minutes=5)
    with time_machine.travel(synced + timedelta(minutes=1), tick=False):
        answer = post(client, api(program.slug, f"/requests/{later.pk}/withdraw"), header)
        assert answer.status_code == 200
    since = synced.isoformat().replace("+00:00", "Z")
    assert ids(client, program, header, f"?updated_since={since}") == [later.pk]
    assert ids(client, program, header, "?status=withdrawn") == [later.pk]
    assert ids(client, program, header, "?status=open") == [asked.pk]
    # Past its expiry an open request reads as expired, as on the page.
    with time_machine.travel(now + timedelta(days=program.request_expiry_days, hours=1)):
        assert ids(client, program, header, "?status=expired") == [asked.pk]
        assert ids(client, program, header, "?status=open") == []
        body = client.get(api(program.slug, f"/requests/{asked.pk}"), **header).json()
        assert body["status"] == "expired"


@pytest.mark.parametrize(
    "query", ["?status=nope", "?updated_since=soon", "?cursor=junk", "?limit=0", "?limit=x"]
)
def test_junk_filters_are_422(client, program, seeker, bearer, query):
    answer = client.get(api(program.slug, "/requests" + query), **bearer(seeker))
    assert answer.status_code == 422, answer.content
    assert set(answer.json()) >= {"code", "message", "field"}
