"""The mentor directory over the API: what the page lists to the caller (by fit
with a why for a mentee, by name for staff), its filters (a bad one is a 422
naming it), a cursor over its pages, never a mentor's private background, and
404 to an outsider."""

import pytest

from mentora.accounts.choices import BackgroundField, KnowledgeArea
from mentora.matching.tests.people import mentee_in, mentor_in
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db
PRIVATE_MARK = "Private-value-9f2"


def get(client, program, header, **query):
    return client.get(f"/api/v1/programs/{program.slug}/mentors", query, **header)


@pytest.fixture
def seeker(program):
    return mentee_in(program, "Sid Seeker", stack=["Python"], interests=[KnowledgeArea.BACKEND])


@pytest.fixture
def ana(program):
    return mentor_in(
        program,
        "Ana Backend",
        time_zone="Europe/Berlin",
        hours=((1, 17, 20),),
        stack=["Python", "Django"],
        knowledge_areas=[KnowledgeArea.BACKEND],
        languages=["en"],
    )


@pytest.fixture
def cat(program):
    """Python, full (capacity 1, taken)."""
    user = mentor_in(program, "Cat Full", stack=["Python"], capacity=1)
    f.MentorshipFactory(program=program, mentor=user, mentee=mentee_in(program, "Taken"))
    return user


def names(answer):
    assert answer.status_code == 200, answer.content
    return [item["mentor"]["name"] for item in answer.json()["items"]]


def test_a_mentee_gets_the_mentors_by_fit_with_why_and_their_zone(
    client, program, seeker, ana, cat, bearer
):
    answer = get(client, program, bearer(seeker))

    body = answer.json()
    ana_item = next(i for i in body["items"] if i["mentor"]["name"] == "Ana Backend")
    assert ana_item["why"]
    assert ana_item["mentor"]["time_zone"] == "Europe/Berlin"
    assert ana_item["stack"] == ["Django", "Python"]
    assert ana_item["overlap_hours"] is not None
    assert body["can_request"] is True
    assert names(get(client, program, bearer(seeker), has_room="true")) == ["Ana Backend"]


def test_staff_get_them_by_name_without_why(client, program, ana, cat, admin_user, bearer):
    answer = get(client, program, bearer(admin_user))

    assert names(answer) == ["Ana Backend", "Cat Full"]
    assert all(
        item["why"] == "" and item["overlap_hours"] is None for item in answer.json()["items"]
    )


@pytest.mark.parametrize(
    "query",
    [{"stage": "astronaut"}, {"min_years": "many"}, {"language": "xx"}, {"stack": "999999"}],
)
def test_a_bad_filter_is_422_naming_it(client, program, seeker, ana, bearer, query):
    answer = get(client, program, bearer(seeker), **query)

    assert (answer.status_code, answer.json()["field"]) == (422, next(iter(query)))


def test_pages_follow_the_cursor_and_a_forged_one_is_422(client, program, seeker, bearer):
    for i in range(12):
        mentor_in(program, f"Mentor {i:02d}")
    header = bearer(seeker)

    first = get(client, program, header)
    second = get(client, program, header, cursor=first.json()["next"])
    forged = get(client, program, header, cursor="2")

    assert len(first.json()["items"]) == 10 and first.json()["total"] == 12
    assert len(second.json()["items"]) == 2 and second.json()["next"] is None
    assert not set(names(first)) & set(names(second))
    assert (forged.status_code, forged.json()["code"]) == (422, "bad_cursor")


def test_private_background_never_appears(client, program, seeker, ana, bearer):
    f.BackgroundAnswerFactory(
        user=ana, field=BackgroundField.ETHNICITY, value=PRIVATE_MARK, visibility="private"
    )
    f.BackgroundAnswerFactory(user=seeker, field=BackgroundField.ETHNICITY, value=PRIVATE_MARK)

    shared = get(client, program, bearer(seeker), shares_my_background="true")
    everyone = get(client, program, bearer(seeker))

    assert PRIVATE_MARK not in shared.text + everyone.text
    assert "Ana Backend" not in names(shared)


def test_an_outsider_gets_404(client, program, ana, outsider, bearer):
    assert get(client, program, bearer(outsider)).status_code == 404


def profile(client, program, header, user_id):
    return client.get(f"/api/v1/programs/{program.slug}/mentors/{user_id}", **header)


def test_one_mentors_profile_as_their_page_shows_it(client, program, seeker, ana, bearer):
    ana.mentor_profile.meeting_link = "https://meet.example.com/ana"
    ana.mentor_profile.save()
    f.BackgroundAnswerFactory(
        user=ana, field=BackgroundField.ETHNICITY, value=PRIVATE_MARK, visibility="private"
    )

    answer = profile(client, program, bearer(seeker), ana.pk)

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["mentor"]["name"], body["has_room"]) == ("Ana Backend", True)
    assert "Python" in [name for names in body["stack"].values() for name in names]
    assert body["meeting_link"] is None  # Sid isn't her mentee
    assert PRIVATE_MARK not in answer.text


def test_a_profile_of_no_mentor_or_for_an_outsider_is_404(
    client, program, seeker, ana, outsider, bearer
):
    assert profile(client, program, bearer(seeker), seeker.pk).status_code == 404
    assert profile(client, program, bearer(seeker), 99999999).status_code == 404
    assert profile(client, program, bearer(outsider), ana.pk).status_code == 404
