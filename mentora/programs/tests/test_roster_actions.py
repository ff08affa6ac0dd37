"""The people page's bulk actions and who may take them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentora.programs.errors import ProgramCode, ProgramError
from mentora.programs.models import Membership, Role
from mentora.programs.roster import access
from mentora.programs.roster import services as roster
from mentora.programs.roster.forms import Action
from mentora.tests import factories as f
from mentora.tests.tasks import account_emails_send

pytestmark = pytest.mark.django_db

ACTION_URL = reverse("program_people", args=["bootcamp"])  # the page takes the POST
PEOPLE_URL = reverse("program_people", args=["bootcamp"])


def manager_of(user):
    return Membership.objects.get(user=user, role=Role.MENTEE).success_manager


def cohort_of(user):
    return Membership.objects.get(user=user, role=Role.MENTEE).cohort


def new_manager(program, name="Sky Second", email="sky@example.org"):
    user = f.UserFactory(name=name, email=email)
    f.MembershipFactory(user=user, program=program, role=Role.SUCCESS_MANAGER)
    return user


def new_mentee(program, name, *, cohort=None, success_manager=None):
    user = f.UserFactory(name=name)
    f.MembershipFactory(
        user=user, program=program, role=Role.MENTEE, cohort=cohort, success_manager=success_manager
    )
    return user


# --- Assign a success manager ------------------------------------------------


def test_admin_assigns_a_success_manager_to_a_selection(
    client, admin_user, program, mentee, other_mentee
):
    sky = new_manager(program)
    client.force_login(admin_user)

    response = client.post(
        ACTION_URL,
        {
            "people": [mentee.pk, other_mentee.pk],
            "action": Action.ASSIGN,
            "success_manager": sky.pk,
        },
    )

    assert response.status_code == 302
    assert manager_of(mentee) == sky and manager_of(other_mentee) == sky


def test_the_picker_suggests_the_smallest_caseload_and_shows_counts(
    client, admin_user, program, mentee, other_mentee, success_manager
):
    sky = new_manager(program)
    client.force_login(admin_user)

    form = client.get(PEOPLE_URL).context["action_form"]

    field = form["success_manager"]
    assert field.initial == sky.pk  # 0 mentees, against Sam's 2
    labels = [str(label) for _value, label in field.field.choices]
    assert labels == ["Sky Second (0 mentees)", "Sam Success (2 mentees)"]


def test_balance_spreads_a_selection_evenly(program, admin_user, success_manager, cohort):
    sky = new_manager(program)
    new_mentee(program, "Already Sams", cohort=cohort, success_manager=success_manager)
    chosen = [new_mentee(program, f"Mentee {i}", cohort=cohort) for i in range(5)]

    received = roster.success_managers_balance(program=program, mentees=chosen, by=admin_user)

    # Sam had one: Sky takes three, Sam two, and both end with three.
    assert {m.name: n for m, n in received.items()} == {"Sky Second": 3, "Sam Success": 2}
    counts = {
        m: Membership.objects.filter(program=program, success_manager=m).count()
        for m in (sky, success_manager)
    }
    assert counts == {sky: 3, success_manager: 3}


def test_assign_refuses_non_mentees_and_saves_nothing(program, admin_user, mentee, mentor):
    sky = new_manager(program)

    with pytest.raises(ProgramError) as refused:
        roster.success_manager_assign(
            program=program, mentees=[mentee, mentor], success_manager=sky, by=admin_user
        )

    assert refused.value.code == ProgramCode.NOT_A_MENTEE
    assert "Mo Mentor" in refused.value.message
    assert manager_of(mentee) != sky


def test_assign_refuses_someone_who_is_not_a_success_manager(program, admin_user, mentee, mentor):
    with pytest.raises(ProgramError) as refused:
        roster.success_manager_assign(
            program=program, mentees=[mentee], success_manager=mentor, by=admin_user
        )

    assert refused.value.field == "success_manager"


def test_a_success_manager_assigns_within_their_own_cohort(
    client, program, success_manager, mentee, cohort
):
    sky = new_manager(program)
    newcomer = new_mentee(program, "Nia New", cohort=cohort)
    client.force_login(success_manager)

    response = client.post(
        ACTION_URL,
        {"people": [newcomer.pk], "action": Action.ASSIGN, "success_manager": sky.pk},
    )

    assert response.status_code == 302
    assert manager_of(newcomer) == sky


def test_a_success_manager_cannot_assign_outside_their_cohorts(
    client, program, success_manager, mentee
):
    autumn = f.CohortFactory(program=program, name="Autumn")
    stranger = new_mentee(program, "Sol Stranger", cohort=autumn)
    no_cohort = new_mentee(program, "Nora Nocohort")
    client.force_login(success_manager)

    for person in (stranger, no_cohort):
        response = client.post(
            ACTION_URL,
            {"people": [person.pk], "action": Action.ASSIGN, "success_manager": success_manager.pk},
        )
        assert response.status_code == 409
        assert "your own caseload" in response.text
        assert manager_of(person) is None


@pytest.mark.parametrize("action", [Action.MOVE, Action.RESEND])
def test_a_success_manager_may_only_assign(client, program, success_manager, mentee, action):
    spring = cohort_of(mentee)
    client.force_login(success_manager)

    response = client.post(
        ACTION_URL, {"people": [mentee.pk], "action": action, "cohort": spring.pk}
    )

    assert response.status_code == 400
    assert response.context["action_form"].errors["action"]


def test_a_success_manager_without_a_caseload_gets_no_actions(client, program, mentee):
    sky = new_manager(program)
    client.force_login(sky)

    page = client.get(PEOPLE_URL)
    refused = client.post(
        ACTION_URL, {"people": [mentee.pk], "action": Action.ASSIGN, "success_manager": sky.pk}
    )

    assert page.status_code == 200 and not page.context["may_act"]
    assert refused.status_code == 403
    assert manager_of(mentee) != sky


def test_access_rule_for_cohorts(program, success_manager, admin_user, mentee, cohort):
    autumn = f.CohortFactory(program=program, name="Autumn")

    assert access.may_assign(success_manager, program, [cohort.pk])
    assert not access.may_assign(success_manager, program, [cohort.pk, autumn.pk])
    assert not access.may_assign(success_manager, program, [None])
    assert access.may_assign(admin_user, program, [autumn.pk, None])


# --- Move to a cohort ----------------------------------------------------------


def test_admin_moves_mentees_to_a_cohort(client, admin_user, program, mentee, other_mentee):
    autumn = f.CohortFactory(program=program, name="Autumn")
    client.force_login(admin_user)

    response = client.post(
        ACTION_URL,
        {"people": [mentee.pk, other_mentee.pk], "action": Action.MOVE, "cohort": autumn.pk},
    )

    assert response.status_code == 302
    assert cohort_of(mentee) == autumn and cohort_of(other_mentee) == autumn


def test_a_closed_cohort_is_not_offered_nor_accepted(client, admin_user, program, mentee, cohort):
    closed = f.CohortFactory(program=program, name="Closed", closed_at=timezone.now())
    client.force_login(admin_user)

    offered = client.get(PEOPLE_URL).context["action_form"].fields["cohort"].queryset
    response = client.post(
        ACTION_URL, {"people": [mentee.pk], "action": Action.MOVE, "cohort": closed.pk}
    )
    with pytest.raises(ProgramError) as refused:
        roster.cohort_move(program=program, mentees=[mentee], cohort=closed, by=admin_user)

    assert closed not in offered
    assert response.status_code == 400
    assert response.context["action_form"].errors["cohort"]
    assert refused.value.code == ProgramCode.COHORT_CLOSED
    assert cohort_of(mentee) == cohort


def test_move_takes_mentees_only(client, admin_user, program, mentee, mentor, cohort):
    autumn = f.CohortFactory(program=program, name="Autumn")
    client.force_login(admin_user)

    response = client.post(
        ACTION_URL,
        {"people": [mentee.pk, mentor.pk], "action": Action.MOVE, "cohort": autumn.pk},
    )

    assert response.status_code == 409
    assert "Mo Mentor" in response.text
    assert cohort_of(mentee) == cohort


# --- Resend to a selection ------------------------------------------------------


def test_bulk_resend(client, admin_user, program, django_capture_on_commit_callbacks):
    invitees = []
    for name in ("Ivy One", "Ivy Two"):
        user = f.UserFactory(name=name, activated_at=None)
        user.set_unusable_password()
        user.save()
        f.MembershipFactory(user=user, program=program)
        invitees.append(user)
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ACTION_URL, {"people": [u.pk for u in invitees], "action": Action.RESEND}
        )
    account_emails_send()

    assert response.status_code == 302
    sent: list[str] = [str(m.to[0]) for m in mail.outbox]
    assert sorted(sent) == sorted(str(u.email) for u in invitees)
    assert all(m.invitation_sent_at for m in Membership.objects.filter(user__in=invitees))


def test_bulk_resend_refuses_activated_people(client, admin_user, mentee):
    client.force_login(admin_user)

    response = client.post(ACTION_URL, {"people": [mentee.pk], "action": Action.RESEND})

    assert response.status_code == 409
    assert "already accepted" in response.text
    assert mail.outbox == []


# --- Bad input and outsiders ------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"action": Action.ASSIGN},
        {"people": ["٣"], "action": Action.ASSIGN},
        {"people": ["99999999999999999999999"], "action": Action.MOVE},
        {"people": ["1"], "action": "explode"},
        {"people": ["1"], "action": Action.ASSIGN, "success_manager": "x"},
        {"people": ["1"], "action": Action.MOVE},
    ],
)
def test_junk_actions_are_refused_with_a_message(client, admin_user, mentee, data):
    client.force_login(admin_user)

    response = client.post(ACTION_URL, data)

    assert response.status_code == 400
    assert response.context["action_form"].errors


def test_someone_of_another_program_cannot_be_selected(client, admin_user, outsider, program):
    sky = new_manager(program)
    client.force_login(admin_user)

    response = client.post(
        ACTION_URL, {"people": [outsider.pk], "action": Action.ASSIGN, "success_manager": sky.pk}
    )

    assert response.status_code == 409
    assert "Olga" not in response.text


@pytest.mark.parametrize("person", ["mentee", "mentor", "outsider"])
def test_only_staff_reach_the_page_and_its_actions(client, request, program, mentee, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(PEOPLE_URL).status_code == 404
    assert (
        client.post(ACTION_URL, {"people": [mentee.pk], "action": Action.RESEND}).status_code == 404
    )
    resend = reverse("person_resend", args=["bootcamp", mentee.pk])
    assert client.post(resend).status_code == 404


def test_a_success_manager_sees_the_page_but_may_not_resend(client, success_manager, mentee):
    client.force_login(success_manager)

    assert client.get(PEOPLE_URL).status_code == 200
    resend = reverse("person_resend", args=["bootcamp", mentee.pk])
    assert client.post(resend).status_code == 404


# --- Back to the same view ---------------------------------------------------------


def test_an_action_returns_to_the_filtered_page(client, admin_user, program, mentee):
    sky = new_manager(program)
    client.force_login(admin_user)
    filtered = f"{PEOPLE_URL}?role=mentee&page=1"

    response = client.post(
        ACTION_URL,
        {
            "people": [mentee.pk],
            "action": Action.ASSIGN,
            "success_manager": sky.pk,
            "next": filtered,
        },
    )

    assert response["Location"] == filtered


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/p/bootcamp/people/"])
def test_next_elsewhere_is_ignored(client, admin_user, program, mentee, target):
    sky = new_manager(program)
    client.force_login(admin_user)

    response = client.post(
        ACTION_URL,
        {"people": [mentee.pk], "action": Action.ASSIGN, "success_manager": sky.pk, "next": target},
    )

    assert response["Location"] == PEOPLE_URL


def test_a_refused_action_keeps_the_filters(client, admin_user, mentee, mentor):
    client.force_login(admin_user)

    response = client.post(f"{ACTION_URL}?role=mentor", {"people": [mentor.pk], "action": "x"})

    assert response.status_code == 400
    assert [row.user.name for row in response.context["rows"]] == ["Mo Mentor"]
    assert response.context["next"] == f"{PEOPLE_URL}?role=mentor"


def test_balance_from_the_page(client, admin_user, program, success_manager, cohort):
    new_manager(program)
    chosen = [new_mentee(program, f"Mentee {i}", cohort=cohort) for i in range(4)]
    client.force_login(admin_user)

    response = client.post(
        ACTION_URL, {"people": [u.pk for u in chosen], "action": Action.BALANCE}, follow=True
    )

    assert "Sky Second +2" in response.text and "Sam Success +2" in response.text
    assert {manager_of(u).name for u in chosen} == {"Sky Second", "Sam Success"}
