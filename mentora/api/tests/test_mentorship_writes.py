"""Writing to mentorships over the API, as the mentee's staff: match, complete,
pause, resume, re-match. The pages' rules decide who (the mentee's success
manager or an admin; a party or anyone else gets 404) and the services what
(capacity, hard rules, a mentorship already ended)."""

import pytest

from mentora.api.models import IdempotencyKey, TokenScope
from mentora.matching.tests.staff_people import mentor_with, unmatched_mentee
from mentora.programs.models import EndReason, Mentorship, MentorshipStatus
from mentora.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def post(client, program, rest, body, header, **extra):
    return client.post(
        f"/api/v1/programs/{program.slug}/mentorships{rest}",
        body,
        content_type="application/json",
        **header,
        **extra,
    )


@pytest.fixture
def una(program, success_manager):
    return unmatched_mentee(program, "Una Unmatched", success_manager=success_manager)


@pytest.fixture
def xavi(program):
    return mentor_with(program, "Xavi Backend")


def test_the_mentees_success_manager_matches_them_once_even_when_retried(
    client, program, una, xavi, success_manager, bearer
):
    header = bearer(success_manager)
    body = {"mentee_id": una.pk, "mentor_id": xavi.pk}

    first = post(client, program, "", body, header, HTTP_IDEMPOTENCY_KEY="lms-42")
    retry = post(client, program, "", body, header, HTTP_IDEMPOTENCY_KEY="lms-42")
    again = post(client, program, "", body, header)

    assert first.status_code == 201, first.content
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert first.json()["mentor"]["id"] == xavi.pk
    assert (again.status_code, again.json()["code"]) == (409, "mentee_matched")
    assert Mentorship.objects.filter(mentee=una).count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_a_mentor_not_in_the_program_is_refused_naming_the_field(
    client, program, una, outsider, admin_user, bearer
):
    answer = post(
        client, program, "", {"mentee_id": una.pk, "mentor_id": outsider.pk}, bearer(admin_user)
    )

    assert (answer.status_code, answer.json()["field"]) == (409, "mentor")
    assert not Mentorship.objects.filter(mentee=una).exists()


@pytest.mark.parametrize("who", ["mentee", "mentor", "outsider", "other_manager"])
def test_nobody_but_the_mentees_staff_matches(client, request, program, una, xavi, bearer, who):
    if who == "other_manager":
        person = f.UserFactory(name="Sid Other")
        f.MembershipFactory(user=person, program=program, role="success_manager")
    else:
        person = request.getfixturevalue(who)

    answer = post(client, program, "", {"mentee_id": una.pk, "mentor_id": xavi.pk}, bearer(person))

    assert answer.status_code == 404
    assert not Mentorship.objects.filter(mentee=una).exists()


def test_complete_pause_and_resume_go_through_the_services(
    client, program, mentorship, success_manager, bearer
):
    header = bearer(success_manager)

    paused = post(client, program, f"/{mentorship.pk}/pause", {}, header)
    paused_again = post(client, program, f"/{mentorship.pk}/pause", {}, header)
    resumed = post(client, program, f"/{mentorship.pk}/resume", {}, header)
    completed = post(client, program, f"/{mentorship.pk}/complete", {"note": "Got the job"}, header)
    twice = post(client, program, f"/{mentorship.pk}/complete", {}, header)

    assert paused.json()["status"] == MentorshipStatus.PAUSED
    assert (paused_again.status_code, paused_again.json()["code"]) == (409, "not_active")
    assert resumed.json()["status"] == MentorshipStatus.ACTIVE
    assert (completed.json()["status"], completed.json()["end_reason"]) == (
        MentorshipStatus.ENDED,
        EndReason.COMPLETED,
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "not_live")


def test_a_note_past_the_limit_is_422_and_nothing_ends(
    client, program, mentorship, admin_user, bearer
):
    answer = post(
        client, program, f"/{mentorship.pk}/complete", {"note": "x" * 5000}, bearer(admin_user)
    )

    assert (answer.status_code, answer.json()["field"]) == (422, "note")
    assert Mentorship.objects.get(pk=mentorship.pk).status == MentorshipStatus.ACTIVE


def test_a_rematch_ends_the_old_and_starts_the_new_with_an_offered_mentor(
    client, program, mentorship, success_manager, bearer
):
    nia = mentor_with(program, "Nia New", capacity=3)
    header = bearer(success_manager)

    answer = post(client, program, f"/{mentorship.pk}/rematch", {"mentor_id": nia.pk}, header)

    assert answer.status_code == 201, answer.content
    assert answer.json()["mentor"]["id"] == nia.pk
    old = Mentorship.objects.get(pk=mentorship.pk)
    assert (old.status, old.end_reason) == (MentorshipStatus.ENDED, EndReason.REMATCHED)


@pytest.mark.parametrize(
    "body",
    [{"mentor_id": 999999}, {"mentor_id": "x"}, {"reason": "completed"}, {"reason": "nope"}],
)
def test_a_rematch_to_someone_not_offered_or_for_a_bad_reason_is_422(
    client, program, mentorship, mentor, success_manager, bearer, body
):
    mentor_with(program, "Nia New", capacity=3)
    body = {"mentor_id": mentor.pk, **body}

    answer = post(client, program, f"/{mentorship.pk}/rematch", body, bearer(success_manager))

    assert answer.status_code == 422
    assert Mentorship.objects.get(pk=mentorship.pk).status == MentorshipStatus.ACTIVE


@pytest.mark.parametrize("who", ["mentee", "mentor", "other_mentee", "outsider"])
def test_the_parties_and_anyone_else_get_404_for_every_write(
    client, request, program, mentorship, bearer, who
):
    nia = mentor_with(program, "Nia New", capacity=3)
    header = bearer(request.getfixturevalue(who))

    for rest, body in (
        ("/pause", {}),
        ("/resume", {}),
        ("/complete", {}),
        ("/rematch", {"mentor_id": nia.pk}),
    ):
        answer = post(client, program, f"/{mentorship.pk}{rest}", body, header)
        assert answer.status_code == 404, rest
    assert Mentorship.objects.get(pk=mentorship.pk).status == MentorshipStatus.ACTIVE


def test_a_read_token_writes_nothing(client, program, mentorship, admin_user, bearer):
    answer = post(
        client, program, f"/{mentorship.pk}/pause", {}, bearer(admin_user, scope=TokenScope.READ)
    )

    assert answer.status_code == 403
    assert Mentorship.objects.get(pk=mentorship.pk).status == MentorshipStatus.ACTIVE
