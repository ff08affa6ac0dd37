"""Shared fixtures: one program with named people, as the house style asks.

- mentee, mentor: an active mentorship in `program`
- other_mentee: also mentored by `mentor`, must never see `mentee`'s things
- success_manager: looks after `mentee` and `other_mentee`
- admin: the program admin
- outsider: a mentee of a different program

`now` is the moment in mentora.tests.clock; `frozen_clock` stops time there
(opt in with pytest.mark.usefixtures("frozen_clock")).
"""

from __future__ import annotations

import os

import pytest
import time_machine
from django.db import connection

from mentora.programs.models import Mentorship, Role
from mentora.tests import factories as f
from mentora.tests.clock import NOW


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass of make test")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Browser tests log in many times a minute from one address.
    settings.ACCOUNT_RATE_LIMITS = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: nothing cached (the directory's mentor
    pools, for one) outlives the test's rolled-back rows."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _site_staff_passed_second_factor(monkeypatch):
    """force_login skips the code; site staff need one for Django admin
    (mentora/tests/second_factor.py)."""
    from django.test import Client

    from mentora.tests.second_factor import force_login_passing_staff

    monkeypatch.setattr(Client, "force_login", force_login_passing_staff)


@pytest.fixture
def program(db):
    return f.ProgramFactory(name="Bootcamp Mentoring", slug="bootcamp", time_zone="Europe/Berlin")


@pytest.fixture
def cohort(program):
    return f.CohortFactory(program=program, name="Spring 2027")


@pytest.fixture
def success_manager(program):
    user = f.UserFactory(email="sam@example.org", name="Sam Success")
    f.MembershipFactory(user=user, program=program, role=Role.SUCCESS_MANAGER)
    return user


@pytest.fixture
def admin_user(program):
    user = f.UserFactory(email="ada@example.org", name="Ada Admin")
    f.MembershipFactory(user=user, program=program, role=Role.ADMIN)
    return user


@pytest.fixture
def mentor(program):
    user = f.UserFactory(email="mo@example.org", name="Mo Mentor", time_zone="America/New_York")
    f.MembershipFactory(user=user, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=user)
    return user


def _mentee(program, cohort, success_manager, email: str, name: str):
    user = f.UserFactory(email=email, name=name)
    f.MembershipFactory(
        user=user,
        program=program,
        role=Role.MENTEE,
        cohort=cohort,
        success_manager=success_manager,
    )
    f.MenteeProfileFactory(user=user)
    return user


@pytest.fixture
def mentee(program, cohort, success_manager, mentor):
    user = _mentee(program, cohort, success_manager, "mia@example.org", "Mia Mentee")
    f.MentorshipFactory(program=program, mentor=mentor, mentee=user)
    return user


@pytest.fixture
def other_mentee(program, cohort, success_manager, mentor):
    user = _mentee(program, cohort, success_manager, "otto@example.org", "Otto Other")
    f.MentorshipFactory(program=program, mentor=mentor, mentee=user)
    return user


@pytest.fixture
def outsider(db):
    other_program = f.ProgramFactory(name="Elsewhere", slug="elsewhere")
    user = f.UserFactory(email="olga@example.org", name="Olga Outsider")
    f.MembershipFactory(user=user, program=other_program, role=Role.MENTEE)
    return user


@pytest.fixture
def is_postgres(db) -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def mentorship(mentee, mentor):
    """The mentorship of `mentee` with `mentor`."""
    return Mentorship.objects.select_related("program", "mentor", "mentee").get(
        mentee=mentee, mentor=mentor
    )
