"""Relationship-health pages: who may open them, what they do, and bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse

from mentora.matching.models import ConcernOutcome, ConcernStatus
from mentora.matching.tests.factories import ConcernFactory
from mentora.programs.models import EndReason, Mentorship, MentorshipStatus, Role
from mentora.scheduling.models import CancelReason, SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def url(name, program, *args):
    return reverse(name, args=[program.slug, *args])


def a_mentor(program, name="Nia New", capacity=3):
    user = f.UserFactory(name=name, time_zone="Europe/Berlin")
    f.MembershipFactory(user=user, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=user, capacity=capacity)
    return user


@pytest.fixture
def new_mentor(program):
    return a_mentor(program)


@pytest.fixture
def concern(mentorship):
    return ConcernFactory(mentorship=mentorship, created_at=NOW - timedelta(days=1))


@pytest.fixture
def mentor_concern(mentorship, mentor):
    return ConcernFactory(
        mentorship=mentorship, raised_by=mentor, created_at=NOW - timedelta(hours=3)
    )


def other_success_manager(program):
    user = f.UserFactory(name="Sid Other")
    f.MembershipFactory(user=user, program=program, role=Role.SUCCESS_MANAGER)
    return user


# --- re-match ---------------------------------------------------------------------------


def test_rematch_page_lists_ranked_mentors_without_the_old_one(
    client, program, mentorship, success_manager, new_mentor, mentor
):
    client.force_login(success_manager)

    response = client.get(url("mentorship_rematch", program, mentorship.pk))

    assert response.status_code == 200
    assert [r.mentor.user_id for r in response.context["ranked"]] == [new_mentor.pk]
    assert f'value="{mentor.pk}"' not in response.text
    assert new_mentor.name in response.text


def test_rematch_through_the_page_ends_old_and_starts_new(
    client, program, mentorship, mentee, success_manager, new_mentor
):
    future = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=2))
    client.force_login(success_manager)

    response = client.post(
        url("mentorship_rematch", program, mentorship.pk),
        {"mentor": new_mentor.pk, "reason": EndReason.NOT_A_FIT, "note": "Different goals."},
    )

    assert response.status_code == 302
    assert response.url == url("mentee_history", program, mentee.pk)
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ENDED
    assert mentorship.end_reason == EndReason.NOT_A_FIT
    assert Mentorship.objects.live().get(mentee=mentee).mentor == new_mentor
    future.refresh_from_db()
    assert future.status == SessionStatus.CANCELLED
    assert future.cancel_reason == CancelReason.MENTORSHIP_ENDED


def test_rematch_from_a_concern_resolves_it(
    client, program, mentorship, concern, success_manager, new_mentor
):
    client.force_login(success_manager)

    client.post(
        url("mentorship_rematch", program, mentorship.pk),
        {"mentor": new_mentor.pk, "reason": EndReason.REMATCHED, "concern": concern.pk},
    )

    concern.refresh_from_db()
    assert concern.status == ConcernStatus.RESOLVED
    assert concern.outcome == ConcernOutcome.REMATCHED
    assert concern.new_mentorship.mentor == new_mentor


def test_rematch_to_a_full_mentor_is_refused_and_nothing_changes(
    client, program, mentorship, success_manager
):
    full = a_mentor(program, "Fay Full", capacity=1)
    f.MentorshipFactory(program=program, mentor=full, mentee=f.UserFactory())
    client.force_login(success_manager)

    response = client.post(
        url("mentorship_rematch", program, mentorship.pk),
        {"mentor": full.pk, "reason": EndReason.REMATCHED},
    )

    assert response.status_code == 409
    assert "has no room for another mentee" in response.text
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


def test_rematch_to_the_same_mentor_is_not_offered(
    client, program, mentorship, success_manager, mentor
):
    client.force_login(success_manager)

    response = client.post(
        url("mentorship_rematch", program, mentorship.pk),
        {"mentor": mentor.pk, "reason": EndReason.REMATCHED},
    )

    assert response.status_code == 400
    assert "Choose a mentor from the list." in response.text
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


def test_rematch_of_an_ended_mentorship_shows_it_ended(
    client, program, mentorship, success_manager, new_mentor
):
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=MentorshipStatus.ENDED, ended_at=NOW, end_reason=EndReason.COMPLETED
    )
    client.force_login(success_manager)

    response = client.post(
        url("mentorship_rematch", program, mentorship.pk),
        {"mentor": new_mentor.pk, "reason": EndReason.REMATCHED},
    )

    assert response.status_code == 200
    assert "has already ended" in response.text
    assert not Mentorship.objects.filter(mentor=new_mentor).exists()


@pytest.mark.parametrize("reason", ["", "completed", "nonsense"])
def test_rematch_with_a_bad_reason_is_refused(
    client, program, mentorship, success_manager, new_mentor, reason
):
    client.force_login(success_manager)

    response = client.post(
        url("mentorship_rematch", program, mentorship.pk),
        {"mentor": new_mentor.pk, "reason": reason},
    )

    assert response.status_code == 400
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


@pytest.mark.parametrize("person", ["mentee", "mentor", "other_mentee", "outsider"])
def test_rematch_page_is_404_for_anyone_but_staff(
    client, request, program, mentorship, new_mentor, person
):
    client.force_login(request.getfixturevalue(person))

    get = client.get(url("mentorship_rematch", program, mentorship.pk))
    post = client.post(
        url("mentorship_rematch", program, mentorship.pk),
        {"mentor": new_mentor.pk, "reason": EndReason.REMATCHED},
    )

    assert (get.status_code, post.status_code) == (404, 404)
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


def test_rematch_page_is_404_for_another_success_manager(client, program, mentorship):
    client.force_login(other_success_manager(program))

    assert client.get(url("mentorship_rematch", program, mentorship.pk)).status_code == 404


def test_rematch_page_is_open_to_program_admins(client, program, mentorship, admin_user):
    client.force_login(admin_user)

    assert client.get(url("mentorship_rematch", program, mentorship.pk)).status_code == 200


def test_rematch_with_a_concern_of_another_mentorship_is_404(
    client, program, mentorship, other_mentee, success_manager, new_mentor
):
    elsewhere = ConcernFactory(mentorship=other_mentee.mentorships_as_mentee.get())
    client.force_login(success_manager)

    response = client.get(
        url("mentorship_rematch", program, mentorship.pk), {"concern": elsewhere.pk}
    )

    assert response.status_code == 404
