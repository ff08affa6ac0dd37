"""Model-level rules of accounts: choice lists, unique email, known time zones."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mentora.accounts.choices import CareerStage, KnowledgeArea
from mentora.accounts.models import ChoiceListValidator, User
from mentora.accounts.timezones import time_zone_names, validate_time_zone

validate_areas = ChoiceListValidator(KnowledgeArea, max_items=3)


def test_choice_list_validator_accepts_known_codes():
    validate_areas(["data", "ux"])
    validate_areas([])


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("data", "not_a_list"),
        (["data", "astrology"], "unknown"),
        (["data", "data"], "duplicates"),
        (["data", "ux", "product", "devops"], "duplicates"),
    ],
)
def test_choice_list_validator_rejects_bad_lists(value, code):
    with pytest.raises(ValidationError) as raised:
        validate_areas(value)

    assert raised.value.code == code


def test_choice_list_validator_names_the_unknown_code():
    with pytest.raises(ValidationError) as raised:
        validate_areas(["astrology"])

    assert "astrology" in raised.value.messages[0]


def test_choice_list_validator_equality_depends_on_choices():
    assert ChoiceListValidator(KnowledgeArea) == ChoiceListValidator(KnowledgeArea)
    assert ChoiceListValidator(KnowledgeArea) != ChoiceListValidator(CareerStage)


@pytest.mark.django_db
def test_user_create_lower_cases_email():
    user = User.objects.create_user("Ada.Lovelace@Example.ORG", name="Ada")

    assert user.email == "ada.lovelace@example.org"


@pytest.mark.django_db
def test_user_email_unique_ignoring_case_in_the_database():
    User.objects.create_user("ada@example.org", name="Ada")

    # Bypass the manager's lower-casing: the database constraint must refuse it.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="ADA@example.org", name="Other Ada")


@pytest.mark.django_db
def test_user_login_lookup_ignores_case():
    user = User.objects.create_user("ada@example.org", name="Ada")

    assert User.objects.get_by_natural_key("ADA@Example.org") == user


def test_time_zone_validator_accepts_city_zones_and_utc():
    validate_time_zone("Europe/Berlin")
    validate_time_zone("America/Argentina/Buenos_Aires")
    validate_time_zone("UTC")


@pytest.mark.parametrize("value", ["Mars/Olympus", "", "europe/berlin", "Etc/GMT+5", "CET"])
def test_time_zone_validator_rejects_unknown_names(value):
    with pytest.raises(ValidationError) as raised:
        validate_time_zone(value)

    assert raised.value.code == "invalid_time_zone"


def test_time_zone_names_are_sorted_and_without_etc_zones():
    names = time_zone_names()

    assert list(names) == sorted(names)
    assert not any(n.startswith("Etc/") for n in names)


@pytest.mark.django_db
def test_user_full_clean_reports_unknown_time_zone_on_its_field():
    user = User.objects.create_user("tz@example.org", name="Tess", time_zone="Europe/Berlin")
    user.time_zone = "Mars/Olympus"

    with pytest.raises(ValidationError) as raised:
        user.full_clean()

    assert "not a time zone we know" in raised.value.message_dict["time_zone"][0]
