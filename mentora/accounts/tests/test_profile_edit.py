"""Editing one's own profile: valid edits save, any bad value saves nothing."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentora.accounts import services
from mentora.accounts.choices import BackgroundField, Visibility
from mentora.accounts.models import (
    BackgroundAnswer,
    MenteeProfile,
    MentorProfile,
    Technology,
    User,
)
from mentora.programs.models import Role
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("profile_edit")


@pytest.fixture
def mentor_and_mentee(mentor, program):
    """A mentor who is also a mentee somewhere: the page shows every part."""
    elsewhere = f.ProgramFactory(name="Seniors", slug="seniors")
    f.MembershipFactory(user=mentor, program=elsewhere, role=Role.MENTEE)
    f.MenteeProfileFactory(user=mentor, learning="Leading a team")
    return mentor


def valid_post(**changes: str) -> dict[str, object]:
    """A complete, valid submission of every part of the page, then `changes`."""
    data: dict[str, object] = {
        "account-name": "Mo Changed",
        "account-time_zone": "Asia/Tokyo",
        "account-preferred_language": "de",
        "mentor-headline": "Changed headline",
        "mentor-bio": "A changed bio.",
        "mentor-stack": "python, Go , C++, CI/CD",
        "mentor-knowledge_areas": ["data", "devops"],
        "mentor-years_experience": "12",
        "mentor-career_stage": "staff",
        "mentor-current_role": "Staff engineer",
        "mentor-company": "Globex",
        "mentor-education_path": "degree",
        "mentor-languages": ["en", "de"],
        "mentor-capacity": "4",
        "mentor-meeting_link": "https://meet.example.org/mo",
        "mentor-github_url": "github.com/mo",
        "mentor-linkedin_url": "",
        "mentor-portfolio_url": "",
        "mentee-learning": "Changed learning",
        "mentee-target_roles": "Engineering manager",
        "mentee-stack": "Kubernetes",
        "mentee-interests": ["leadership"],
        "mentee-education_path": "",
        "mentee-prior_background": "Physics",
        "mentee-languages": ["en"],
        "mentee-wants_shared_background": "on",
        "background-gender": "woman",
        "background-gender_visibility": "program",
        "background-first_in_family": "on",
        "background-first_in_family_visibility": "private",
    }
    for question in BackgroundField:
        data.setdefault(f"background-{question.value}_visibility", "private")
    data.update(changes)
    return data


def snapshot(user) -> dict[str, object]:
    """Everything the page can change, read fresh from the database."""
    user.refresh_from_db()
    mentor_profile = MentorProfile.objects.get(user=user)
    mentee_profile = MenteeProfile.objects.get(user=user)
    return {
        "account": (user.name, user.time_zone, user.preferred_language),
        "mentor": (
            mentor_profile.headline,
            mentor_profile.bio,
            mentor_profile.capacity,
            mentor_profile.years_experience,
            mentor_profile.github_url,
            sorted(mentor_profile.stack_names()),
        ),
        "mentee": (mentee_profile.learning, mentee_profile.prior_background),
        "mentee_stack": sorted(mentee_profile.stack_names()),
        "background": list(BackgroundAnswer.objects.filter(user=user).values_list("field")),
        "technologies": Technology.objects.count(),
    }


def test_profile_edit_redirects_anonymous_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_profile_edit_shows_only_the_parts_a_mentee_has(client, mentee):
    client.force_login(mentee)

    response = client.get(URL)

    assert response.status_code == 200
    assert "As a mentee" in response.text
    assert "As a mentor" not in response.text
    assert 'value="Python"' in response.text  # saved stack shown as text
    assert "novalidate" in response.text


def test_profile_edit_shows_both_parts_to_a_mentor_who_is_also_a_mentee(client, mentor_and_mentee):
    client.force_login(mentor_and_mentee)

    response = client.get(URL)

    assert "As a mentee" in response.text
    assert "As a mentor" in response.text
    assert '<datalist id="time-zone-names">' in response.text


def test_profile_edit_saves_every_part_of_a_valid_post(client, mentor_and_mentee):
    user = mentor_and_mentee
    client.force_login(user)

    response = client.post(URL, valid_post(), follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "Your profile is saved." in response.text
    user.refresh_from_db()
    assert (user.name, user.time_zone, user.preferred_language) == (
        "Mo Changed",
        "Asia/Tokyo",
        "de",
    )
    mentor_profile = user.mentor_profile
    assert mentor_profile.headline == "Changed headline"
    assert mentor_profile.capacity == 4
    assert mentor_profile.knowledge_areas == ["data", "devops"]
    assert mentor_profile.languages == ["en", "de"]
    assert mentor_profile.github_url == "https://github.com/mo"
    assert sorted(mentor_profile.stack_names()) == ["C++", "CI/CD", "Go", "Python"]
    mentee_profile = MenteeProfile.objects.get(user=user)
    assert mentee_profile.learning == "Changed learning"
    assert mentee_profile.wants_shared_background is True
    assert mentee_profile.stack_names() == ["Kubernetes"]
    answers = {a.field: (a.value, a.visibility) for a in user.background_answers.all()}
    assert answers == {"gender": ("woman", "program"), "first_in_family": ("yes", "private")}


def test_profile_edit_reuses_a_technology_whatever_its_case(client, mentor_and_mentee):
    client.force_login(mentor_and_mentee)

    client.post(URL, valid_post(**{"mentor-stack": "PYTHON, django,  python "}))

    assert Technology.objects.filter(name__iexact="python").count() == 1
    assert sorted(mentor_and_mentee.mentor_profile.stack_names()) == ["Django", "Python"]


def test_profile_edit_blank_background_value_deletes_the_answer(client, mentee):
    f.BackgroundAnswerFactory(user=mentee, field=BackgroundField.GENDER, value="man")
    f.BackgroundAnswerFactory(user=mentee, field=BackgroundField.PARENT, value="yes")
    client.force_login(mentee)
    data = {k: v for k, v in valid_post().items() if not k.startswith("mentor-")}

    client.post(URL, {**data, "background-gender": "  ", "background-first_in_family": ""})

    assert not BackgroundAnswer.objects.filter(user=mentee).exists()


def test_profile_edit_shows_saved_background_with_its_visibility(client, mentee):
    f.BackgroundAnswerFactory(
        user=mentee, field=BackgroundField.ETHNICITY, value="Kurdish", visibility=Visibility.PROGRAM
    )
    client.force_login(mentee)

    response = client.get(URL)

    form = response.context["forms"].background
    assert form["ethnicity"].value() == "Kurdish"
    assert form["ethnicity_visibility"].value() == "program"
    assert form["gender_visibility"].value() == "private"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("account-time_zone", "Mars/Olympus", "“Mars/Olympus” is not a time zone we know"),
        ("account-name", "", "This field is required."),
        ("mentor-bio", "x" * 2001, "at most 2000 characters (you wrote 2001)"),
        ("mentor-github_url", "not a web address", "Enter a full web address"),
        ("mentor-portfolio_url", "javascript:alert(1)", "Enter a full web address"),
        ("mentor-meeting_link", "ftp://files.example.org", "Enter a full web address"),
        ("mentor-stack", "Python, Rust!", "“Rust!” can't be a technology name"),
        ("mentor-stack", "Python, " + "x" * 41, "at most 40 characters"),
        ("mentor-stack", ", ".join(f"T{n}" for n in range(31)), "at most 30 technologies"),
        ("mentor-years_experience", "61", "from 0 to 60"),
        ("mentor-years_experience", "many", "from 0 to 60"),
        ("mentor-capacity", "21", "from 0 to 20"),
        ("mentor-capacity", "-1", "from 0 to 20"),
        ("mentor-knowledge_areas", ["data", "astrology"], "“astrology” is not one of the choices"),
        ("mentee-prior_background", "y" * 1001, "at most 1000 characters (you wrote 1001)"),
        ("background-gender", "z" * 81, "at most 80 characters (you wrote 81)"),
        ("background-gender_visibility", "everyone", "Select a valid choice"),
    ],
)
def test_profile_edit_bad_value_shows_message_and_saves_nothing(
    client, mentor_and_mentee, field, value, message
):
    user = mentor_and_mentee
    client.force_login(user)
    before = snapshot(user)

    response = client.post(URL, valid_post(**{field: value}))

    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert "Nothing was saved." in response.text
    assert snapshot(user) == before


def test_profile_edit_bad_value_keeps_what_was_typed(client, mentor_and_mentee):
    client.force_login(mentor_and_mentee)

    response = client.post(URL, valid_post(**{"mentor-capacity": "21"}))

    assert 'value="Changed headline"' in response.text
    # The page header shows the saved zone, not the refused submission's.
    assert "Times are shown in your time zone, <strong>America/New_York</strong>" in response.text


def test_profile_edit_missing_visibility_keeps_the_answer_private(client, mentee):
    client.force_login(mentee)
    data = {k: v for k, v in valid_post().items() if not k.startswith("mentor-")}
    del data["background-gender_visibility"]

    client.post(URL, data)

    assert BackgroundAnswer.objects.get(user=mentee, field="gender").visibility == "private"


def test_profile_edit_creates_a_missing_mentor_profile(client, program):
    newcomer = User.objects.create_user("new@example.org", name="New Mentor")
    f.MembershipFactory(user=newcomer, program=program, role=Role.MENTOR)
    client.force_login(newcomer)
    data = {k: v for k, v in valid_post().items() if not k.startswith("mentee-")}

    response = client.post(URL, data)

    assert response.status_code == 302
    assert sorted(MentorProfile.objects.get(user=newcomer).stack_names()) == [
        "C++",
        "CI/CD",
        "Go",
        "python",
    ]


def test_profile_update_service_rolls_back_everything_on_a_bad_tag(mentor):
    before = (mentor.name, sorted(mentor.mentor_profile.stack_names()))

    with pytest.raises(ValidationError) as raised:
        services.profile_update(
            user=mentor,
            account_data={"name": "Half Saved"},
            mentor_data={"headline": "Half saved too", "stack": "Go, <script>"},
            background=[services.BackgroundEntry(field="gender", value="woman")],
        )

    assert "stack" in raised.value.message_dict
    mentor.refresh_from_db()
    assert (mentor.name, sorted(mentor.mentor_profile.stack_names())) == before
    assert mentor.mentor_profile.headline == "Backend engineer who likes teaching"
    assert not BackgroundAnswer.objects.filter(user=mentor).exists()
    assert not Technology.objects.filter(name="Go").exists()


def test_profile_update_service_refuses_unknown_time_zone(mentee):
    with pytest.raises(ValidationError) as raised:
        services.profile_update(user=mentee, account_data={"time_zone": "Mars/Olympus"})

    assert "time_zone" in raised.value.message_dict
    mentee.refresh_from_db()
    assert mentee.time_zone == "Europe/Berlin"
