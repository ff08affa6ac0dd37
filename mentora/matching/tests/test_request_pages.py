"""Request pages: who sees which request, asking, answering, bad input, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.matching.mentor_requests.services import request_create
from mentora.matching.models import MentorRequest, RequestStatus
from mentora.matching.tests.people import MESSAGE, mentee_in, mentor_in
from mentora.programs.models import Membership, Mentorship, Role
from mentora.tests import factories as f
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = pytest.mark.django_db

TUESDAY_18 = {"slot": "1-18:00", "frequency": "weekly"}


@pytest.fixture
def seeker(program, cohort, success_manager):
    user = mentee_in(program, "Sid Seeker")
    Membership.objects.filter(user=user, program=program).update(
        cohort=cohort, success_manager=success_manager
    )
    return user


@pytest.fixture
def rae(program):
    return mentor_in(program, "Rae Mentor")


@pytest.fixture
def asked(program, seeker, rae):
    return request_create(program=program, mentee=seeker, mentor=rae, message=MESSAGE)


def page(name, program, *args):
    return reverse(name, args=[program.slug, *args])


# --- asking ---------------------------------------------------------------------------


def test_request_page_sends_the_request(client, program, seeker, rae):
    client.force_login(seeker)

    response = client.post(page("mentor_request", program, rae.pk), {"message": MESSAGE})

    sent = MentorRequest.objects.get()
    assert response.status_code == 302
    assert response.url == page("request_detail", program, sent.pk)
    assert (sent.mentee, sent.mentor, sent.status) == (seeker, rae, RequestStatus.OPEN)


@pytest.mark.parametrize(
    ("message", "error"),
    [("Help me please.", "at least a couple of sentences"), ("x" * 2001, "under 2000")],
)
def test_request_page_bad_message_is_shown_next_to_the_field(
    client, program, seeker, rae, message, error
):
    client.force_login(seeker)

    response = client.post(page("mentor_request", program, rae.pk), {"message": message})

    assert response.status_code == 400
    assert error in str(response.context["form"].errors["message"])
    assert not MentorRequest.objects.exists()


def test_request_page_full_mentor_says_full_and_offers_no_form(client, program, seeker):
    full = mentor_in(program, "Full Mentor", capacity=1)
    f.MentorshipFactory(program=program, mentor=full, mentee=mentee_in(program, "Taken"))
    client.force_login(seeker)

    shown = client.get(page("mentor_request", program, full.pk))
    posted = client.post(page("mentor_request", program, full.pk), {"message": MESSAGE})

    assert 'data-refusal="mentor_full"' in shown.text
    assert "<textarea" not in shown.text
    assert posted.status_code == 409
    assert not MentorRequest.objects.exists()


def test_request_page_over_the_cap_is_refused(client, program, seeker):
    program.max_open_requests = 1
    program.save()
    first, second = mentor_in(program, "First"), mentor_in(program, "Second")
    request_create(program=program, mentee=seeker, mentor=first, message=MESSAGE)
    client.force_login(seeker)

    response = client.post(page("mentor_request", program, second.pk), {"message": MESSAGE})

    assert response.status_code == 409
    assert "1 open requests, the most this program allows" in response.text
    assert MentorRequest.objects.count() == 1


def test_request_page_mentee_with_a_mentor_is_refused(client, program, mentee, rae):
    client.force_login(mentee)

    response = client.get(page("mentor_request", program, rae.pk))

    assert 'data-refusal="has_mentor"' in response.text


# --- who sees what ---------------------------------------------------------------------


def test_requests_list_mentee_never_sees_another_mentees_requests(client, program, asked, rae):
    other = mentee_in(program, "Other Seeker")
    request_create(program=program, mentee=other, mentor=rae, message=MESSAGE + " Other one.")
    client.force_login(other)

    response = client.get(page("requests_list", program))

    assert [r.mentee for r in response.context["lists"].sent] == [other]
    assert response.context["lists"].received is None
    assert response.context["lists"].staff is None
    assert "Sid Seeker" not in response.text


def test_requests_list_mentor_sees_only_requests_to_them(client, program, asked, seeker):
    other_mentor = mentor_in(program, "Other Mentor")
    client.force_login(other_mentor)

    response = client.get(page("requests_list", program))

    assert response.context["lists"].received == []
    assert "Sid Seeker" not in response.text


def test_request_detail_another_mentee_gets_404(client, program, asked, other_mentee):
    client.force_login(other_mentee)

    assert client.get(page("request_detail", program, asked.pk)).status_code == 404


def test_request_detail_another_mentor_gets_404(client, program, asked, mentor):
    client.force_login(mentor)

    assert client.get(page("request_detail", program, asked.pk)).status_code == 404


def test_request_detail_the_mentees_success_manager_reads_it(
    client, program, asked, success_manager
):
    client.force_login(success_manager)

    response = client.get(page("request_detail", program, asked.pk))

    assert response.status_code == 200
    assert "land my first developer job" in response.text
    assert "Accept and propose" not in response.text


def test_request_detail_another_success_manager_gets_404(client, program, asked):
    other_manager = f.UserFactory(name="Other Manager")
    f.MembershipFactory(user=other_manager, program=program, role=Role.SUCCESS_MANAGER)
    client.force_login(other_manager)

    assert client.get(page("request_detail", program, asked.pk)).status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("mentor_directory", "get"),
        ("mentor_request", "get"),
        ("mentor_request", "post"),
        ("requests_list", "get"),
        ("request_detail", "get"),
        ("request_accept", "post"),
        ("request_decline", "post"),
        ("request_withdraw", "post"),
    ],
)
def test_every_request_page_outsider_gets_404(client, program, outsider, asked, rae, name, method):
    arg = {"mentor_request": [rae.pk], "mentor_directory": [], "requests_list": []}
    client.force_login(outsider)

    response = getattr(client, method)(page(name, program, *arg.get(name, [asked.pk])), TUESDAY_18)

    assert response.status_code == 404
    assert MentorRequest.objects.get().status == RequestStatus.OPEN


@pytest.mark.parametrize("name", ["request_accept", "request_decline"])
def test_request_answers_by_the_mentee_get_404(client, program, asked, seeker, name):
    client.force_login(seeker)

    response = client.post(page(name, program, asked.pk), {**TUESDAY_18, "reason": "other"})

    assert response.status_code == 404
    assert MentorRequest.objects.get().status == RequestStatus.OPEN


def test_request_withdraw_by_the_mentor_gets_404(client, program, asked, rae):
    client.force_login(rae)

    assert client.post(page("request_withdraw", program, asked.pk)).status_code == 404


# --- answering -------------------------------------------------------------------------


def test_request_detail_offers_the_mentors_weekly_times_in_both_zones(client, program, asked, rae):
    client.force_login(rae)

    response = client.get(page("request_detail", program, asked.pk))

    assert response.status_code == 200
    assert "Tuesday 18:00 EST · for them Wednesday 00:00 CET" in (response.text)


def test_request_detail_tells_the_mentor_about_the_mentee(client, program, asked, rae):
    client.force_login(rae)

    response = client.get(page("request_detail", program, asked.pk))

    assert "Full-stack web development with Python" in response.text
    assert "Junior backend developer" in response.text
    assert page("mentee_detail", program, asked.mentee_id) not in response.text  # not theirs yet


def test_request_accept_page_starts_the_mentorship(client, program, asked, rae, seeker):
    client.force_login(rae)

    response = client.post(page("request_accept", program, asked.pk), TUESDAY_18)

    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == RequestStatus.ACCEPTED
    assert Mentorship.objects.live().get(mentee=seeker).mentor == rae


def test_request_accept_page_twice_says_so_without_a_500(client, program, asked, rae):
    client.force_login(rae)
    client.post(page("request_accept", program, asked.pk), TUESDAY_18)

    again = client.post(page("request_accept", program, asked.pk), TUESDAY_18)

    assert again.status_code == 409
    assert "already been accepted" in again.text
    assert Mentorship.objects.filter(mentor=rae).count() == 1


def test_request_accept_page_expired_request_says_so(client, program, asked, rae):
    client.force_login(rae)

    MentorRequest.objects.filter(pk=asked.pk).update(
        created_at=timezone.now() - timedelta(days=15),
        expires_at=timezone.now() - timedelta(days=1),
    )

    response = client.post(page("request_accept", program, asked.pk), TUESDAY_18)

    assert response.status_code == 409
    assert "expired" in response.text
    assert not Mentorship.objects.filter(mentor=rae).exists()


@pytest.mark.parametrize("slot", ["", "9-99:99", "1-19:30", "x'--"])
def test_request_accept_page_junk_time_is_refused_next_to_the_field(
    client, program, asked, rae, slot
):
    client.force_login(rae)

    response = client.post(page("request_accept", program, asked.pk), {"slot": slot})

    assert response.status_code == 400
    assert "slot" in response.context["accept_form"].errors
    assert MentorRequest.objects.get().status == RequestStatus.OPEN


def test_request_accept_page_without_weekly_hours_points_to_availability(client, program, seeker):
    bare = mentor_in(program, "No Hours", hours=())
    asked = request_create(program=program, mentee=seeker, mentor=bare, message=MESSAGE)
    client.force_login(bare)

    response = client.get(page("request_detail", program, asked.pk))

    assert page("availability_edit", program) in response.text


def test_request_decline_page_keeps_the_reason(client, program, asked, rae):
    client.force_login(rae)

    response = client.post(
        page("request_decline", program, asked.pk), {"reason": "schedule", "note": "Mornings?"}
    )

    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.decline_reason, asked.decline_note) == (
        RequestStatus.DECLINED,
        "schedule",
        "Mornings?",
    )


def test_request_detail_shows_the_mentee_why_it_was_declined(client, program, asked, rae, seeker):
    client.force_login(rae)
    client.post(
        page("request_decline", program, asked.pk),
        {"reason": "outside_expertise", "note": "Ask <b>Ana</b>: she does data."},
    )
    client.force_login(seeker)

    response = client.get(page("request_detail", program, asked.pk))

    assert "The reason: “It&#x27;s outside my expertise”" in response.text
    assert "Ask &lt;b&gt;Ana&lt;/b&gt;: she does data." in response.text


def test_request_decline_page_junk_reason_is_refused(client, program, asked, rae):
    client.force_login(rae)

    response = client.post(page("request_decline", program, asked.pk), {"reason": "bored"})

    assert response.status_code == 400
    assert "Choose a reason from the list." in response.text
    assert MentorRequest.objects.get().status == RequestStatus.OPEN


def test_request_withdraw_page_closes_it(client, program, asked, seeker):
    client.force_login(seeker)

    response = client.post(page("request_withdraw", program, asked.pk))

    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == RequestStatus.WITHDRAWN


def test_request_withdraw_page_twice_says_so(client, program, asked, seeker):
    client.force_login(seeker)
    client.post(page("request_withdraw", program, asked.pk))

    response = client.post(page("request_withdraw", program, asked.pk), follow=True)

    assert "This request was withdrawn." in response.text


# --- entry points on other pages -----------------------------------------------------------


def test_mentor_page_offers_a_request_to_a_mentee_without_a_mentor(client, program, seeker, rae):
    client.force_login(seeker)

    response = client.get(page("mentor_detail", program, rae.pk))

    assert "Request as my mentor" in response.text
    assert page("mentor_request", program, rae.pk) in response.text


def test_mentor_page_of_a_full_mentor_offers_no_request(client, program, seeker):
    full = mentor_in(program, "Full Mentor", capacity=1)
    f.MentorshipFactory(program=program, mentor=full, mentee=mentee_in(program, "Taken"))
    client.force_login(seeker)

    response = client.get(page("mentor_detail", program, full.pk))

    assert "Request as my mentor" not in response.text
    assert 'data-refusal="mentor_full"' in response.text


def test_mentor_page_shows_the_open_request(client, program, asked, seeker, rae):
    client.force_login(seeker)

    response = client.get(page("mentor_detail", program, rae.pk))

    assert page("request_detail", program, asked.pk) in response.text
    assert "Request as my mentor" not in response.text


def test_home_of_a_mentee_without_a_mentor_links_the_directory_and_open_requests(
    client, program, asked, seeker
):
    client.force_login(seeker)

    response = client.get(page("program_home", program))

    assert page("mentor_directory", program) in response.text
    assert page("request_detail", program, asked.pk) in response.text


def test_home_of_a_mentor_lists_requests_waiting(client, program, asked, rae):
    client.force_login(rae)

    response = client.get(page("program_home", program))

    assert "Requests waiting for you" in response.text
    assert page("request_detail", program, asked.pk) in response.text


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["rae", "admin_user"])
def test_requests_list_query_count_does_not_grow(client, request, program, rae, viewer):
    client.force_login(request.getfixturevalue(viewer))

    def grow(n):
        for _ in range(n):
            request_create(program=program, mentee=mentee_in(program), mentor=rae, message=MESSAGE)
            old = request_create(
                program=program,
                mentee=mentee_in(program),
                mentor=rae,
                message=MESSAGE,
                now=timezone.now() - timedelta(days=60),
            )
            assert old.pk

    few, many = count_queries_before_and_after(client, page("requests_list", program), grow=grow)

    assert few == many


# --- junk input, whoever asks ----------------------------------------------------------------

JUNK = {
    "page": "abc",
    "stack": "x'--",
    "min_years": "1e9",
    "area": "\u0001",  # a NUL would refuse the whole request (mentora/tests/test_inputs.py)
    "slot": "9-99:99",
    "frequency": "hourly",
    "reason": "<script>",
    "note": "x" * 600,
    "message": "x" * 3000,
}


@pytest.mark.parametrize(
    "person", ["seeker", "rae", "mentee", "mentor", "success_manager", "admin_user", "outsider"]
)
def test_request_pages_never_answer_junk_with_a_500(client, request, program, asked, rae, person):
    client.force_login(request.getfixturevalue(person))
    pages = [page("mentor_directory", program), page("requests_list", program)]
    pages += [page("mentor_request", program, rae.pk)]
    pages += [
        page(name, program, asked.pk)
        for name in ("request_detail", "request_accept", "request_decline", "request_withdraw")
    ]

    for url in pages:
        assert client.get(url, JUNK).status_code < 500, url
        assert client.post(url, JUNK).status_code < 500, url
    # Only the seeker's own withdraw takes no input; junk accepts or declines nothing.
    expected = RequestStatus.WITHDRAWN if person == "seeker" else RequestStatus.OPEN
    assert MentorRequest.objects.get().status == expected
    assert not Mentorship.objects.filter(mentor=rae).exists()
