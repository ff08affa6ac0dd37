"""Staff suggestions for one mentee: ranking with reasons, hard rules, one-click match,
who may see them, and a query count that doesn't grow with the number of mentors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentora.accounts.choices import BackgroundField, KnowledgeArea, Visibility
from mentora.matching.models import RequestStatus, WithdrawReason
from mentora.matching.tests.factories import MentorRequestFactory
from mentora.matching.tests.staff_people import mentor_with, unmatched_mentee
from mentora.programs.models import EndReason, Mentorship, MentorshipStatus, Role
from mentora.tests import factories as f
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeker(program, cohort, success_manager):
    """A mentee of `success_manager` without a mentor, learning Python for the back end."""
    return unmatched_mentee(
        program,
        "Sid Seeker",
        cohort=cohort,
        success_manager=success_manager,
        learning="Backend development with Python",
        interests=[KnowledgeArea.BACKEND],
    )


def suggestions_url(program, mentee):
    return reverse("mentee_suggestions", args=[program.slug, mentee.pk])


def match_url(program, mentee):
    return reverse("mentee_match", args=[program.slug, mentee.pk])


def match_button(mentor):
    return f'<input type="hidden" name="mentor" value="{mentor.pk}">'


def live_pairs(program):
    return set(Mentorship.objects.live().filter(program=program).values_list("mentee", "mentor"))


# --- ranking and reasons -------------------------------------------------------------


def test_suggestions_rank_the_best_fit_first_with_reasons_in_words(
    client, program, seeker, success_manager
):
    good = mentor_with(program, "Bea Backend", stack=["Python", "Django"])
    weak = mentor_with(
        program, "Uma Ux", stack=["Figma"], knowledge_areas=[KnowledgeArea.UX], languages=["de"]
    )
    client.force_login(success_manager)

    response = client.get(suggestions_url(program, seeker))

    assert response.status_code == 200
    page = response.context["page"]
    assert [s.mentor.user_id for s in page.matchable] == [good.pk, weak.pk]
    assert page.matchable[0].score > page.matchable[1].score
    reasons = {r.name: r.reason for r in page.matchable[0].reasons}
    # Staff read about the mentee by name, never "you".
    assert reasons["stack"] == "Python in common (Sid Seeker is learning Python)"
    assert reasons["areas"] == "Knows Back-end, which Sid Seeker asked for"
    assert reasons["language"] == "Both speak English"
    html = response.content.decode()
    assert "Python in common" in html and "No language in common" in html
    assert match_button(good) in html and match_button(weak) in html


def test_suggestions_score_adds_up_from_the_reasons(client, program, seeker, success_manager):
    mentor_with(program, "Bea Backend")
    client.force_login(success_manager)

    page = client.get(suggestions_url(program, seeker)).context["page"]

    best = page.matchable[0]
    assert sum(r.points for r in best.reasons) == pytest.approx(best.score, abs=0.01)


# --- hard rules ----------------------------------------------------------------------


def test_suggestions_never_offer_a_full_mentor(client, program, seeker, success_manager):
    full = mentor_with(program, "Fay Full", capacity=1)
    f.MentorshipFactory(program=program, mentor=full, mentee=f.UserFactory())
    client.force_login(success_manager)

    response = client.get(suggestions_url(program, seeker))

    page = response.context["page"]
    assert [s.mentor.user_id for s in page.matchable] == []
    assert page.blocked[0].blocked == "Full: 1 of 1 places taken."
    assert match_button(full) not in response.content.decode()


def test_suggestions_never_offer_a_mentor_whose_pairing_ended_as_not_a_fit(
    client, program, seeker, success_manager, now
):
    before = mentor_with(program, "Pat Past")
    f.MentorshipFactory(
        program=program,
        mentor=before,
        mentee=seeker,
        status=MentorshipStatus.ENDED,
        ended_at=now,
        end_reason=EndReason.NOT_A_FIT,
    )
    client.force_login(success_manager)

    response = client.get(suggestions_url(program, seeker))

    page = response.context["page"]
    assert page.matchable == []
    assert "ended as not a fit" in page.blocked[0].blocked
    assert match_button(before) not in response.content.decode()


def test_suggestions_never_offer_the_mentee_to_themselves(client, program, seeker, success_manager):
    f.MembershipFactory(user=seeker, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=seeker)
    client.force_login(success_manager)

    response = client.get(suggestions_url(program, seeker))

    page = response.context["page"]
    assert page.matchable == []
    assert page.blocked[0].blocked == "This is the mentee themselves."
    assert match_button(seeker) not in response.content.decode()


def test_suggestions_honour_must_share_a_language(client, program, seeker, success_manager):
    program.must_share_language = True
    program.save()
    mentor_with(program, "Dieter Deutsch", languages=["de"])
    client.force_login(success_manager)

    page = client.get(suggestions_url(program, seeker)).context["page"]

    assert page.matchable == []
    assert "Shares no language" in page.blocked[0].blocked


def test_suggestions_show_a_matched_mentee_without_match_buttons(
    client, program, mentee, mentor, success_manager
):
    other = mentor_with(program, "Bea Backend")
    client.force_login(success_manager)

    response = client.get(suggestions_url(program, mentee))

    page = response.context["page"]
    assert page.already_matched
    assert [s.blocked for s in page.blocked] == ["Already their mentor."]
    assert match_button(other) not in response.content.decode()


# --- privacy of background ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "shown"), [(Visibility.PRIVATE, False), (Visibility.PROGRAM, True)]
)
def test_suggestions_use_a_mentors_background_only_when_shared_with_the_program(
    client, program, cohort, success_manager, visibility, shown
):
    seeker = unmatched_mentee(
        program,
        "Sid Seeker",
        cohort=cohort,
        success_manager=success_manager,
        wants_shared_background=True,
    )
    f.BackgroundAnswerFactory(user=seeker, field=BackgroundField.FIRST_IN_FAMILY)
    mentor = mentor_with(program, "Bea Backend", education_path="")
    f.BackgroundAnswerFactory(
        user=mentor, field=BackgroundField.FIRST_IN_FAMILY, visibility=visibility
    )
    client.force_login(success_manager)

    response = client.get(suggestions_url(program, seeker))

    reasons = {r.name: r.reason for r in response.context["page"].matchable[0].reasons}
    assert ("first in family" in reasons["background"].lower()) is shown
    assert ("first in family in tech" in response.content.decode().lower()) is shown


def test_suggestions_say_nothing_about_background_the_mentee_did_not_ask_for(
    client, program, seeker, success_manager
):
    mentor = mentor_with(program, "Bea Backend")
    f.BackgroundAnswerFactory(user=mentor, visibility=Visibility.PROGRAM)
    client.force_login(success_manager)

    page = client.get(suggestions_url(program, seeker)).context["page"]

    assert "background" not in {r.name for r in page.matchable[0].reasons}


# --- one click ---------------------------------------------------------------------------


def test_match_starts_the_mentorship_in_one_click(client, program, seeker, success_manager):
    mentor = mentor_with(program, "Bea Backend")
    waiting = MentorRequestFactory(program=program, mentee=seeker, mentor=mentor_with(program, "X"))
    client.force_login(success_manager)

    response = client.post(match_url(program, seeker), {"mentor": mentor.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("mentee_detail", args=[program.slug, seeker.pk])
    assert live_pairs(program) == {(seeker.pk, mentor.pk)}
    waiting.refresh_from_db()
    assert (waiting.status, waiting.withdraw_reason) == (
        RequestStatus.WITHDRAWN,
        WithdrawReason.MATCHED_ELSEWHERE,
    )


def test_match_refuses_a_second_click_cleanly(client, program, seeker, success_manager):
    first, second = mentor_with(program, "Bea Backend"), mentor_with(program, "Cy Second")
    client.force_login(success_manager)
    client.post(match_url(program, seeker), {"mentor": first.pk})

    response = client.post(match_url(program, seeker), {"mentor": second.pk})

    assert response.status_code == 409
    assert "already has a mentor" in response.content.decode()
    assert live_pairs(program) == {(seeker.pk, first.pk)}


def test_match_refuses_a_full_mentor(client, program, seeker, success_manager):
    full = mentor_with(program, "Fay Full", capacity=1)
    f.MentorshipFactory(program=program, mentor=full, mentee=f.UserFactory())
    client.force_login(success_manager)

    response = client.post(match_url(program, seeker), {"mentor": full.pk})

    assert response.status_code == 409
    assert "Full: 1 of 1 places taken." in response.content.decode()
    assert not Mentorship.objects.filter(mentee=seeker).exists()


def test_match_refuses_a_past_not_a_fit_pairing(client, program, seeker, success_manager, now):
    before = mentor_with(program, "Pat Past")
    f.MentorshipFactory(
        program=program,
        mentor=before,
        mentee=seeker,
        status=MentorshipStatus.ENDED,
        ended_at=now,
        end_reason=EndReason.NOT_A_FIT,
    )
    client.force_login(success_manager)

    response = client.post(match_url(program, seeker), {"mentor": before.pk})

    assert response.status_code == 409
    assert not Mentorship.objects.live().filter(mentee=seeker).exists()


def test_match_refuses_self(client, program, seeker, success_manager):
    f.MembershipFactory(user=seeker, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=seeker)
    client.force_login(success_manager)

    response = client.post(match_url(program, seeker), {"mentor": seeker.pk})

    assert response.status_code == 409
    assert not Mentorship.objects.filter(mentee=seeker).exists()


@pytest.mark.parametrize("junk", ["", "abc", "-1", "0", "99999999999999", "1e9", "<script>"])
def test_match_answers_junk_mentor_ids_without_a_500(
    client, program, seeker, success_manager, junk
):
    client.force_login(success_manager)

    response = client.post(match_url(program, seeker), {"mentor": junk})

    assert response.status_code == 409
    assert not Mentorship.objects.filter(mentee=seeker).exists()


def test_match_refuses_a_mentor_of_another_program(client, program, seeker, success_manager):
    elsewhere = f.ProgramFactory()
    stranger = mentor_with(elsewhere, "Sam Stranger")
    client.force_login(success_manager)

    response = client.post(match_url(program, seeker), {"mentor": stranger.pk})

    assert response.status_code == 409
    assert "a mentor in this program" in response.content.decode()
    assert not Mentorship.objects.filter(mentee=seeker).exists()


def test_match_page_answers_get_with_405(client, program, seeker, success_manager):
    client.force_login(success_manager)

    assert client.get(match_url(program, seeker)).status_code == 405


# --- who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["success_manager", "admin_user"])
def test_suggestions_open_to_the_mentees_success_manager_and_admins(
    client, request, program, seeker, person
):
    mentor = mentor_with(program, "Bea Backend")
    client.force_login(request.getfixturevalue(person))

    assert client.get(suggestions_url(program, seeker)).status_code == 200
    assert client.post(match_url(program, seeker), {"mentor": mentor.pk}).status_code == 302


@pytest.fixture
def other_success_manager(program):
    user = f.UserFactory(name="Oli Other-Manager")
    f.MembershipFactory(user=user, program=program, role=Role.SUCCESS_MANAGER)
    return user


@pytest.mark.parametrize(
    "person", ["mentor", "mentee", "other_mentee", "outsider", "other_success_manager", "seeker"]
)
def test_suggestions_are_404_for_everyone_else(client, request, program, seeker, person):
    mentor = mentor_with(program, "Bea Backend")
    client.force_login(request.getfixturevalue(person))

    assert client.get(suggestions_url(program, seeker)).status_code == 404
    assert client.post(match_url(program, seeker), {"mentor": mentor.pk}).status_code == 404
    assert not Mentorship.objects.filter(mentee=seeker).exists()


def test_suggestions_are_404_for_someone_who_is_not_a_mentee(client, program, mentor, admin_user):
    client.force_login(admin_user)

    assert client.get(suggestions_url(program, mentor)).status_code == 404
    assert client.get(reverse("mentee_suggestions", args=[program.slug, 999999])).status_code == 404


@pytest.mark.parametrize("name", ["mentee_suggestions", "mentee_match"])
def test_an_id_too_big_for_the_database_is_404_not_500(client, program, admin_user, name):
    client.force_login(admin_user)
    too_big = 10**20  # SQLite refuses it as a foreign-key value rather than finding nothing

    # Written by hand: reverse() itself refuses an id the <id:> converter can't hold.
    url = reverse(name, args=[program.slug, 1]).replace("/1/", f"/{too_big}/")

    response = client.post(url, {"mentor": 1})

    assert response.status_code == 404


def test_mentee_page_links_to_suggestions_for_staff_only(client, program, seeker, success_manager):
    link = suggestions_url(program, seeker)
    client.force_login(success_manager)
    assert (
        link
        in client.get(reverse("mentee_detail", args=[program.slug, seeker.pk])).content.decode()
    )

    client.force_login(seeker)
    assert (
        link
        not in client.get(reverse("mentee_detail", args=[program.slug, seeker.pk])).content.decode()
    )


def test_success_managers_home_links_an_unmatched_mentee_to_suggestions(
    client, program, seeker, success_manager
):
    client.force_login(success_manager)

    response = client.get(reverse("program_home", args=[program.slug]))

    assert suggestions_url(program, seeker) in response.content.decode()


# --- query count ----------------------------------------------------------------------------


def test_suggestions_query_count_does_not_grow_with_mentors(
    client, program, seeker, success_manager
):
    def grow(n: int) -> None:
        for _ in range(n):
            mentor = mentor_with(program, "Any Mentor", stack=["Python", "Go"])
            f.BackgroundAnswerFactory(user=mentor, visibility=Visibility.PROGRAM)
            f.MentorshipFactory(program=program, mentor=mentor, mentee=f.UserFactory())

    client.force_login(success_manager)

    few, many = count_queries_before_and_after(client, suggestions_url(program, seeker), grow=grow)

    assert many == few


def test_suggestions_for_a_mentee_without_a_profile_say_why_there_are_none(
    client, program, cohort, success_manager
):
    blank = f.UserFactory(name="Bo Blank")
    f.MembershipFactory(
        user=blank,
        program=program,
        role=Role.MENTEE,
        cohort=cohort,
        success_manager=success_manager,
    )
    mentor = mentor_with(program, "Bea Backend")
    client.force_login(success_manager)

    page = client.get(suggestions_url(program, blank))
    match = client.post(match_url(program, blank), {"mentor": mentor.pk})

    assert "filled in a mentee profile yet" in page.content.decode()
    assert match.status_code == 409
    assert not Mentorship.objects.filter(mentee=blank).exists()
