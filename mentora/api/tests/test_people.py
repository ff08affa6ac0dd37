"""People and memberships over the API: program staff read the people page's
memberships (with emails), admins invite, move, assign, graduate and mark as
left through the pages' services; a mentee, a mentor and an outsider get 404; a
read token can't write; bad input is a 422 naming the field, with nothing
changed; an invite retried with its Idempotency-Key creates one person."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentora.accounts.models import User
from mentora.api.models import TokenScope
from mentora.programs.errors import ProgramCode, ProgramError
from mentora.programs.models import EndReason, Membership, MembershipStatus, Mentorship, Role
from mentora.programs.roster import services as roster_services
from mentora.tests import factories as f
from mentora.tests.tasks import account_emails_send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def api(slug, rest=""):
    return f"/api/v1/programs/{slug}/people{rest}"


def post(client, url, header, body=None, **extra):
    return client.post(url, body or {}, content_type="application/json", **header, **extra)


def patch(client, url, header, body):
    return client.patch(url, body, content_type="application/json", **header)


def listed(client, program, header, query=""):
    answer = client.get(api(program.slug, query), **header)
    assert answer.status_code == 200, answer.content
    return [(m["person"]["id"], m["role"]) for m in answer.json()["items"]]


def mentee_membership(user, program):
    return Membership.objects.get(user=user, program=program, role=Role.MENTEE)


@pytest.fixture
def other_manager(program):
    user = f.UserFactory(email="sue@example.org", name="Sue Second")
    f.MembershipFactory(user=user, program=program, role=Role.SUCCESS_MANAGER)
    return user


# --- reads -----------------------------------------------------------------------------


def test_staff_list_the_memberships_with_emails_and_no_private_answers(
    client, program, mentee, mentor, success_manager, admin_user, cohort, bearer
):
    everyone = {(mentee.pk, "mentee"), (mentor.pk, "mentor")}
    everyone |= {(success_manager.pk, "success_manager"), (admin_user.pk, "admin")}
    # The people page is for program staff: a success manager reads it too.
    for who in (admin_user, success_manager):
        assert set(listed(client, program, bearer(who))) == everyone
    body = client.get(api(program.slug, "?role=mentee"), **bearer(admin_user)).json()
    (item,) = body["items"]
    assert item["person"] == {
        "id": mentee.pk,
        "name": "Mia Mentee",
        "time_zone": mentee.time_zone,
        "email": "mia@example.org",
    }
    assert item["cohort"] == {"id": cohort.pk, "name": "Spring 2027"}
    assert item["success_manager"]["id"] == success_manager.pk
    assert item["status"] == "active"
    assert set(item) == {
        "id",
        "person",
        "role",
        "status",
        "cohort",
        "success_manager",
        "joined_at",
        "invitation_sent_at",
        "ended_at",
        "updated_at",
    }


def test_filters_by_role_status_and_cohort(
    client, program, mentee, other_mentee, mentor, admin_user, cohort, bearer
):
    header = bearer(admin_user)
    later = f.CohortFactory(program=program, name="Autumn 2027")
    lone = f.UserFactory(name="Lou Lone")
    f.MembershipFactory(user=lone, program=program, role=Role.MENTEE, cohort=later)
    assert listed(client, program, header, f"?cohort={later.pk}") == [(lone.pk, "mentee")]
    assert {p for p, _ in listed(client, program, header, f"?cohort={cohort.pk}")} == {
        mentee.pk,
        other_mentee.pk,
    }
    assert listed(client, program, header, "?role=mentor") == [(mentor.pk, "mentor")]
    assert listed(client, program, header, "?status=graduated") == []


def test_mentee_mentor_and_outsider_get_404(
    client, program, mentee, mentor, outsider, admin_user, bearer
):
    for who in (mentee, mentor, outsider):
        header = bearer(who)
        assert client.get(api(program.slug), **header).status_code == 404
        assert client.get(api(program.slug, f"/{mentee.pk}"), **header).status_code == 404
        assert client.get(api(program.slug, f"/{admin_user.pk}"), **header).status_code == 404
    assert client.get(api(program.slug)).status_code == 401


def test_one_person_has_every_membership_in_the_program(
    client, program, mentor, admin_user, outsider, bearer
):
    f.MembershipFactory(user=mentor, program=program, role=Role.MENTEE)
    body = client.get(api(program.slug, f"/{mentor.pk}"), **bearer(admin_user)).json()
    assert body["person"]["email"] == "mo@example.org"
    assert [m["role"] for m in body["memberships"]] == ["mentee", "mentor"]
    # Someone of another program is not a person of this one.
    answer = client.get(api(program.slug, f"/{outsider.pk}"), **bearer(admin_user))
    assert answer.status_code == 404
    assert client.get(api(program.slug, "/99999999999999"), **bearer(admin_user)).status_code == 404


def test_paging_and_updated_since(
    client, program, mentee, other_mentee, mentor, admin_user, other_manager, bearer, now
):
    header = bearer(admin_user)
    seen, cursor = [], ""
    while True:
        page = client.get(api(program.slug, f"?limit=2{cursor}"), **header).json()
        seen += [m["id"] for m in page["items"]]
        if not page["next"]:
            break
        cursor = f"&cursor={page['next']}"
    every = Membership.objects.filter(program=program).values_list("pk", flat=True)
    assert sorted(seen) == sorted(every)
    assert len(seen) == len(set(seen))
    synced = now + timedelta(minutes=5)
    with time_machine.travel(synced + timedelta(minutes=1), tick=False):
        answer = patch(
            client,
            api(program.slug, f"/{other_mentee.pk}"),
            header,
            {"success_manager_id": other_manager.pk},
        )
        assert answer.status_code == 200, answer.content
    since = synced.isoformat().replace("+00:00", "Z")
    assert listed(client, program, header, f"?updated_since={since}") == [
        (other_mentee.pk, "mentee")
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?status=nope", "status"),
        ("?role=boss", "role"),
        ("?cohort=abc", "cohort"),
        ("?cohort=99999", "cohort"),
        ("?updated_since=soon", "updated_since"),
        ("?cursor=junk", "cursor"),
        ("?limit=0", "limit"),
    ],
)
def test_junk_filters_are_422(client, program, admin_user, bearer, query, field):
    answer = client.get(api(program.slug, query), **bearer(admin_user))
    assert answer.status_code == 422, answer.content
    assert answer.json()["field"] == field


def test_the_list_costs_the_same_queries_for_more_people(client, program, admin_user, bearer):
    header = bearer(admin_user)
    client.get(api(program.slug), **header)
    with CaptureQueriesContext(connection) as few:
        client.get(api(program.slug), **header)
    for _ in range(5):
        f.MembershipFactory(program=program, role=Role.MENTOR)
    with CaptureQueriesContext(connection) as more:
        client.get(api(program.slug), **header)
    assert len(more) == len(few)


# --- invite ----------------------------------------------------------------------------


def test_admin_invites_a_mentee_with_cohort_and_success_manager(
    client,
    program,
    admin_user,
    success_manager,
    cohort,
    bearer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = post(
            client,
            api(program.slug),
            bearer(admin_user),
            {
                "email": "Lea@Example.org",
                "name": "Lea Learner",
                "role": "mentee",
                "cohort_id": cohort.pk,
                "success_manager_id": success_manager.pk,
                "time_zone": "Asia/Tokyo",
            },
        )
    account_emails_send()  # what the worker does with the queued invitation
    assert answer.status_code == 201, answer.content
    body = answer.json()
    lea = User.objects.get(email="lea@example.org")
    assert body["person"] == {
        "id": lea.pk,
        "name": "Lea Learner",
        "time_zone": "Asia/Tokyo",
        "email": "lea@example.org",
    }
    assert (body["role"], body["cohort"]["id"], body["success_manager"]["id"]) == (
        "mentee",
        cohort.pk,
        success_manager.pk,
    )
    assert body["invitation_sent_at"] is not None
    assert not lea.has_usable_password()
    # The set-password invitation, as from the invite page.
    assert [m.to for m in mailoutbox] == [["lea@example.org"]]


def test_invite_retried_with_its_key_creates_one_person(client, program, admin_user, bearer):
    header = bearer(admin_user)
    body = {"email": "lea@example.org", "name": "Lea Learner", "role": "mentee"}
    first = post(client, api(program.slug), header, body, HTTP_IDEMPOTENCY_KEY="lms-lea-1")
    again = post(client, api(program.slug), header, body, HTTP_IDEMPOTENCY_KEY="lms-lea-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert User.objects.filter(email="lea@example.org").count() == 1
    assert Membership.objects.filter(user__email="lea@example.org").count() == 1
    changed = {**body, "role": "mentor"}
    reused = post(client, api(program.slug), header, changed, HTTP_IDEMPOTENCY_KEY="lms-lea-1")
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"


def test_an_existing_member_is_409_with_the_services_code(
    client, program, admin_user, mentee, bearer
):
    answer = post(
        client,
        api(program.slug),
        bearer(admin_user),
        {"email": "mia@example.org", "name": "Mia", "role": "mentee"},
    )
    assert answer.status_code == 409, answer.content
    assert (answer.json()["code"], answer.json()["field"]) == ("already_member", "email")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not an email"}, "email"),
        ({"name": ""}, "name"),
        ({"role": "boss"}, "role"),
        ({"role": "mentor", "cohort_id": "COHORT"}, "cohort_id"),
        ({"cohort_id": 99999}, "cohort_id"),
        ({"success_manager_id": "MENTOR"}, "success_manager_id"),
        ({"role": "mentor", "success_manager_id": "MANAGER"}, "success_manager_id"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ],
)
def test_bad_invites_are_422_naming_the_field_and_create_nobody(
    client, program, admin_user, success_manager, mentor, cohort, bearer, change, field
):
    named = {"COHORT": cohort.pk, "MENTOR": mentor.pk, "MANAGER": success_manager.pk}
    body = {"email": "lea@example.org", "name": "Lea Learner", "role": "mentee"}
    body |= {k: named.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    answer = post(client, api(program.slug), bearer(admin_user), body)
    assert answer.status_code == 422, answer.content
    assert answer.json()["field"] == field
    assert not User.objects.filter(email="lea@example.org").exists()


def test_a_closed_cohort_takes_no_invitee(client, program, admin_user, cohort, bearer, now):
    cohort.closed_at = now
    cohort.save()
    body = {"email": "lea@example.org", "name": "Lea", "role": "mentee", "cohort_id": cohort.pk}
    answer = post(client, api(program.slug), bearer(admin_user), body)
    assert (answer.status_code, answer.json()["field"]) == (422, "cohort_id")


def test_a_success_manager_invites_mentees_and_mentors_only(
    client, program, success_manager, bearer
):
    header = bearer(success_manager)
    body = {"email": "lea@example.org", "name": "Lea Learner", "role": "mentor"}
    assert post(client, api(program.slug), header, body).status_code == 201
    staff = {"email": "al@example.org", "name": "Al", "role": "admin"}
    answer = post(client, api(program.slug), header, staff)
    assert (answer.status_code, answer.json()["field"]) == (422, "role")
    chosen = {**staff, "role": "mentee", "success_manager_id": success_manager.pk}
    assert post(client, api(program.slug), header, chosen).status_code == 403
    assert not User.objects.filter(email="al@example.org").exists()


def test_others_cannot_invite(client, program, mentee, mentor, outsider, admin_user, bearer):
    body = {"email": "lea@example.org", "name": "Lea Learner", "role": "mentee"}
    for who in (mentee, mentor, outsider):
        assert post(client, api(program.slug), bearer(who), body).status_code == 404
    read = bearer(admin_user, scope=TokenScope.READ)
    assert post(client, api(program.slug), read, body).status_code == 403
    assert not User.objects.filter(email="lea@example.org").exists()


# --- cohort and success manager ----------------------------------------------------------


def test_admin_moves_a_mentee_and_assigns_and_unassigns_a_manager(
    client, program, mentee, admin_user, other_manager, bearer
):
    later = f.CohortFactory(program=program, name="Autumn 2027")
    url = api(program.slug, f"/{mentee.pk}")
    header = bearer(admin_user)
    answer = patch(
        client, url, header, {"cohort_id": later.pk, "success_manager_id": other_manager.pk}
    )
    assert answer.status_code == 200, answer.content
    (held,) = answer.json()["memberships"]
    assert (held["cohort"]["id"], held["success_manager"]["id"]) == (later.pk, other_manager.pk)
    answer = patch(client, url, header, {"success_manager_id": None})
    assert answer.status_code == 200, answer.content
    membership = mentee_membership(mentee, program)
    assert (membership.cohort_id, membership.success_manager_id) == (later.pk, None)


def test_a_success_manager_assigns_in_their_cohorts_but_moves_nobody(
    client, program, mentee, success_manager, other_manager, bearer
):
    header = bearer(success_manager)
    url = api(program.slug, f"/{mentee.pk}")
    answer = patch(client, url, header, {"success_manager_id": other_manager.pk})
    assert answer.status_code == 200, answer.content
    later = f.CohortFactory(program=program, name="Autumn 2027")
    moved = patch(client, url, header, {"cohort_id": later.pk})
    assert moved.status_code == 409
    assert moved.json()["code"] == "not_your_cohort"
    assert mentee_membership(mentee, program).cohort_id != later.pk


def test_a_mentor_has_no_cohort_to_change(
    client, program, mentor, admin_user, success_manager, bearer
):
    later = f.CohortFactory(program=program, name="Autumn 2027")
    answer = patch(
        client,
        api(program.slug, f"/{mentor.pk}"),
        bearer(admin_user),
        {"cohort_id": later.pk, "success_manager_id": success_manager.pk},
    )
    assert answer.status_code == 409, answer.content
    assert (answer.json()["code"], answer.json()["field"]) == ("not_a_mentee", "user_id")


def test_a_failing_second_change_leaves_the_first_undone(
    client, program, mentee, admin_user, other_manager, cohort, bearer, monkeypatch
):
    def refuse(**kwargs):
        raise ProgramError(ProgramCode.CONFLICT, "Someone got there first.")

    monkeypatch.setattr(roster_services, "success_manager_assign", refuse)
    later = f.CohortFactory(program=program, name="Autumn 2027")
    answer = patch(
        client,
        api(program.slug, f"/{mentee.pk}"),
        bearer(admin_user),
        {"cohort_id": later.pk, "success_manager_id": other_manager.pk},
    )
    assert answer.status_code == 409, answer.content
    assert mentee_membership(mentee, program).cohort_id == cohort.pk


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, None),
        ({"cohort_id": 99999}, "cohort_id"),
        ({"success_manager_id": "MENTOR"}, "success_manager_id"),
        ({"cohort_id": "x"}, "cohort_id"),
    ],
)
def test_bad_changes_are_422_and_change_nothing(
    client, program, mentee, mentor, admin_user, success_manager, cohort, bearer, body, field
):
    body = {k: mentor.pk if v == "MENTOR" else v for k, v in body.items()}
    answer = patch(client, api(program.slug, f"/{mentee.pk}"), bearer(admin_user), body)
    assert answer.status_code == 422, answer.content
    assert answer.json()["field"] == field
    membership = mentee_membership(mentee, program)
    assert (membership.cohort_id, membership.success_manager_id) == (cohort.pk, success_manager.pk)


def test_others_cannot_change_a_person(
    client, program, mentee, other_mentee, mentor, outsider, admin_user, other_manager, bearer
):
    body = {"success_manager_id": other_manager.pk}
    url = api(program.slug, f"/{other_mentee.pk}")
    for who in (mentee, mentor, outsider):
        assert patch(client, url, bearer(who), body).status_code == 404
    assert patch(client, url, bearer(admin_user, scope=TokenScope.READ), body).status_code == 403
    assert mentee_membership(other_mentee, program).success_manager_id != other_manager.pk


# --- graduate and leave --------------------------------------------------------------------


def test_admin_graduates_a_mentee_and_their_mentorship_completes(
    client, program, mentee, mentorship, admin_user, bearer
):
    answer = post(client, api(program.slug, f"/{mentee.pk}/graduate"), bearer(admin_user))
    assert answer.status_code == 200, answer.content
    assert (answer.json()["role"], answer.json()["status"]) == ("mentee", "graduated")
    ended = Mentorship.objects.get(pk=mentorship.pk)
    assert ended.end_reason == EndReason.COMPLETED
    again = post(client, api(program.slug, f"/{mentee.pk}/graduate"), bearer(admin_user))
    assert (again.status_code, again.json()["code"]) == (409, "already_graduated")


def test_only_a_mentee_graduates(client, program, mentor, admin_user, bearer):
    answer = post(client, api(program.slug, f"/{mentor.pk}/graduate"), bearer(admin_user))
    assert (answer.status_code, answer.json()["code"]) == (409, "not_a_mentee")


def test_a_mentor_leaves_with_a_note(client, program, mentor, mentorship, admin_user, bearer):
    answer = post(
        client,
        api(program.slug, f"/{mentor.pk}/leave"),
        bearer(admin_user),
        {"role": "mentor", "note": "Moved abroad"},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "left"
    ended = Mentorship.objects.get(pk=mentorship.pk)
    assert (ended.end_reason, ended.end_note) == (EndReason.MENTOR_UNAVAILABLE, "Moved abroad")


def test_the_success_manager_ends_their_mentee_but_not_a_mentor(
    client, program, mentee, mentor, success_manager, bearer
):
    header = bearer(success_manager)
    answer = post(client, api(program.slug, f"/{mentor.pk}/leave"), header, {"role": "mentor"})
    assert answer.status_code == 404
    answer = post(client, api(program.slug, f"/{mentee.pk}/leave"), header, {"role": "mentee"})
    assert answer.status_code == 200, answer.content
    assert mentee_membership(mentee, program).status == MembershipStatus.LEFT


@pytest.mark.parametrize(
    ("body", "field"),
    [({"role": "boss"}, "role"), ({"role": "mentee", "note": "x" * 5000}, "note"), ({}, "role")],
)
def test_a_bad_leave_is_422_and_ends_nothing(
    client, program, mentee, admin_user, bearer, body, field
):
    answer = post(client, api(program.slug, f"/{mentee.pk}/leave"), bearer(admin_user), body)
    assert answer.status_code == 422, answer.content
    assert answer.json()["field"] == field
    assert mentee_membership(mentee, program).status == MembershipStatus.ACTIVE


def test_leaving_a_role_they_dont_hold_is_404(client, program, mentee, admin_user, bearer):
    url = api(program.slug, f"/{mentee.pk}/leave")
    assert post(client, url, bearer(admin_user), {"role": "mentor"}).status_code == 404


def test_others_cannot_end_a_membership(
    client, program, mentee, other_mentee, mentor, outsider, admin_user, bearer
):
    for action, body in (("graduate", None), ("leave", {"role": "mentee"})):
        url = api(program.slug, f"/{other_mentee.pk}/{action}")
        for who in (mentee, mentor, outsider):
            assert post(client, url, bearer(who), body).status_code == 404
        read = bearer(admin_user, scope=TokenScope.READ)
        assert post(client, url, read, body).status_code == 403
    assert mentee_membership(other_mentee, program).status == MembershipStatus.ACTIVE
