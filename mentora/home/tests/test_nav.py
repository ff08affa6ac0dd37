"""The header by role: exactly the role's sections, each opening, counts where
something waits; and every program page without an id is reachable by links."""

import re

import pytest
from django.urls import URLPattern, reverse

from mentora import urls as root_urls
from mentora.matching.tests.factories import ConcernFactory, MentorRequestFactory
from mentora.programs.models import Role
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db

SECTIONS = {
    "mentee": [
        "program_home",
        "schedule",
        "questions",
        "action_items",
        "mentorship_goals",
    ],
    "mentor": [
        "program_home",
        "schedule",
        "availability_edit",
        "requests_list",
        "readiness",
        "my_feedback",
    ],
    "success_manager": ["program_home", "caseload", "concern_list", "schedule"],
    "admin_user": [
        "program_home",
        "insights",
        "program_people",
        "bulk_match_new",
        "concern_list",
        "program_settings",
    ],
}


def _home(client, user, program):
    client.force_login(user)
    response = client.get(reverse("program_home", args=[program.slug]))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("person", list(SECTIONS))
def test_the_header_shows_exactly_the_roles_sections_and_each_opens(
    client, request, program, mentee, person
):
    response = _home(client, request.getfixturevalue(person), program)

    links = list(response.context["nav_sections"])
    assert [link.name for link in links] == SECTIONS[person]
    for link in links:
        assert f'data-nav-name="{link.name}"' in response.text
        assert client.get(link.url).status_code == 200, link.name


def test_an_unmatched_mentee_is_offered_find_a_mentor_instead_of_goals(client, program):
    una = f.UserFactory()
    f.MembershipFactory(user=una, program=program, role=Role.MENTEE)

    response = _home(client, una, program)

    names = [link.name for link in response.context["nav_sections"]]
    assert names == ["program_home", "schedule", "questions", "action_items", "mentor_directory"]


def test_a_person_with_two_roles_gets_both_sets_once(client, program, mentor, mentee):
    f.MembershipFactory(user=mentor, program=program, role=Role.SUCCESS_MANAGER)

    response = _home(client, mentor, program)

    names = [link.name for link in response.context["nav_sections"]]
    assert names == SECTIONS["mentor"] + ["caseload", "concern_list"]


def test_the_header_counts_what_waits(client, program, mentor, mentee, success_manager):
    asking = f.UserFactory()
    f.MembershipFactory(user=asking, program=program, role=Role.MENTEE)
    MentorRequestFactory(program=program, mentee=asking, mentor=mentor)
    ConcernFactory(mentorship=mentee.mentorships_as_mentee.get())

    mentor_links = {x.name: x for x in _home(client, mentor, program).context["nav_sections"]}
    sm_links = {x.name: x for x in _home(client, success_manager, program).context["nav_sections"]}

    assert mentor_links["requests_list"].count == 1
    assert sm_links["concern_list"].count == 1


def test_the_current_section_is_marked(client, program, mentor):
    client.force_login(mentor)

    html = client.get(reverse("readiness", args=[program.slug])).text

    assert re.search(r'href="[^"]*/readiness/" data-nav-name="readiness" aria-current="page"', html)


def test_outside_a_program_the_header_lists_the_persons_programs(client, program, mentor):
    second = f.ProgramFactory(name="Volunteer Circle", slug="circle")
    f.MembershipFactory(user=mentor, program=second, role=Role.MENTEE)
    client.force_login(mentor)

    response = client.get(reverse("inbox"))

    assert [p.slug for p in response.context["nav_programs"]] == ["bootcamp", "circle"]
    assert reverse("program_home", args=["circle"]) in response.text


def test_the_phone_menu_is_a_details_disclosure_without_script(client, program, mentor):
    html = _home(client, mentor, program).text

    assert '<details class="nav-narrow">' in html
    assert "<script" not in html
    assert "style=" not in html


# --- every page without an id is reachable --------------------------------------------------


def _pages_without_an_id() -> list[str]:
    names = []
    for pattern in root_urls.program_patterns:
        assert isinstance(pattern, URLPattern)
        if not pattern.pattern.converters and pattern.name:
            names.append(pattern.name)
    return names


HREF = re.compile(r'href="([^"#?]+)')


def _program_hrefs(html: str, prefix: str) -> set[str]:
    return {h for h in HREF.findall(html) if h.startswith(prefix)}


@pytest.mark.parametrize("person", list(SECTIONS))
def test_every_linked_page_opens_for_the_role(client, request, program, mentee, person):
    """Each program page the home and the header link (without an id) opens (no 404)."""
    response = _home(client, request.getfixturevalue(person), program)
    prefix = reverse("program_home", args=[program.slug])
    plain = {reverse(name, args=[program.slug]) for name in _pages_without_an_id()}

    for href in _program_hrefs(response.text, prefix) & plain:
        assert client.get(href).status_code == 200, href


def test_every_program_page_without_an_id_is_linked_from_a_page_its_role_reaches(
    client, program, mentee, mentor, success_manager, admin_user
):
    """From each role's home: the header and the home's links, and one click on."""
    prefix = reverse("program_home", args=[program.slug])
    reached: set[str] = set()
    for person in (mentee, mentor, success_manager, admin_user):
        client.force_login(person)
        first = _program_hrefs(client.get(prefix).text, prefix)
        reached |= first
        for href in first - {prefix}:
            response = client.get(href)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                reached |= _program_hrefs(response.content.decode(), prefix)
    unmatched = f.UserFactory()
    f.MembershipFactory(user=unmatched, program=program, role=Role.MENTEE)
    client.force_login(unmatched)
    reached |= _program_hrefs(client.get(prefix).text, prefix)

    missing = [
        name for name in _pages_without_an_id() if reverse(name, args=[program.slug]) not in reached
    ]
    assert missing == []
