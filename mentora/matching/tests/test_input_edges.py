"""Matching inputs at the edges (issue 19): ids in query strings and forms that
are digits only to str.isdigit ("²"), or 5,000 of them, are no id: the page
shows without it instead of a 500, and nothing is written."""

from datetime import timedelta

import pytest
from django.urls import reverse

from mentora.matching.tests.factories import ConcernFactory
from mentora.programs.models import Mentorship, Role
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

NOT_IDS = ["²", "٣", "9" * 5000, "9" * 25, "-1", "1.0", ""]


def url(name, program, *args):
    return reverse(name, args=[program.slug, *args])


@pytest.fixture
def concern(mentorship):
    return ConcernFactory(mentorship=mentorship, created_at=NOW - timedelta(days=1))


@pytest.fixture
def new_mentor(program):
    user = f.UserFactory(name="Nia New", time_zone="Europe/Berlin")
    f.MembershipFactory(user=user, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=user, capacity=3)
    return user


@pytest.mark.parametrize("raw", NOT_IDS)
def test_the_rematch_page_with_a_concern_that_is_no_id_is_shown_without_it(
    client, program, mentorship, concern, success_manager, raw
):
    client.force_login(success_manager)

    response = client.get(url("mentorship_rematch", program, mentorship.pk), {"concern": raw})

    assert response.status_code == 200


@pytest.mark.parametrize("raw", ["²", "9" * 5000])
def test_rematching_with_a_junk_concern_is_a_rematch_not_a_500(
    client, program, mentorship, concern, success_manager, new_mentor, raw
):
    client.force_login(success_manager)

    response = client.post(
        url("mentorship_rematch", program, mentorship.pk),
        {"mentor": new_mentor.pk, "reason": "rematched", "concern": raw},
    )

    assert response.status_code == 302
    assert Mentorship.objects.live().get(mentee=mentorship.mentee).mentor == new_mentor


@pytest.mark.parametrize("raw", NOT_IDS)
def test_a_rematch_to_a_mentor_that_is_no_id_changes_nothing(
    client, program, mentorship, success_manager, raw
):
    client.force_login(success_manager)

    response = client.post(
        url("mentorship_rematch", program, mentorship.pk), {"mentor": raw, "reason": "rematched"}
    )

    assert response.status_code in (400, 409)
    assert Mentorship.objects.live().get() == mentorship


@pytest.mark.parametrize("page", NOT_IDS)
def test_the_directory_with_a_junk_page_number_shows_the_first_page(client, program, mentee, page):
    client.force_login(mentee)

    response = client.get(url("mentor_directory", program), {"page": page})

    assert response.status_code == 200


@pytest.mark.parametrize("field", ["min_years", "min_overlap", "stack"])
@pytest.mark.parametrize("raw", ["²", "٣", "9" * 5000])
def test_directory_filters_in_other_digits_are_left_out_with_a_message(
    client, program, mentee, field, raw
):
    client.force_login(mentee)

    response = client.get(url("mentor_directory", program), {field: raw})

    assert response.status_code == 200
