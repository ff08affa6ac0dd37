"""schemathesis against the live OpenAPI schema (/api/v1/openapi.json), through the
WSGI application: every operation, a bounded number of examples each
(`EXAMPLES`), as a mentee, a mentor and a program admin, each with a
read-and-write token. No answer may be a 5xx or break the schema (status codes,
content types, headers and bodies as documented).

The program's slug is the real one (else every operation is a 404 at its
first step); ids are what the fuzzer draws, and on every other example a real
one of the program (a session, a mentorship, a request, a concern, an action
item, a date override, a stretch of time off; in a body the mentorship, mentor
and mentee), so the found paths are walked too."""

import json
from datetime import time, timedelta

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mentora.api import tokens
from mentora.api.api import api
from mentora.matching.tests.factories import ConcernFactory, MentorRequestFactory
from mentora.matching.tests.people import mentee_in
from mentora.tests import factories as f

EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# The schema /api/v1/openapi.json serves (the same object), called through WSGI.
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI handler would close the database
    connection after each request, and with it the test's transaction (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(program, mentorship, mentee, mentor, admin_user):
    """world(person) -> what one fuzzing run needs, authenticated as `person`."""
    cache.clear()  # a fresh rate-limit window
    for weekday in range(7):
        f.WeeklyHoursFactory(mentor=mentor, weekday=weekday, start_time=time(9), end_time=time(21))
    session = f.SessionFactory(mentorship=mentorship, starts_at=timezone.now() + timedelta(days=3))
    seeker = mentee_in(program, "Sid Seeker")
    ahead = timezone.localdate() + timedelta(days=10)
    ids = {
        "session_id": session.pk,
        "mentorship_id": mentorship.pk,
        "request_id": MentorRequestFactory(program=program, mentee=seeker, mentor=mentor).pk,
        "concern_id": ConcernFactory(mentorship=mentorship).pk,
        "item_id": f.ActionItemFactory(mentorship=mentorship).pk,
        "override_id": f.DateOverrideFactory(mentor=mentor, date=ahead).pk,
        "time_off_id": f.TimeOffFactory(
            mentor=mentor, starts_on=ahead + timedelta(days=7), ends_on=ahead + timedelta(days=9)
        ).pk,
        "user_id": mentee.pk,
        # In bodies: the people a request, a match or a re-match names.
        "mentor_id": mentor.pk,
        "mentee_id": seeker.pk,
        "cohort_id": mentee.memberships.get(program=program).cohort_id,
        "success_manager_id": mentee.memberships.get(program=program).success_manager_id,
    }
    people = {"mentee": mentee, "mentor": mentor, "admin": admin_user}

    def make(role):
        secret = tokens.token_create(owner=people[role], name="fuzz", scope="write", days=30)
        return {
            "headers": {"Authorization": f"Bearer {secret.secret}"},
            "slug": program.slug,
            "ids": ids,
            "turn": [0],
        }

    return make


def _call(case, world):
    world["turn"][0] += 1
    params = case.path_parameters or {}
    if "slug" in params:
        params["slug"] = world["slug"]
    if world["turn"][0] % 2:
        for name, real in world["ids"].items():
            if name in params:
                params[name] = real
    if isinstance(case.body, dict) and world["turn"][0] % 2:
        for name, real in world["ids"].items():
            if name in case.body:
                case.body[name] = real
    case.call_and_validate(headers=world["headers"], checks=CHECKS)


BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@pytest.fixture
def as_mentee(world):
    return world("mentee")


@pytest.fixture
def as_mentor(world):
    return world("mentor")


@pytest.fixture
def as_admin(world):
    return world("admin")


@schema.parametrize()
@BOUNDED
def test_fuzz_as_the_mentee(case, as_mentee):
    _call(case, as_mentee)


@schema.parametrize()
@BOUNDED
def test_fuzz_as_the_mentor(case, as_mentor):
    _call(case, as_mentor)


@schema.parametrize()
@BOUNDED
def test_fuzz_as_a_program_admin(case, as_admin):
    _call(case, as_admin)
