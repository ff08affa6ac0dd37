"""The events the services announce beyond scheduling's and matching's first
ones: person.invited and person.joined (programs), reflection.submitted and
feedback.submitted (mentoring), request.expired (matching). Each is done
through its service, and the one delivery recorded for a subscribed endpoint
carries ids, codes and times, never an email address or the words written."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from standardwebhooks import Webhook

from mentora.applications import hooks as applications_hooks
from mentora.applications import services as application_services
from mentora.applications.tests.factories import ApplicationFactory, RoundFactory
from mentora.hooks import Hook
from mentora.matching import hooks as matching_hooks
from mentora.matching.mentor_requests.services import request_create, requests_expire
from mentora.matching.tests.people import MESSAGE, mentee_in, mentor_in
from mentora.mentoring import hooks as mentoring_hooks
from mentora.mentoring.workspace import services as workspace_services
from mentora.programs import hooks as programs_hooks
from mentora.programs import services as program_services
from mentora.programs.csv_import import parse_people_csv
from mentora.programs.models import Role
from mentora.scheduling import hooks as scheduling_hooks
from mentora.sealed import seal
from mentora.tests import factories as f
from mentora.tests.clock import NOW
from mentora.webhooks import events
from mentora.webhooks.delivery import attempt, new_secret
from mentora.webhooks.models import EVENT_NAMES, WebhookDelivery, WebhookEndpoint

PERSON_KEYS = {"program", "id", "name", "roles"}
INVITED_KEYS = PERSON_KEYS | {"invited_at", "invited_by_id", "resent"}
JOINED_KEYS = PERSON_KEYS | {"joined_at"}
REFLECTION_KEYS = {
    "program",
    "id",
    "session_id",
    "mentorship_id",
    "author_id",
    "author_role",
    "goal_met",
    "still_makes_sense",
    "created_at",
}
FEEDBACK_KEYS = {
    "program",
    "id",
    "session_id",
    "mentorship_id",
    "mentor_id",
    "mentee_id",
    "rating",
    "visibility",
    "created_at",
}
REQUEST_KEYS = {
    "program",
    "id",
    "mentor_id",
    "mentee_id",
    "status",
    "created_at",
    "decided_at",
    "mentorship_id",
}
# Free text written by the people, which no payload may carry.
PRIVATE = "PRIVATE-words-nobody-else-reads"


def _subscribe(program, url="https://hooks.example.com/in", secret=None):
    """An endpoint of the program that wants every event."""
    return WebhookEndpoint.objects.create(
        program=program,
        url=url,
        events=sorted(EVENT_NAMES),
        secret_sealed=seal(secret or new_secret()),
    )


def _data(endpoint, event_type):
    """The data of the one delivery of `event_type` (exactly one is recorded)."""
    (row,) = WebhookDelivery.objects.filter(endpoint=endpoint, event_type=event_type)
    assert row.payload["type"] == event_type
    return row.payload["data"]


def _no_private_text(endpoint, *also):
    body = json.dumps([row.payload for row in WebhookDelivery.objects.filter(endpoint=endpoint)])
    for text in (PRIVATE, "@example.org", *also):
        assert text not in body


# --- wiring ---------------------------------------------------------------------


def test_every_listener_is_connected_to_a_hook_of_its_name():
    connected = set()
    apps = (scheduling_hooks, matching_hooks, mentoring_hooks, programs_hooks, applications_hooks)
    for hooks in apps:
        for name, hook in vars(hooks).items():
            if isinstance(hook, Hook) and getattr(events, name, None) in hook._listeners:
                connected.add(name)
    assert connected == events.LISTENERS


def test_the_settings_page_offers_the_new_events(client, program, admin_user):
    client.force_login(admin_user)

    body = client.get(reverse("webhook_settings", kwargs={"slug": program.slug})).content.decode()

    for name in (
        "person.invited",
        "person.joined",
        "reflection.submitted",
        "feedback.submitted",
        "request.expired",
    ):
        assert f'value="{name}"' in body


# --- person.invited and person.joined ----------------------------------------------


def test_inviting_a_new_person_sends_person_invited(
    program, cohort, admin_user, django_capture_on_commit_callbacks
):
    endpoint = _subscribe(program)

    with django_capture_on_commit_callbacks(execute=True):
        person = program_services.person_invite(
            program=program,
            email="nia@example.org",
            name="Nia New",
            role=Role.MENTEE,
            cohort=cohort,
            invited_by=admin_user,
        )

    data = _data(endpoint, "person.invited")
    assert set(data) == INVITED_KEYS
    assert (data["id"], data["name"], data["roles"]) == (person.pk, "Nia New", ["mentee"])
    assert (data["invited_by_id"], data["resent"]) == (admin_user.pk, False)
    assert data["invited_at"].endswith("Z")
    assert not WebhookDelivery.objects.filter(event_type="person.joined").exists()
    _no_private_text(endpoint)


def test_resending_an_invitation_sends_person_invited_again_marked_resent(
    program, admin_user, django_capture_on_commit_callbacks
):
    endpoint = _subscribe(program)
    person = program_services.person_invite(
        program=program,
        email="nia@example.org",
        name="Nia",
        role=Role.MENTOR,
        invited_by=admin_user,
    )

    with django_capture_on_commit_callbacks(execute=True):
        program_services.invitations_resend(program=program, users=[person], by=admin_user)

    data = _data(endpoint, "person.invited")
    assert (data["id"], data["roles"], data["resent"]) == (person.pk, ["mentor"], True)


def test_accepting_the_invitation_sends_person_joined_once(
    program, admin_user, django_capture_on_commit_callbacks
):
    endpoint = _subscribe(program)
    person = program_services.person_invite(
        program=program,
        email="nia@example.org",
        name="Nia",
        role=Role.MENTEE,
        invited_by=admin_user,
    )

    with django_capture_on_commit_callbacks(execute=True):
        program_services.invitation_accept(user=person, password=PRIVATE)
        program_services.invitation_accept(user=person, password=PRIVATE + "-again")

    data = _data(endpoint, "person.joined")
    assert set(data) == JOINED_KEYS
    assert (data["id"], data["name"], data["roles"]) == (person.pk, "Nia", ["mentee"])
    assert data["joined_at"].endswith("Z")
    _no_private_text(endpoint)


def test_adding_someone_whose_account_is_in_use_sends_person_joined_not_invited(
    program, admin_user, django_capture_on_commit_callbacks
):
    endpoint = _subscribe(program)
    person = f.UserFactory(email="kim@example.org", name="Kim Known")

    with django_capture_on_commit_callbacks(execute=True):
        program_services.person_invite(
            program=program,
            email="kim@example.org",
            name="Kim",
            role=Role.MENTOR,
            invited_by=admin_user,
        )

    data = _data(endpoint, "person.joined")
    assert (data["id"], data["name"], data["roles"]) == (person.pk, "Kim Known", ["mentor"])
    assert not WebhookDelivery.objects.filter(event_type="person.invited").exists()


def test_an_import_sends_one_person_invited_per_person(
    program, admin_user, django_capture_on_commit_callbacks
):
    endpoint = _subscribe(program)
    rows = parse_people_csv(
        b"email,name,role,program,cohort,time_zone\n"
        b"two@example.org,Two Roles,mentee; mentor,bootcamp,,\n"
        b"one@example.org,One Role,mentor,bootcamp,,\n"
    ).rows

    with django_capture_on_commit_callbacks(execute=True):
        program_services.people_import(rows=rows, invited_by=admin_user)

    invited = WebhookDelivery.objects.filter(endpoint=endpoint, event_type="person.invited")
    assert sorted((d.payload["data"]["name"], d.payload["data"]["roles"]) for d in invited) == [
        ("One Role", ["mentor"]),
        ("Two Roles", ["mentee", "mentor"]),
    ]
    _no_private_text(endpoint)


def test_an_import_holding_invitations_back_announces_nobody_invited(
    program, django_capture_on_commit_callbacks
):
    endpoint = _subscribe(program)
    rows = parse_people_csv(
        b"email,name,role,program,cohort,time_zone\nnew@example.org,New,mentee,bootcamp,,\n"
    ).rows

    with django_capture_on_commit_callbacks(execute=True):
        program_services.people_import(rows=rows, send_invitations=False)

    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


# --- reflection.submitted and feedback.submitted -----------------------------------


@pytest.fixture
def ended_session(mentorship, frozen_clock):
    """Ended 15 minutes ago: reflections and feedback are open."""
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(hours=1))


def _reflect(session, by, **answers):
    values = {
        "goal_met": "partly",
        "why_not": PRIVATE,
        "plan_now": PRIVATE,
        "still_makes_sense": "unsure",
        "topics_covered": "",
    }
    return workspace_services.reflection_submit(
        session=session, by=by, now=NOW, **{**values, **answers}
    )


def test_a_reflection_sends_reflection_submitted_with_its_codes_not_its_words(
    program, ended_session, mentor, django_capture_on_commit_callbacks
):
    endpoint = _subscribe(program)

    with django_capture_on_commit_callbacks(execute=True):
        result = _reflect(ended_session, mentor, topics_covered=PRIVATE)

    data = _data(endpoint, "reflection.submitted")
    assert set(data) == REFLECTION_KEYS
    assert data["id"] == result.reflection.pk
    assert (data["session_id"], data["mentorship_id"]) == (
        ended_session.pk,
        ended_session.mentorship_id,
    )
    assert (data["author_id"], data["author_role"]) == (mentor.pk, "mentor")
    assert (data["goal_met"], data["still_makes_sense"]) == ("partly", "unsure")
    _no_private_text(endpoint, "why_not", "plan_now", "topics_covered")


def test_editing_a_reflection_sends_nothing_more(
    program, ended_session, mentee, django_capture_on_commit_callbacks
):
    endpoint = _subscribe(program)

    with django_capture_on_commit_callbacks(execute=True):
        _reflect(ended_session, mentee)
        _reflect(ended_session, mentee, goal_met="yes", why_not="")

    data = _data(endpoint, "reflection.submitted")
    assert (data["author_role"], data["goal_met"]) == ("mentee", "partly")


def test_feedback_reaches_the_endpoint_as_feedback_submitted_without_its_words(
    program, ended_session, mentee, httpserver, settings, django_capture_on_commit_callbacks
):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = True
    secret = new_secret()
    endpoint = _subscribe(program, url=httpserver.url_for("/hook"), secret=secret)
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_data("ok")

    with django_capture_on_commit_callbacks(execute=True):
        feedback = workspace_services.feedback_submit(
            session=ended_session,
            by=mentee,
            useful=PRIVATE,
            less_productive=PRIVATE,
            rating=4,
            visibility="success_manager",
            now=NOW,
        )
    (row,) = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert attempt(row.pk) == "delivered"

    ((request, _response),) = httpserver.log
    verified = Webhook(secret).verify(request.get_data(as_text=True), dict(request.headers))
    assert verified["type"] == "feedback.submitted"
    data = verified["data"]
    assert set(data) == FEEDBACK_KEYS
    assert (data["id"], data["session_id"], data["program"]) == (
        feedback.pk,
        ended_session.pk,
        program.slug,
    )
    assert (data["mentor_id"], data["mentee_id"]) == (ended_session.mentor_id, mentee.pk)
    assert (data["rating"], data["visibility"]) == (4, "success_manager")
    _no_private_text(endpoint, "useful", "less_productive")


# --- request.expired ---------------------------------------------------------------


def test_the_expiry_job_sends_request_expired_for_each_overdue_request(
    program, django_capture_on_commit_callbacks
):
    endpoint = _subscribe(program)
    rae = mentor_in(program)
    asked = NOW - timedelta(days=program.request_expiry_days, hours=1)
    overdue = [
        request_create(
            program=program, mentee=mentee_in(program, name), mentor=rae, message=m, now=asked
        )
        for name, m in (("Sid", MESSAGE), ("Ida", MESSAGE))
    ]
    request_create(
        program=program, mentee=mentee_in(program, "Fay"), mentor=rae, message=MESSAGE, now=NOW
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert requests_expire(now=NOW) == 2
        assert requests_expire(now=NOW) == 0  # announced once

    expired = WebhookDelivery.objects.filter(endpoint=endpoint, event_type="request.expired")
    datas = sorted((d.payload["data"] for d in expired), key=lambda d: d["id"])
    assert [d["id"] for d in datas] == [r.pk for r in overdue]
    assert all(set(d) == REQUEST_KEYS for d in datas)
    assert {(d["status"], d["mentorship_id"]) for d in datas} == {("expired", None)}
    assert all(d["decided_at"].endswith("Z") for d in datas)
    _no_private_text(endpoint, MESSAGE)


def test_a_new_request_expiring_the_mentees_overdue_one_sends_request_expired(
    program, django_capture_on_commit_callbacks
):
    endpoint = _subscribe(program)
    sid, rae, ray = mentee_in(program), mentor_in(program), mentor_in(program, "Ray Mentor")
    asked = NOW - timedelta(days=program.request_expiry_days, hours=1)
    old = request_create(program=program, mentee=sid, mentor=rae, message=MESSAGE, now=asked)

    with django_capture_on_commit_callbacks(execute=True):
        request_create(program=program, mentee=sid, mentor=ray, message=MESSAGE, now=NOW)

    assert _data(endpoint, "request.expired")["id"] == old.pk
    assert _data(endpoint, "request.created")["mentor_id"] == ray.pk


# --- application.submitted and application.status_changed ----------------------------


def test_an_application_is_announced_once_confirmed_and_at_every_later_move(
    program, success_manager, django_capture_on_commit_callbacks
):
    endpoint = _subscribe(program)
    round_ = RoundFactory(program=program)
    draft = ApplicationFactory(
        round=round_,
        status="draft",
        email="nia@example.org",
        name="Nia Applicant",
        email_confirmed_at=None,
        submitted_at=None,
    )
    quiet = ApplicationFactory(
        round=round_, status="draft", email_confirmed_at=None, submitted_at=None
    )

    with django_capture_on_commit_callbacks(execute=True):
        application_services.application_withdraw(application=quiet)
        application_services.application_confirm(application=draft)
    with django_capture_on_commit_callbacks(execute=True):
        application_services.application_move(
            application=draft,
            from_status="submitted",
            to_status="in_review",
            note=PRIVATE,
            by=success_manager,
        )

    assert _data(endpoint, "application.submitted") == {
        "program": program.slug,
        "id": draft.pk,
        "round_id": round_.pk,
        "role": round_.role,
        "from_status": "draft",
        "status": "submitted",
        "by_id": None,
    }
    moved = _data(endpoint, "application.status_changed")
    assert (moved["status"], moved["by_id"]) == ("in_review", success_manager.pk)
    # The withdrawn draft was never seen by staff: nothing about it went out.
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 2
    _no_private_text(endpoint, "Nia Applicant")
