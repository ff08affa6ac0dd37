"""The people page: search, filters, paging, invitation status and resend."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentora.programs import services
from mentora.programs.errors import ProgramCode, ProgramError
from mentora.programs.models import Membership, MembershipStatus, Role
from mentora.programs.roster.queries import PER_PAGE, InvitationState
from mentora.tests import factories as f
from mentora.tests.querycount import count_queries_before_and_after
from mentora.tests.tasks import account_emails_send

pytestmark = pytest.mark.django_db


def people_url(**query) -> str:
    url = reverse("program_people", args=["bootcamp"])
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


def names(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [row.user.name for row in response.context["rows"]]


def invitee(program, *, name="Ivy Invitee", email="ivy@example.org", sent=None, **membership):
    """A person who has not accepted their invitation yet."""
    user = f.UserFactory(name=name, email=email, activated_at=None, onboarded_at=None)
    user.set_unusable_password()
    user.save()
    membership.setdefault("role", Role.MENTEE)
    f.MembershipFactory(user=user, program=program, invitation_sent_at=sent, **membership)
    return user


@pytest.fixture
def staffed(mentee, other_mentee, admin_user, success_manager):
    return None


# --- Search ---------------------------------------------------------------


def test_search_finds_name_or_email_whatever_the_case(client, admin_user, staffed):
    client.force_login(admin_user)

    assert names(client.get(people_url(q="mIA"))) == ["Mia Mentee"]
    assert names(client.get(people_url(q="OTTO@EXAMPLE"))) == ["Otto Other"]


def test_search_folds_non_ascii_names(client, admin_user, program):
    f.MembershipFactory(user=f.UserFactory(name="Özlem Ünal"), program=program)
    client.force_login(admin_user)

    assert names(client.get(people_url(q="özlem"))) == ["Özlem Ünal"]
    assert names(client.get(people_url(q="ÜNAL"))) == ["Özlem Ünal"]


def test_search_treats_like_wildcards_as_text(client, admin_user, staffed):
    client.force_login(admin_user)

    assert names(client.get(people_url(q="%"))) == []
    assert names(client.get(people_url(q="_"))) == []


def test_one_row_per_person_with_all_their_roles(client, admin_user, program, mentor):
    f.MembershipFactory(user=mentor, program=program, role=Role.SUCCESS_MANAGER)
    client.force_login(admin_user)

    response = client.get(people_url(q="Mo Mentor"))

    [row] = response.context["rows"]
    assert sorted(row.roles) == [Role.MENTOR, Role.SUCCESS_MANAGER]
    assert "Mentor, Success manager" in response.text


def test_people_of_another_program_are_not_listed(client, admin_user, staffed, outsider):
    client.force_login(admin_user)

    assert "Olga Outsider" not in names(client.get(people_url()))


# --- Filters --------------------------------------------------------------


def test_filter_by_role(client, admin_user, staffed):
    client.force_login(admin_user)

    assert names(client.get(people_url(role="success_manager"))) == ["Sam Success"]


def test_filter_by_cohort(client, admin_user, program, staffed, mentee):
    autumn = f.CohortFactory(program=program, name="Autumn")
    Membership.objects.filter(user=mentee, role=Role.MENTEE).update(cohort=autumn)
    client.force_login(admin_user)

    assert names(client.get(people_url(cohort=autumn.pk))) == ["Mia Mentee"]


def test_filter_by_status(client, admin_user, program, staffed, other_mentee):
    invitee(program)
    Membership.objects.filter(user=other_mentee).update(
        is_active=False, status=MembershipStatus.GRADUATED, ended_at=timezone.now()
    )
    gone = f.UserFactory(name="Lee Left")
    f.MembershipFactory(
        user=gone,
        program=program,
        is_active=False,
        status=MembershipStatus.LEFT,
        ended_at=timezone.now(),
    )
    client.force_login(admin_user)

    assert names(client.get(people_url(status="invited"))) == ["Ivy Invitee"]
    assert names(client.get(people_url(status="graduated"))) == ["Otto Other"]
    assert names(client.get(people_url(status="left"))) == ["Lee Left"]
    active = names(client.get(people_url(status="active")))
    assert "Mia Mentee" in active
    assert not {"Ivy Invitee", "Otto Other", "Lee Left"} & set(active)


def test_filter_has_mentor(client, admin_user, program, staffed):
    invitee(program)
    client.force_login(admin_user)

    assert names(client.get(people_url(has_mentor="yes"))) == ["Mia Mentee", "Otto Other"]
    # "No" lists mentees without a mentor, not the staff who need none.
    assert names(client.get(people_url(has_mentor="no"))) == ["Ivy Invitee"]


def test_filter_has_success_manager(client, admin_user, program, staffed):
    invitee(program)
    client.force_login(admin_user)

    assert names(client.get(people_url(has_success_manager="yes"))) == [
        "Mia Mentee",
        "Otto Other",
    ]
    assert names(client.get(people_url(has_success_manager="no"))) == ["Ivy Invitee"]


def test_filter_onboarding_unfinished(client, admin_user, program, staffed):
    invitee(program)
    client.force_login(admin_user)

    assert names(client.get(people_url(onboarding="on"))) == ["Ivy Invitee"]


def test_filters_combine_on_one_membership(client, admin_user, program, staffed, cohort, mentor):
    # Mo is a mentor, and a mentee of another cohort: "mentee in Spring" is not Mo.
    other = f.CohortFactory(program=program, name="Other")
    f.MembershipFactory(user=mentor, program=program, role=Role.MENTEE, cohort=other)
    client.force_login(admin_user)

    found = names(client.get(people_url(role="mentee", cohort=cohort.pk)))

    assert found == ["Mia Mentee", "Otto Other"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("role", "<script>"),
        ("cohort", "٣"),
        ("cohort", "99999999999999999999999"),
        ("cohort", "-1"),
        ("status", "nope"),
        ("has_mentor", "maybe"),
        ("has_success_manager", "\u202e"),
        ("q", "x" * 500),
        ("page", "\u0663"),
    ],
)
def test_junk_filters_are_named_and_left_out(client, admin_user, staffed, key, value):
    client.force_login(admin_user)

    response = client.get(people_url(**{key: value}))

    assert response.status_code in (200, 400)
    assert len(response.context["rows"]) == 5  # nothing filtered out by the junk
    if key != "page":
        assert response.status_code == 400
        assert response.context["form"].errors.get(key)


def test_a_cohort_of_another_program_is_refused(client, admin_user, staffed, outsider):
    elsewhere = f.CohortFactory(program=outsider.memberships.get().program)
    client.force_login(admin_user)

    response = client.get(people_url(cohort=elsewhere.pk))

    assert response.status_code == 400
    assert response.context["form"].errors["cohort"]


# --- Paging -------------------------------------------------------------


def test_paged_by_name(client, admin_user, program):
    for i in range(PER_PAGE + 5):
        f.MembershipFactory(user=f.UserFactory(name=f"Person {i:03d}"), program=program)
    client.force_login(admin_user)

    first = client.get(people_url())
    second = client.get(people_url(page=2))

    assert len(first.context["rows"]) == PER_PAGE
    assert first.context["page"].paginator.count == PER_PAGE + 6  # and Ada
    assert names(second) == [f"Person {i:03d}" for i in range(PER_PAGE - 1, PER_PAGE + 5)]
    assert names(client.get(people_url(page=999))) == names(second)


def test_query_count_is_flat(client, admin_user, program, mentor, success_manager, cohort):
    def grow(count: int) -> None:
        for _ in range(count):
            user = f.UserFactory()
            f.MembershipFactory(
                user=user,
                program=program,
                role=Role.MENTEE,
                cohort=cohort,
                success_manager=success_manager,
                invitation_sent_at=timezone.now(),
            )
            f.MentorshipFactory(program=program, mentor=mentor, mentee=user)
            f.MembershipFactory(user=user, program=program, role=Role.MENTOR)

    client.force_login(admin_user)

    few, many = count_queries_before_and_after(client, people_url(), grow=grow, first=5, more=25)

    assert many == few


# --- Invitation status ----------------------------------------------------


def test_invitation_statuses(client, admin_user, program, settings, staffed):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
    start = timezone.now()
    invitee(program, name="Nell Notsent", email="nell@example.org")
    invitee(program, name="Sue Sent", email="sue@example.org", sent=start)
    invitee(program, name="Eve Expired", email="eve@example.org", sent=start - timedelta(days=2))
    client.force_login(admin_user)

    with time_machine.travel(start + timedelta(days=1, hours=1), tick=False):
        rows = {r.user.name: r for r in client.get(people_url()).context["rows"]}

    assert rows["Nell Notsent"].invitation.state == InvitationState.NOT_SENT
    assert rows["Sue Sent"].invitation.state == InvitationState.SENT
    assert rows["Sue Sent"].invitation.at == start
    assert rows["Eve Expired"].invitation.state == InvitationState.EXPIRED
    assert rows["Mia Mentee"].invitation.state == InvitationState.ACCEPTED
    assert not rows["Mia Mentee"].may_resend
    assert rows["Eve Expired"].may_resend


def test_the_page_shows_statuses_and_resend_buttons(client, admin_user, program, staffed):
    ivy = invitee(program, sent=timezone.now())
    client.force_login(admin_user)

    html = client.get(people_url()).text

    assert "Sent " in html and "Accepted " in html
    assert reverse("person_resend", args=["bootcamp", ivy.pk]) in html
    mia = Membership.objects.get(user__name="Mia Mentee").user
    assert reverse("person_resend", args=["bootcamp", mia.pk]) not in html


# --- Resend ---------------------------------------------------------------


def test_resend_emails_a_fresh_link_and_records_when(
    client, admin_user, program, django_capture_on_commit_callbacks
):
    sent = timezone.now() - timedelta(days=9)
    ivy = invitee(program, sent=sent)
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("person_resend", args=["bootcamp", ivy.pk]))
    account_emails_send()

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ivy@example.org"]]
    assert "/accounts/invitation/" in mail.outbox[0].body
    membership = Membership.objects.get(user=ivy)
    assert membership.invitation_sent_at is not None and membership.invitation_sent_at > sent


def test_resend_to_someone_who_accepted_is_refused(client, admin_user, mentee):
    client.force_login(admin_user)

    response = client.post(reverse("person_resend", args=["bootcamp", mentee.pk]), follow=True)

    assert mail.outbox == []
    assert "already accepted" in response.text


def test_resend_service_refuses_the_whole_batch(program, admin_user, mentee):
    ivy = invitee(program)

    with pytest.raises(ProgramError) as refused:
        services.invitations_resend(program=program, users=[ivy, mentee], by=admin_user)

    assert refused.value.code == ProgramCode.ALREADY_ACTIVATED
    assert "Mia Mentee" in refused.value.message
    assert Membership.objects.get(user=ivy).invitation_sent_at is None


def test_resend_to_someone_of_another_program_is_a_404(client, admin_user, outsider):
    client.force_login(admin_user)

    response = client.post(reverse("person_resend", args=["bootcamp", outsider.pk]))

    assert response.status_code == 404
    assert mail.outbox == []


def test_resend_is_post_only(client, admin_user, program):
    ivy = invitee(program)
    client.force_login(admin_user)

    assert client.get(reverse("person_resend", args=["bootcamp", ivy.pk])).status_code == 405


def test_an_ascii_search_finds_a_name_with_other_letters(client, admin_user, program):
    f.MembershipFactory(user=f.UserFactory(name="ÖZLEM Ünal"), program=program)
    client.force_login(admin_user)

    assert names(client.get(people_url(q="zlem"))) == ["ÖZLEM Ünal"]
