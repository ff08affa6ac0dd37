"""Concerns over the API: a party of a mentorship raises one (an Idempotency-Key
retry makes one), the mentee's staff resolve it; it is read by whoever raised
it, the mentee's success manager and an admin, never by the other party,
another mentee or an outsider (404); a read token can't write; bad input is a
422 naming the field and changes nothing; resolving twice is a 409; paging,
?status= and ?updated_since=."""

from datetime import timedelta

import pytest
import time_machine

from mentora.api.models import TokenScope
from mentora.matching.health.services import concern_raise
from mentora.matching.models import Concern, ConcernStatus
from mentora.programs.models import EndReason, Mentorship, MentorshipStatus
from mentora.sealed import seal
from mentora.webhooks.delivery import new_secret
from mentora.webhooks.models import EVENT_NAMES, WebhookDelivery, WebhookEndpoint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
DETAILS = "PRIVATE: we keep missing each other and I feel stuck."


def api(slug, rest=""):
    return f"/api/v1/programs/{slug}{rest}"


def post(client, path, header, body=None, **extra):
    return client.post(path, body or {}, content_type="application/json", **header, **extra)


def ids(client, program, header, query=""):
    answer = client.get(api(program.slug, "/concerns" + query), **header)
    assert answer.status_code == 200, answer.content
    return [c["id"] for c in answer.json()["items"]]


@pytest.fixture
def endpoint(program):
    return WebhookEndpoint.objects.create(
        program=program,
        url="https://hooks.example.com/in",
        events=sorted(EVENT_NAMES),
        secret_sealed=seal(new_secret()),
    )


@pytest.fixture
def raised(mentorship, mentee):
    return concern_raise(mentorship=mentorship, by=mentee, reason="schedule", details=DETAILS)


def test_a_party_raises_one_and_a_retry_makes_one(
    client, program, mentorship, mentee, bearer, endpoint, django_capture_on_commit_callbacks
):
    body = {"mentorship_id": mentorship.pk, "reason": "schedule", "details": DETAILS}
    path = api(program.slug, "/concerns")
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, path, bearer(mentee), body, HTTP_IDEMPOTENCY_KEY="c1")
    again = post(client, path, bearer(mentee), body, HTTP_IDEMPOTENCY_KEY="c1")
    assert first.status_code == again.status_code == 201, first.content
    assert first.json() == again.json()
    assert (first.json()["status"], first.json()["details"]) == ("open", DETAILS)
    assert first.json()["raised_by"]["id"] == mentee.pk
    assert Concern.objects.count() == 1
    assert WebhookDelivery.objects.filter(endpoint=endpoint, event_type="concern.raised").exists()
    # A second open one by the same person: the service's refusal.
    answer = post(client, path, bearer(mentee), body)
    assert (answer.status_code, answer.json()["code"]) == (409, "already_open")


def test_raising_refused(
    client, program, mentorship, mentee, other_mentee, success_manager, outsider, bearer, now
):
    path = api(program.slug, "/concerns")
    body = {"mentorship_id": mentorship.pk, "reason": "schedule"}
    assert post(client, path, bearer(mentee, scope=TokenScope.READ), body).status_code == 403
    answer = post(client, path, bearer(mentee), {**body, "reason": "nope"})
    assert (answer.status_code, answer.json()["field"]) == (422, "reason")
    answer = post(client, path, bearer(mentee), {**body, "details": "x" * 2001})
    assert (answer.status_code, answer.json()["field"]) == (422, "details")
    answer = post(client, path, bearer(mentee), {**body, "reason": "other"})
    assert (answer.status_code, answer.json()["field"]) == (422, "details")
    answer = post(client, path, bearer(mentee), {"reason": "schedule"})
    assert (answer.status_code, answer.json()["field"]) == (422, "mentorship_id")
    # Not a party (another mentee, the mentee's own success manager, an outsider): 404.
    for who in (other_mentee, success_manager, outsider):
        assert post(client, path, bearer(who), body).status_code == 404
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=MentorshipStatus.ENDED, ended_at=now, end_reason=EndReason.COMPLETED
    )
    answer = post(client, path, bearer(mentee), body)
    assert (answer.status_code, answer.json()["code"]) == (409, "ended")
    assert not Concern.objects.exists()


