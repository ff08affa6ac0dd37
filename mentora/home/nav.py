"""The header's sections: inside a program, those of the roles the person holds
(with a count where something waits); outside, the person's programs.

Built by the context processor from what `@program_view` set on the request, so
no template tag runs a query. Each count is one cheap query, run only when the
header is rendered; a page's queries stay few however much data there is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from mentora.accounts.models import User
from mentora.matching import access as matching_access
from mentora.matching.mentor_requests.queries import waiting_for_mentor
from mentora.mentoring.workspace.queries import mentee_mentorships_and_items
from mentora.mentoring.workspace.services import local_today
from mentora.programs.models import Program, Role


@dataclass(frozen=True)
class NavLink:
    name: str  # the URL name: what tests and the "current page" mark compare
    label: str
    url: str
    count: int = 0  # something waits there (0: nothing, no badge)
    role: str = ""


def _link(program: Program, name: str, label: str, *, count: int = 0, role: str = "") -> NavLink:
    return NavLink(name, label, reverse(name, args=[program.slug]), count, role)


def _mentee_links(program: Program, user: User, now: datetime) -> list[NavLink]:
    mentorships, (open_items, _overdue) = mentee_mentorships_and_items(
        program, user, local_today(user, now)
    )
    links = [
        _link(program, "schedule", _("Sessions")),
        _link(program, "questions", _("Questions")),
        _link(
            program,
            "action_items",
            _("Action items"),
            count=open_items,
        ),
    ]
    if len(mentorships) == 1:
        goals = reverse("mentorship_goals", args=[program.slug, mentorships[0].pk])
        links.append(NavLink("mentorship_goals", _("Goals"), goals))
    if not mentorships:
        links.append(_link(program, "mentor_directory", _("Find a mentor")))
    return [NavLink(x.name, x.label, x.url, x.count, Role.MENTEE) for x in links]


def _mentor_links(program: Program, user: User, now: datetime) -> list[NavLink]:
    waiting = len(waiting_for_mentor(program, user, now))
    links = [
        _link(program, "schedule", _("Schedule")),
        _link(program, "availability_edit", _("Availability")),
        _link(program, "requests_list", _("Requests"), count=waiting),
        _link(program, "readiness", _("Readiness")),
        _link(program, "my_feedback", _("Feedback")),
    ]
    return [NavLink(x.name, x.label, x.url, x.count, Role.MENTOR) for x in links]


def _staff_links(program: Program, user: User, roles: frozenset[Role]) -> list[NavLink]:
    links = []
    if Role.SUCCESS_MANAGER in roles:
        concerns = matching_access.concerns_for_staff(user, program).count()
        links += [
            _link(program, "caseload", _("Caseload")),
            _link(program, "concern_list", _("Concerns"), count=concerns),
            _link(program, "schedule", _("Sessions")),
        ]
    # A superuser holding no role here came in by support access (already noted for the
    # audit log); one holding a role sees that role's sections, and nothing is noted.
    if Role.ADMIN in roles or (user.is_superuser and not roles):
        links += [
            _link(program, "insights", _("Insights")),
            _link(program, "program_people", _("People")),
            _link(program, "bulk_match_new", _("Matching")),
        ]
        if Role.SUCCESS_MANAGER not in roles:
            links.append(_link(program, "concern_list", _("Concerns")))
        links.append(_link(program, "program_settings", _("Settings")))
    return links


def program_sections(
    program: Program, user: User, roles: frozenset[Role], now: datetime
) -> list[NavLink]:
    """Home first, then each held role's sections; a page two roles share shows once."""
    links = [_link(program, "program_home", _("Home"))]
    if Role.MENTEE in roles:
        links += _mentee_links(program, user, now)
    if Role.MENTOR in roles:
        links += _mentor_links(program, user, now)
    links += _staff_links(program, user, roles)
    seen: set[str] = set()
    unique = []
    for link in links:
        if link.name not in seen:
            seen.add(link.name)
            unique.append(link)
    return unique
