"""The main pages in at most a dozen SQL queries, however much data there is (issue 18).

Each page is read once with one session's worth of history and once with many:
past sessions held with agendas, reflections, notes and action items, upcoming
sessions with agendas, notifications, other mentees in the caseload and the
program. The number of queries must stay the same, and at most MAX_QUERIES.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from itertools import count

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentora.accounts.models import User
from mentora.notifications.models import Kind, Notification
from mentora.programs.models import Mentorship, Program, Role
from mentora.scheduling.models import Session, SessionStatus
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12
_serial = count()


def _session(mentorship: Mentorship, starts_at, **fields) -> Session:
    return f.SessionFactory.create(
        mentorship=mentorship,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=45),
        blocked_from=starts_at,
        blocked_until=starts_at + timedelta(minutes=55),
        **fields,
    )


def _history(mentorship: Mentorship, n: int) -> None:
    """`n` past sessions (held, with an agenda, both reflections, a note and an action
    item) and `n` upcoming ones with an agenda, plus notifications for both people."""
    now = timezone.now()
    for _ in range(n):
        i = next(_serial)
        past = _session(
            mentorship,
            now - timedelta(days=7 * (i + 1), hours=3),
            status=SessionStatus.HELD,
            attendance_marked_at=now,
        )
        f.AgendaFactory(session=past, goal="Review the booking service")
        f.ReflectionFactory(session=past, author=mentorship.mentee)
        f.ReflectionFactory(session=past, author=mentorship.mentor)
        f.NoteFactory(session=past)
        f.ActionItemFactory(mentorship=mentorship, session=past)
        upcoming = _session(mentorship, now + timedelta(days=1 + 3 * i, hours=1))
        f.AgendaFactory(session=upcoming, goal="Mock interview")
        for person in (mentorship.mentee, mentorship.mentor):
            Notification.objects.create(
                recipient=person,
                program=mentorship.program,
                kind=Kind.values[0],
                key=f"query-count-{i}-{person.pk}",
                title="Something happened",
                url="/",
                created_at=now,
            )


def _other_mentees(program: Program, mentor: User, manager: User, cohort, n: int) -> None:
    """`n` more mentees of the same mentor and success manager, each with a history."""
    for _ in range(n):
        i = next(_serial)
        user = f.UserFactory(email=f"more{i}@example.org")
        f.MembershipFactory(
            user=user, program=program, role=Role.MENTEE, cohort=cohort, success_manager=manager
        )
        f.MenteeProfileFactory(user=user)
        _history(f.MentorshipFactory(program=program, mentor=mentor, mentee=user), 1)


def _other_mentors(program: Program, n: int) -> None:
    for _ in range(n):
        i = next(_serial)
        user = f.UserFactory(email=f"mentor{i}@example.org")
        f.MembershipFactory(user=user, program=program, role=Role.MENTOR)
        f.MentorProfileFactory(user=user)
        f.WeeklyHoursFactory(mentor=user, weekday=2)


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in captured.captured_queries]


def _few_and_many(client: Client, url: str, grow: Callable[[int], object]) -> tuple[int, int]:
    grow(1)
    client.get(url)  # warm the session, content types and caches
    few = _queries(client, url)
    grow(4)
    many = _queries(client, url)
    return len(few), len(many)


@pytest.fixture
def world(program, cohort, mentor, mentee, success_manager, admin_user, mentorship):
    f.WeeklyHoursFactory(mentor=mentor, weekday=1, start_time=time(9), end_time=time(17))
    f.WeeklyHoursFactory(mentor=mentor, weekday=3, start_time=time(9), end_time=time(17))
    return mentorship


def _grow_all(world: Mentorship, cohort, success_manager):
    def grow(n: int) -> None:
        _history(world, n)
        _other_mentees(world.program, world.mentor, success_manager, cohort, n)
        _other_mentors(world.program, n)

    return grow


PAGES = {
    # page: (who reads it, its URL from the mentorship)
    "mentee home": ("mentee", lambda m: reverse("program_home", args=[m.program.slug])),
    "mentor home": ("mentor", lambda m: reverse("program_home", args=[m.program.slug])),
    "slot picker": ("mentee", lambda m: reverse("session_book", args=[m.program.slug, m.pk])),
    "caseload": ("success_manager", lambda m: reverse("caseload", args=[m.program.slug])),
    "program people": ("admin_user", lambda m: reverse("program_people", args=[m.program.slug])),
}
# Another change (issue 18) reworks these two; measured here, not yet held to the dozen.
MEASURED_ONLY = {
    "mentor directory": ("mentee", lambda m: reverse("mentor_directory", args=[m.program.slug])),
    "insights": ("admin_user", lambda m: reverse("insights", args=[m.program.slug])),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_main_page_queries_stay_few_and_flat(client, request, world, cohort, success_manager, page):
    who, url = PAGES[page]
    client.force_login(request.getfixturevalue(who))

    few, many = _few_and_many(client, url(world), _grow_all(world, cohort, success_manager))

    assert (few, many) == (few, few), f"{page}: {few} queries, then {many} with more data"
    assert few <= MAX_QUERIES, f"{page}: {few} queries"


@pytest.mark.parametrize("page", sorted(MEASURED_ONLY))
def test_measured_page_queries_stay_flat(client, request, world, cohort, success_manager, page):
    who, url = MEASURED_ONLY[page]
    client.force_login(request.getfixturevalue(who))

    few, many = _few_and_many(client, url(world), _grow_all(world, cohort, success_manager))

    assert (few, many) == (few, few), f"{page}: {few} queries, then {many} with more data"


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_session_page_queries_stay_few_and_flat(
    client, request, world, cohort, success_manager, who
):
    client.force_login(request.getfixturevalue(who))
    grow = _grow_all(world, cohort, success_manager)
    grow(1)
    session = Session.objects.filter(mentorship=world, status=SessionStatus.SCHEDULED).first()
    url = reverse("session_detail", args=[world.program.slug, session.pk])

    client.get(url)
    few = len(_queries(client, url))
    grow(4)
    many = len(_queries(client, url))

    assert (few, many) == (few, few), f"session page: {few} queries, then {many} with more data"
    assert few <= MAX_QUERIES, f"session page: {few} queries"
