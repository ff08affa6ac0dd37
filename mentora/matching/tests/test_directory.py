"""The mentor directory: filters, sort by fit with a why, pages, privacy of background."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentora.accounts.choices import (
    BackgroundField,
    CareerStage,
    EducationPath,
    KnowledgeArea,
    Visibility,
)
from mentora.accounts.models import Technology
from mentora.matching.mentor_requests.directory import Filters, directory_candidates, directory_page
from mentora.matching.tests.people import mentee_in, mentor_in
from mentora.tests import factories as f
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = pytest.mark.django_db

PRIVATE_MARK = "Private-value-51c"


@pytest.fixture
def seeker(program):
    return mentee_in(program, "Sid Seeker", stack=["Python"], interests=[KnowledgeArea.BACKEND])


@pytest.fixture
def ana(program):
    """Python and Django, senior, bootcamp, English; evenings in Berlin (3 h of Sid's day)."""
    return mentor_in(
        program,
        "Ana Backend",
        time_zone="Europe/Berlin",
        hours=((1, 17, 20),),
        stack=["Python", "Django"],
        knowledge_areas=[KnowledgeArea.BACKEND, KnowledgeArea.CAREER],
        career_stage=CareerStage.SENIOR,
        years_experience=8,
        education_path=EducationPath.BOOTCAMP,
        languages=["en"],
    )


@pytest.fixture
def ben(program):
    """React, junior, degree, German; evenings in New York (outside Sid's day)."""
    return mentor_in(
        program,
        "Ben Frontend",
        time_zone="America/New_York",
        hours=((1, 17, 20),),
        stack=["React"],
        knowledge_areas=[KnowledgeArea.FRONTEND],
        career_stage=CareerStage.JUNIOR,
        years_experience=1,
        education_path=EducationPath.DEGREE,
        languages=["de"],
    )


@pytest.fixture
def cat(program):
    """Python, full (capacity 1, taken)."""
    user = mentor_in(program, "Cat Full", stack=["Python"], capacity=1)
    f.MentorshipFactory(program=program, mentor=user, mentee=mentee_in(program, "Taken"))
    return user


def listed(program, viewer, now, **filters) -> list[str]:
    candidates = directory_candidates(program=program, viewer=viewer, now=now)
    found = directory_page(
        program=program,
        viewer=viewer,
        candidates=candidates,
        filters=Filters(**filters),
        page=1,
        now=now,
    )
    return [card.mentor.name for card in found.cards]


def tag(name: str) -> int:
    return Technology.objects.get(name=name).pk


# --- sort and why -------------------------------------------------------------------


def test_directory_for_a_mentee_is_sorted_by_fit_with_a_why(program, seeker, ana, ben, cat, now):
    candidates = directory_candidates(program=program, viewer=seeker, now=now)
    found = directory_page(
        program=program, viewer=seeker, candidates=candidates, filters=Filters(), page=1, now=now
    )

    cards = found.cards
    assert [c.mentor.name for c in cards] == ["Ana Backend", "Ben Frontend", "Cat Full"]
    assert "Python" in cards[0].why
    assert cards[0].overlap_hours == 3
    assert cards[1].overlap_hours == 0
    assert not cards[2].has_room  # full mentors come last, whatever their fit


def test_directory_for_staff_is_sorted_by_name_without_why(
    program, success_manager, ana, ben, cat, now
):
    candidates = directory_candidates(program=program, viewer=success_manager, now=now)
    found = directory_page(
        program=program,
        viewer=success_manager,
        candidates=candidates,
        filters=Filters(),
        page=1,
        now=now,
    )

    assert [c.mentor.name for c in found.cards] == [
        "Ana Backend",
        "Ben Frontend",
        "Cat Full",
    ]
    assert all(c.why == "" and c.overlap_hours is None for c in found.cards)


# --- filters ------------------------------------------------------------------------


def test_directory_filter_stack_needs_every_chosen_tag(program, seeker, ana, ben, cat, now):
    assert listed(program, seeker, now, stack=frozenset({tag("Python")})) == [
        "Ana Backend",
        "Cat Full",
    ]
    assert listed(program, seeker, now, stack=frozenset({tag("Python"), tag("Django")})) == [
        "Ana Backend"
    ]


def test_directory_filter_knowledge_area(program, seeker, ana, ben, now):
    assert listed(program, seeker, now, areas=frozenset({KnowledgeArea.FRONTEND})) == [
        "Ben Frontend"
    ]


def test_directory_filter_career_stage_and_years(program, seeker, ana, ben, now):
    assert listed(program, seeker, now, stages=frozenset({CareerStage.JUNIOR})) == ["Ben Frontend"]
    assert listed(program, seeker, now, min_years=5) == ["Ana Backend"]


def test_directory_filter_education_path(program, seeker, ana, ben, now):
    assert listed(program, seeker, now, education=frozenset({EducationPath.DEGREE})) == [
        "Ben Frontend"
    ]


def test_directory_filter_language(program, seeker, ana, ben, now):
    assert listed(program, seeker, now, languages=frozenset({"de", "fr"})) == ["Ben Frontend"]


def test_directory_filter_time_zone_overlap(program, seeker, ana, ben, now):
    assert listed(program, seeker, now, min_overlap=2) == ["Ana Backend"]


def test_directory_filter_has_room(program, seeker, ana, cat, now):
    assert listed(program, seeker, now, has_room=True) == ["Ana Backend"]


def test_directory_filter_background_uses_only_answers_shared_with_the_program(
    program, seeker, ana, ben, now
):
    f.BackgroundAnswerFactory(
        user=ana, field=BackgroundField.FIRST_IN_FAMILY, visibility=Visibility.PROGRAM
    )
    f.BackgroundAnswerFactory(
        user=ben, field=BackgroundField.FIRST_IN_FAMILY, visibility=Visibility.PRIVATE
    )

    found = listed(program, seeker, now, background=frozenset({BackgroundField.FIRST_IN_FAMILY}))

    assert found == ["Ana Backend"]


def test_directory_filter_shares_my_background_ignores_private_answers(
    program, seeker, ana, ben, now
):
    f.BackgroundAnswerFactory(user=seeker, field=BackgroundField.GENDER, value="Nonbinary")
    f.BackgroundAnswerFactory(
        user=ana, field=BackgroundField.GENDER, value="nonbinary", visibility=Visibility.PROGRAM
    )
    f.BackgroundAnswerFactory(
        user=ben, field=BackgroundField.GENDER, value="Nonbinary", visibility=Visibility.PRIVATE
    )

    assert listed(program, seeker, now, shares_my_background=True) == ["Ana Backend"]


def test_directory_why_never_mentions_private_background(program, ben, now):
    seeker = mentee_in(program, "Bea", stack=["Rust"], wants_shared_background=True)
    f.BackgroundAnswerFactory(user=seeker, field=BackgroundField.PARENT)
    f.BackgroundAnswerFactory(user=ben, field=BackgroundField.PARENT)  # private
    shared = mentor_in(program, "Sam Shared", stack=["Go"])
    f.BackgroundAnswerFactory(user=shared, field=BackgroundField.PARENT, visibility="program")
    candidates = directory_candidates(program=program, viewer=seeker, now=now)

    reasons = {
        m.name: " ".join(f.reason for f in candidates.ranked[m.user_id].explanation.factors)
        for m in candidates.mentors
    }

    assert "parent" not in reasons["Ben Frontend"].lower()
    assert "also parent or carer" in reasons["Sam Shared"].lower()


# --- pages ---------------------------------------------------------------------------


def url(program, **query):
    return reverse("mentor_directory", args=[program.slug]), query


def test_directory_page_lists_mentors_with_why_and_request_link(client, program, seeker, ana):
    client.force_login(seeker)

    response = client.get(reverse("mentor_directory", args=[program.slug]))

    assert response.status_code == 200
    assert "Ana Backend" in response.text
    assert "Why:" in response.text
    assert reverse("mentor_request", args=[program.slug, ana.pk]) in response.text


def test_directory_page_never_shows_private_background(client, program, seeker, ana):
    f.BackgroundAnswerFactory(
        user=ana, field=BackgroundField.ETHNICITY, value=PRIVATE_MARK, visibility="private"
    )
    f.BackgroundAnswerFactory(user=seeker, field=BackgroundField.ETHNICITY, value=PRIVATE_MARK)
    client.force_login(seeker)

    response = client.get(
        reverse("mentor_directory", args=[program.slug]), {"shares_my_background": "on"}
    )

    assert response.status_code == 200
    assert PRIVATE_MARK not in response.text
    assert "Ana Backend" not in response.text


def test_directory_page_paginates_and_survives_junk_page_numbers(client, program, seeker):
    for i in range(12):
        mentor_in(program, f"Mentor {i:02d}")
    client.force_login(seeker)
    path = reverse("mentor_directory", args=[program.slug])

    second = client.get(path, {"page": "2", "has_room": "on"})
    junk = client.get(path, {"page": "abc"})
    beyond = client.get(path, {"page": "999"})

    assert second.status_code == junk.status_code == beyond.status_code == 200
    assert len(second.context["directory"].cards) == 2
    assert "has_room=on" in second.text  # the pager keeps the filters
    assert junk.context["directory"].page.number == 1
    assert beyond.context["directory"].page.number == 2


def test_directory_page_reports_junk_filters_and_applies_the_rest(
    client, program, seeker, ana, ben
):
    client.force_login(seeker)

    response = client.get(
        reverse("mentor_directory", args=[program.slug]),
        {
            "stack": "x'--",
            "min_years": "-5",
            "area": "nope",
            "language": "de",
            "min_overlap": "1e9",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"stack", "min_years", "area", "min_overlap"}
    assert [c.mentor.name for c in response.context["directory"].cards] == ["Ben Frontend"]


def test_directory_page_hides_request_links_when_self_requests_are_off(
    client, program, seeker, ana
):
    program.self_requests_enabled = False
    program.save()
    client.force_login(seeker)

    response = client.get(reverse("mentor_directory", args=[program.slug]))

    assert "Ana Backend" in response.text
    assert reverse("mentor_request", args=[program.slug, ana.pk]) not in response.text
    assert "staff match mentees with mentors" in response.text


def test_directory_page_outsider_gets_404(client, program, outsider, ana):
    client.force_login(outsider)

    response = client.get(reverse("mentor_directory", args=[program.slug]))

    assert response.status_code == 404


@pytest.mark.parametrize("viewer", ["seeker", "success_manager"])
def test_directory_page_query_count_does_not_grow_with_mentors(client, request, program, viewer):
    client.force_login(request.getfixturevalue(viewer))

    def grow(n):
        for _ in range(n):
            user = mentor_in(program, stack=["Python", f"Tool{Technology.objects.count()}"])
            f.BackgroundAnswerFactory(user=user, visibility=Visibility.PROGRAM)

    few, many = count_queries_before_and_after(
        client, reverse("mentor_directory", args=[program.slug]), grow=grow
    )

    assert few == many


def test_directory_for_a_mentee_without_a_profile_is_alphabetical(program, ana, ben, now):
    bare = f.UserFactory(name="No Profile")
    f.MembershipFactory(user=bare, program=program, role="mentee")

    assert listed(program, bare, now) == ["Ana Backend", "Ben Frontend"]


def test_directory_for_a_mentor_leaves_themselves_out(program, ana, ben, now):
    assert listed(program, ana, now) == ["Ben Frontend"]