def test_read_by_its_author_and_the_mentees_staff_never_the_other_party(
    client,
    program,
    raised,
    mentee,
    mentor,
    other_mentee,
    success_manager,
    admin_user,
    outsider,
    bearer,
):
    for who in (mentee, success_manager, admin_user):
        assert ids(client, program, bearer(who)) == [raised.pk]
        answer = client.get(api(program.slug, f"/concerns/{raised.pk}"), **bearer(who))
        assert answer.status_code == 200, answer.content
        assert answer.json()["details"] == DETAILS
    for who in (mentor, other_mentee):
        assert ids(client, program, bearer(who)) == []
        answer = client.get(api(program.slug, f"/concerns/{raised.pk}"), **bearer(who))
        assert answer.status_code == 404
    assert client.get(api(program.slug, "/concerns"), **bearer(outsider)).status_code == 404
    answer = client.get(api(program.slug, f"/concerns/{raised.pk}"), **bearer(outsider))
    assert answer.status_code == 404


def test_the_mentees_staff_resolve_it_once(
    client,
    program,
    raised,
    mentorship,
    mentee,
    mentor,
    success_manager,
    bearer,
    endpoint,
    django_capture_on_commit_callbacks,
):
    path = api(program.slug, f"/concerns/{raised.pk}/resolve")
    body = {"outcome": "keep_going", "note": "We agreed on Tuesdays."}
    for who in (mentee, mentor):  # its author reads it, but only staff resolve
        assert post(client, path, bearer(who), body).status_code == 404
    header = bearer(success_manager)
    assert (
        post(client, path, bearer(success_manager, scope=TokenScope.READ), body).status_code == 403
    )
    answer = post(client, path, header, {"outcome": "rematched", "note": "x"})
    assert (answer.status_code, answer.json()["field"]) == (422, "outcome")
    answer = post(client, path, header, {"outcome": "keep_going"})
    assert (answer.status_code, answer.json()["field"]) == (422, "note")
    raised.refresh_from_db()
    assert raised.status == ConcernStatus.OPEN

    with django_capture_on_commit_callbacks(execute=True):
        answer = post(client, path, header, body)
    assert answer.status_code == 200, answer.content
    got = answer.json()
    assert (got["status"], got["outcome"], got["resolved_by"]["id"]) == (
        "resolved",
        "keep_going",
        success_manager.pk,
    )
    assert WebhookDelivery.objects.filter(endpoint=endpoint, event_type="concern.resolved").exists()
    again = post(client, path, header, body)
    assert (again.status_code, again.json()["code"]) == (409, "already_resolved")
    # Its author reads the outcome, as on the concern page.
    mine = client.get(api(program.slug, f"/concerns/{raised.pk}"), **bearer(mentee)).json()
    assert mine["resolution_note"] == "We agreed on Tuesdays."


def test_pause_pauses_the_mentorship(client, program, raised, mentorship, admin_user, bearer):
    path = api(program.slug, f"/concerns/{raised.pk}/resolve")
    answer = post(client, path, bearer(admin_user), {"outcome": "paused"})
    assert answer.status_code == 200, answer.content
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.PAUSED


def test_paging_status_and_updated_since(
    client, program, raised, mentorship, mentor, success_manager, bearer, now
):
    with time_machine.travel(now + timedelta(minutes=1), tick=False):
        later = concern_raise(mentorship=mentorship, by=mentor, reason="communication")
    header = bearer(success_manager)
    first = client.get(api(program.slug, "/concerns?limit=1"), **header).json()
    second = client.get(api(program.slug, f"/concerns?limit=1&cursor={first['next']}"), **header)
    assert [c["id"] for c in first["items"] + second.json()["items"]] == [raised.pk, later.pk]
    assert second.json()["next"] is None
    synced = now + timedelta(minutes=5)
    with time_machine.travel(synced + timedelta(minutes=1), tick=False):
        body = {"outcome": "keep_going", "note": "Talked it through."}
        answer = post(client, api(program.slug, f"/concerns/{later.pk}/resolve"), header, body)
        assert answer.status_code == 200
    since = synced.isoformat().replace("+00:00", "Z")
    assert ids(client, program, header, f"?updated_since={since}") == [later.pk]
    assert ids(client, program, header, "?status=resolved") == [later.pk]
    assert ids(client, program, header, "?status=open") == [raised.pk]
    # The mentor raised the later one: they read theirs only, not the mentee's.
    assert ids(client, program, bearer(mentor)) == [later.pk]


@pytest.mark.parametrize(
    "query", ["?status=nope", "?updated_since=soon", "?cursor=junk", "?limit=0", "?limit=x"]
)
def test_junk_filters_are_422(client, program, mentee, bearer, query):
    answer = client.get(api(program.slug, "/concerns" + query), **bearer(mentee))
    assert answer.status_code == 422, answer.content
    assert set(answer.json()) >= {"code", "message", "field"}
