"""Relationship-health pages: who may open them, what they do, and bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse

from mentora.matching.models import Concern, ConcernOutcome, ConcernStatus
from mentora.matching.tests.factories import ConcernFactory, PulseFactory
from mentora.programs.models import EndReason, Mentorship, MentorshipStatus, Role
from mentora.scheduling.models import CancelReason, SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW
from mentora.tests.querycount import count_queries_before_and_after

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


def _mentor_with(program, name, stack, capacity=3):
    user = f.UserFactory(name=name, time_zone="Europe/Berlin")
    f.MembershipFactory(user=user, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=user, capacity=capacity, stack=stack)
    return user


def test_rematch_list_is_sorted_by_fit_with_full_mentors_set_apart(
    client, program, mentorship, success_manager, mentee
):
    # The mentee works with Django, Python and Postgres: the more a mentor shares, the better.
    mentee.mentee_profile.stack.set(
        [f.TechnologyFactory(name=n) for n in ("Django", "Python", "Postgres")]
    )
    _mentor_with(program, "Lou Low", ["Go"])
    _mentor_with(program, "Bea Best", ["Django", "Python", "Postgres"])
    full_best = _mentor_with(program, "Fran Full", ["Django", "Python", "Postgres"], capacity=1)
    f.MentorshipFactory(program=program, mentor=full_best, mentee=f.UserFactory())
    client.force_login(success_manager)

    response = client.get(url("mentorship_rematch", program, mentorship.pk))

    choices = response.context["choices"]
    assert [r.mentor.name for r in choices.with_room] == ["Bea Best", "Lou Low"]
    assert [r.mentor.name for r in choices.set_apart] == ["Fran Full"]
    scores = [r.score for r in choices.with_room]
    assert scores == sorted(scores, reverse=True)
    page = response.text
    assert page.index("Bea Best") < page.index("Lou Low") < page.index("Fran Full")
    set_apart = page.split('id="rematch-set-apart"')[1]
    assert "Fran Full" in set_apart and "Lou Low" not in set_apart
    assert "best fit first" in page.split('id="rematch-set-apart"')[0]
    # Reasons for staff speak about the mentee, not to them.
    assert "you're learning" not in page and "which you asked for" not in page
    assert "which Mia Mentee asked for" in page


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


# --- concerns ---------------------------------------------------------------------------


def test_mentee_raises_a_concern_through_the_page(client, program, mentorship, mentee):
    client.force_login(mentee)

    response = client.post(
        url("concern_new", program, mentorship.pk),
        {"reason": "schedule", "details": "We can never find a time."},
    )

    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response.url == url("concern_detail", program, concern.pk)
    assert (concern.raised_by, concern.reason, concern.status) == (mentee, "schedule", "open")


def test_concern_page_tells_the_mentee_who_reads_it(client, program, mentorship, mentee):
    client.force_login(mentee)

    html = client.get(url("concern_new", program, mentorship.pk)).text

    assert "Sam Success" in html
    assert "Mo Mentor does not see it" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a reason."),
        ({"reason": "nope"}, "Choose a reason from the list."),
        ({"reason": "other", "details": ""}, "Tell your success manager a little about it."),
        ({"reason": "schedule", "details": "x" * 2001}, "Keep it under 2,000 characters."),
    ],
)
def test_concern_form_refuses_bad_input_with_a_message(
    client, program, mentorship, mentee, data, message
):
    client.force_login(mentee)

    response = client.post(url("concern_new", program, mentorship.pk), data)

    assert response.status_code in (400, 409)
    assert message in response.text
    assert not Concern.objects.exists()


def test_second_open_concern_is_refused_on_the_page(client, program, mentorship, mentee, concern):
    client.force_login(mentee)

    response = client.post(url("concern_new", program, mentorship.pk), {"reason": "schedule"})

    assert response.status_code == 409
    assert "already raised a concern" in response.text
    assert Concern.objects.count() == 1


@pytest.mark.parametrize("person", ["other_mentee", "outsider", "success_manager", "admin_user"])
def test_concern_new_is_only_for_the_two_parties(client, request, program, mentorship, person):
    client.force_login(request.getfixturevalue(person))

    get = client.get(url("concern_new", program, mentorship.pk))
    post = client.post(url("concern_new", program, mentorship.pk), {"reason": "schedule"})

    assert (get.status_code, post.status_code) == (404, 404)
    assert not Concern.objects.exists()


@pytest.mark.parametrize("person", ["mentee", "success_manager", "admin_user"])
def test_mentees_concern_is_seen_by_its_author_and_staff(client, request, program, concern, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get(url("concern_detail", program, concern.pk))

    assert response.status_code == 200
    assert "We keep talking past each other" in response.text


@pytest.mark.parametrize("person", ["mentor", "other_mentee", "outsider"])
def test_mentees_concern_is_hidden_from_the_other_party_and_everyone_else(
    client, request, program, concern, person
):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url("concern_detail", program, concern.pk)).status_code == 404


def test_mentors_concern_is_hidden_from_the_mentee(client, program, mentor_concern, mentee, mentor):
    client.force_login(mentee)
    hidden = client.get(url("concern_detail", program, mentor_concern.pk)).status_code
    client.force_login(mentor)
    shown = client.get(url("concern_detail", program, mentor_concern.pk)).status_code

    assert (hidden, shown) == (404, 200)


def test_concern_is_hidden_from_another_success_manager(client, program, concern):
    client.force_login(other_success_manager(program))

    assert client.get(url("concern_detail", program, concern.pk)).status_code == 404


def test_mentee_never_sees_another_mentees_concern_anywhere(client, program, other_mentee, mentee):
    theirs = ConcernFactory(
        mentorship=other_mentee.mentorships_as_mentee.get(), details="Otto's private worry"
    )
    client.force_login(mentee)

    pages = [
        url("concern_detail", program, theirs.pk),
        url("concern_resolve", program, theirs.pk),
        url("mentee_history", program, other_mentee.pk),
        url("concern_list", program),
    ]

    assert [client.get(p).status_code for p in pages] == [404, 404, 404, 404]
    assert "Otto's private worry" not in client.get(url("program_home", program)).text


def test_concern_page_shows_staff_the_mentorships_record(
    client, program, mentorship, concern, success_manager
):
    f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(days=7), status="held")
    PulseFactory(
        mentorship=mentorship, asked_at=NOW - timedelta(days=6), answer="not_a_fit",
        answered_at=NOW - timedelta(days=5), comment="We talk past each other",
    )  # fmt: skip
    client.force_login(success_manager)

    html = client.get(url("concern_detail", program, concern.pk)).text

    assert "Held" in html
    assert "We talk past each other" in html
    assert url("mentorship_rematch", program, mentorship.pk) + f"?concern={concern.pk}" in html


def test_concern_page_shows_staff_reflections_and_feedback(
    client, program, mentorship, concern, success_manager
):
    held = f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(days=7), status="held")
    f.ReflectionFactory(session=held, still_makes_sense="no", why_not="Different goals")
    f.FeedbackFactory(session=held, rating=2, less_productive="Too much small talk")
    client.force_login(success_manager)

    html = client.get(url("concern_detail", program, concern.pk)).text

    assert "still makes sense — no" in html
    assert "Different goals" in html
    assert "Feedback: 2/5" in html
    assert "Too much small talk" in html


def test_concern_page_query_count_does_not_grow_with_sessions(
    client, program, mentorship, concern, success_manager
):
    client.force_login(success_manager)

    def grow(n):
        for i in range(n):
            held = f.SessionFactory(
                mentorship=mentorship,
                starts_at=NOW - timedelta(days=7 * (i + 1) + n),
                status="held",
            )
            f.ReflectionFactory(session=held)
            f.FeedbackFactory(session=held)

    few, many = count_queries_before_and_after(
        client, url("concern_detail", program, concern.pk), grow=grow
    )

    assert few == many


def test_concern_page_shows_the_author_no_record_or_actions(client, program, concern, mentee):
    client.force_login(mentee)

    response = client.get(url("concern_detail", program, concern.pk))

    assert response.context["is_manager"] is False
    assert "Resolve" not in response.text
    assert "rematch" not in response.text


def test_success_manager_keeps_it_going_with_a_note(client, program, concern, success_manager):
    client.force_login(success_manager)

    response = client.post(
        url("concern_resolve", program, concern.pk),
        {"outcome": "keep_going", "note": "Talked it through; trying a new slot."},
    )

    assert response.status_code == 302
    concern.refresh_from_db()
    assert (concern.status, concern.outcome) == ("resolved", "keep_going")


def test_success_manager_pauses_the_mentorship(
    client, program, concern, mentorship, success_manager
):
    client.force_login(success_manager)

    client.post(url("concern_resolve", program, concern.pk), {"outcome": "paused"})

    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.PAUSED


def test_resolving_twice_says_so(client, program, concern, success_manager):
    client.force_login(success_manager)
    client.post(
        url("concern_resolve", program, concern.pk), {"outcome": "keep_going", "note": "ok"}
    )

    response = client.post(url("concern_resolve", program, concern.pk), {"outcome": "paused"})

    assert response.status_code == 409
    assert "already been resolved" in response.text
    concern.refresh_from_db()
    assert concern.outcome == "keep_going"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "keep_going"}, "Write a note on what was agreed"),
        ({"outcome": "rematched"}, "Choose one from the list."),
        ({}, "Choose one."),
        ({"outcome": "keep_going", "note": "x" * 2001}, "Keep it under 2,000 characters."),
    ],
)
def test_resolve_refuses_bad_input_with_a_message(
    client, program, concern, success_manager, data, message
):
    client.force_login(success_manager)

    response = client.post(url("concern_resolve", program, concern.pk), data)

    assert response.status_code in (400, 409)
    assert message in response.text
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN


def test_pausing_a_paused_mentorship_says_so_and_leaves_the_concern_open(
    client, program, concern, mentorship, success_manager
):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=MentorshipStatus.PAUSED)
    client.force_login(success_manager)

    response = client.post(url("concern_resolve", program, concern.pk), {"outcome": "paused"})

    assert response.status_code == 409
    assert "Only an active mentorship can be paused." in response.text
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN


@pytest.mark.parametrize("person", ["mentee", "mentor", "other_mentee", "outsider"])
def test_only_staff_resolve_concerns(client, request, program, concern, person):
    client.force_login(request.getfixturevalue(person))

    response = client.post(
        url("concern_resolve", program, concern.pk), {"outcome": "keep_going", "note": "fine"}
    )

    assert response.status_code == 404
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN


def test_success_manager_home_lists_open_concerns_first(client, program, concern, success_manager):
    client.force_login(success_manager)

    html = client.get(url("program_home", program)).text

    attention = html.index("Needs your attention")
    assert attention < html.index(concern.details[:40]) < html.index("Your caseload")


def test_concern_list_shows_a_success_manager_only_their_caseload(
    client, program, concern, success_manager
):
    elsewhere_sm = other_success_manager(program)
    stranger = f.UserFactory(name="Stella Stranger")
    f.MembershipFactory(
        user=stranger, program=program, role=Role.MENTEE, success_manager=elsewhere_sm
    )
    ConcernFactory(mentorship=f.MentorshipFactory(program=program, mentee=stranger))
    client.force_login(success_manager)

    response = client.get(url("concern_list", program))

    assert list(response.context["concerns"]) == [concern]
    assert "Stella Stranger" not in response.text


def test_concern_list_shows_a_program_admin_every_open_concern(
    client, program, concern, admin_user
):
    ConcernFactory(mentorship=f.MentorshipFactory(program=program))
    client.force_login(admin_user)

    response = client.get(url("concern_list", program))

    assert len(response.context["concerns"]) == 2


def test_concern_list_query_count_does_not_grow(client, program, success_manager, mentor):
    client.force_login(success_manager)

    def grow(n):
        for _ in range(n):
            someone = f.UserFactory()
            f.MembershipFactory(
                user=someone, program=program, role=Role.MENTEE, success_manager=success_manager
            )
            ConcernFactory(mentorship=f.MentorshipFactory(program=program, mentee=someone))

    few, many = count_queries_before_and_after(client, url("concern_list", program), grow=grow)

    assert few == many


def test_success_manager_home_query_count_does_not_grow_with_concerns_and_pulses(
    client, program, mentorship, mentee, mentor, success_manager
):
    client.force_login(success_manager)

    def grow(n):
        for i in range(n):
            ConcernFactory(mentorship=mentorship, created_at=NOW - timedelta(hours=i))
            PulseFactory(
                mentorship=mentorship, respondent=mentor if i % 2 else mentee,
                asked_at=NOW - timedelta(days=30, hours=n * 10 + i), answer="not_a_fit",
                answered_at=NOW - timedelta(days=1),
            )  # fmt: skip

    few, many = count_queries_before_and_after(client, url("program_home", program), grow=grow)

    assert few == many


@pytest.mark.parametrize("person", ["mentee", "mentor"])
def test_home_offers_each_party_a_concern_link(client, request, program, mentorship, person):
    client.force_login(request.getfixturevalue(person))

    html = client.get(url("program_home", program)).text

    assert url("concern_new", program, mentorship.pk) in html


@pytest.mark.parametrize("person", ["mentee", "mentor", "other_mentee", "outsider"])
def test_concern_list_is_for_staff_only(client, request, program, concern, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url("concern_list", program)).status_code == 404


# --- pulses -----------------------------------------------------------------------------


@pytest.fixture
def pulse(mentorship, mentee):
    return PulseFactory(mentorship=mentorship, respondent=mentee, asked_at=NOW - timedelta(days=1))


def test_home_asks_the_pending_pulse(client, program, pulse, mentee):
    client.force_login(mentee)

    html = client.get(url("program_home", program)).text

    assert "How is your mentorship with Mo Mentor going?" in html
    assert url("pulse_answer", program, pulse.pk) in html


def test_home_asks_each_party_only_their_own_pulse(client, program, pulse, mentorship, mentor):
    theirs = PulseFactory(mentorship=mentorship, respondent=mentor, asked_at=pulse.asked_at)
    client.force_login(mentor)

    html = client.get(url("program_home", program)).text

    assert "How is your mentorship with Mia Mentee going?" in html
    assert url("pulse_answer", program, theirs.pk) in html
    assert url("pulse_answer", program, pulse.pk) not in html


def test_pulse_answered_from_the_home_page(client, program, pulse, mentee):
    client.force_login(mentee)

    response = client.post(url("pulse_answer", program, pulse.pk), {"answer": "good"})

    assert response.status_code == 302
    pulse.refresh_from_db()
    assert (pulse.answer, pulse.answered_at) == ("good", NOW)
    assert "How is your mentorship" not in client.get(url("program_home", program)).text


def test_pulse_answered_twice_keeps_the_first(client, program, pulse, mentee):
    client.force_login(mentee)
    client.post(url("pulse_answer", program, pulse.pk), {"answer": "good"})

    response = client.post(url("pulse_answer", program, pulse.pk), {"answer": "not_a_fit"})

    assert response.status_code == 200
    assert "You answered “Going well”" in response.text
    pulse.refresh_from_db()
    assert pulse.answer == "good"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose one."),
        ({"answer": "meh"}, "Choose one from the list."),
        ({"answer": "good", "comment": "x" * 501}, "Keep it under 500 characters."),
    ],
)
def test_pulse_answer_refuses_bad_input(client, program, pulse, mentee, data, message):
    client.force_login(mentee)

    response = client.post(url("pulse_answer", program, pulse.pk), data)

    assert response.status_code == 400
    assert message in response.text
    pulse.refresh_from_db()
    assert pulse.answer == ""


@pytest.mark.parametrize("person", ["mentor", "other_mentee", "success_manager", "outsider"])
def test_pulse_is_answered_only_by_its_respondent(client, request, program, pulse, person):
    client.force_login(request.getfixturevalue(person))

    get = client.get(url("pulse_answer", program, pulse.pk))
    post = client.post(url("pulse_answer", program, pulse.pk), {"answer": "not_a_fit"})

    assert (get.status_code, post.status_code) == (404, 404)
    pulse.refresh_from_db()
    assert pulse.answer == ""


def test_not_a_fit_pulse_shows_on_the_success_managers_home(
    client, program, pulse, mentee, success_manager
):
    client.force_login(mentee)
    client.post(url("pulse_answer", program, pulse.pk), {"answer": "not_a_fit", "comment": "Meh"})
    client.force_login(success_manager)

    html = client.get(url("program_home", program)).text

    assert "These pulses say the mentorship is not a fit" in html
    assert "Mia Mentee" in html


# --- history ----------------------------------------------------------------------------


@pytest.fixture
def rematched(mentorship, success_manager, new_mentor):
    from mentora.matching.health import services as health

    return health.mentorship_rematch(
        mentorship=mentorship, new_mentor=new_mentor, by=success_manager, now=NOW
    )


@pytest.mark.parametrize("person", ["mentee", "success_manager", "admin_user"])
def test_history_shows_the_old_and_new_mentorship(
    client, request, program, mentee, rematched, person
):
    client.force_login(request.getfixturevalue(person))

    response = client.get(url("mentee_history", program, mentee.pk))

    assert response.status_code == 200
    assert [m.pk for m in response.context["history"]] == [rematched.new.pk, rematched.old.pk]
    assert "Re-matched to another mentor" in response.text


@pytest.mark.parametrize("person", ["mentor", "other_mentee", "outsider"])
def test_history_is_hidden_from_everyone_else(client, request, program, mentee, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url("mentee_history", program, mentee.pk)).status_code == 404


def test_mentee_home_shows_the_new_mentor_and_the_past_mentorship(
    client, program, mentee, rematched
):
    client.force_login(mentee)

    html = client.get(url("program_home", program)).text

    assert "Nia New" in html
    assert "Your past mentorships" in html
    assert "Mo Mentor" in html


def test_history_of_someone_who_is_not_a_mentee_is_404(client, program, success_manager, mentor):
    client.force_login(success_manager)

    assert client.get(url("mentee_history", program, mentor.pk)).status_code == 404
    assert client.get(url("mentee_history", program, 999999)).status_code == 404


def test_success_manager_resumes_a_paused_mentorship(
    client, program, mentorship, mentee, success_manager
):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=MentorshipStatus.PAUSED)
    client.force_login(success_manager)
    history = client.get(url("mentee_history", program, mentee.pk)).text

    response = client.post(url("mentorship_resume", program, mentorship.pk))

    assert url("mentorship_resume", program, mentorship.pk) in history
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


def test_resuming_an_active_mentorship_says_so(client, program, mentorship, success_manager):
    client.force_login(success_manager)

    response = client.post(url("mentorship_resume", program, mentorship.pk), follow=True)

    assert "Only a paused mentorship can be resumed." in response.text


@pytest.mark.parametrize("person", ["mentee", "mentor", "other_mentee", "outsider"])
def test_only_staff_resume_a_mentorship(client, request, program, mentorship, person):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=MentorshipStatus.PAUSED)
    client.force_login(request.getfixturevalue(person))

    response = client.post(url("mentorship_resume", program, mentorship.pk))

    assert response.status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.PAUSED


# --- junk -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "person", ["mentee", "mentor", "other_mentee", "success_manager", "admin_user", "outsider"]
)
def test_health_pages_never_answer_500_to_junk(
    client, request, program, mentorship, mentee, concern, pulse, person
):
    junk = {
        **{"mentor": "x'--", "reason": "\u0000", "outcome": "<script>", "concern": "-1"},
        **{"answer": "9" * 50, "details": "\u0000", "note": "x" * 5000, "status": "drop"},
    }
    pages = [
        url("concern_new", program, mentorship.pk),
        url("concern_detail", program, concern.pk),
        url("concern_resolve", program, concern.pk),
        url("concern_list", program),
        url("pulse_answer", program, pulse.pk),
        url("mentorship_rematch", program, mentorship.pk),
        url("mentee_history", program, mentee.pk),
        url("mentorship_resume", program, mentorship.pk),
    ]
    client.force_login(request.getfixturevalue(person))

    for page in pages:
        assert client.get(page, junk).status_code < 500, page
        assert client.post(page, junk).status_code < 500, page
