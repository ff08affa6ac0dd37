"""The pages that compose several apps: the home page of each role in a program,
and the pages of a mentor and a mentee.

This app sits above every other, so it may call any app's queries; it asks each
for its section explicitly (no template tag runs a query behind the view).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mentora.accounts.http import AuthedRequest
from mentora.home.needs import needs_you_now
from mentora.home.onboarding.needs import finish_your_profile
from mentora.insights import queries as insights_queries
from mentora.insights import service_levels
from mentora.insights.access import Scope
from mentora.insights.forms import DEFAULT_WEEKS
from mentora.matching import access as matching_access
from mentora.matching.health import queries as health_queries
from mentora.matching.mentor_requests import queries as request_queries
from mentora.mentoring.dashboard import queries as dashboard
from mentora.mentoring.workspace.queries import mentee_mentorships_and_items, not_a_fit_signals
from mentora.mentoring.workspace.services import local_today
from mentora.privacy import access as privacy_access
from mentora.programs import access, people, queries
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Role


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    programs = list(queries.programs_of(request.user))
    if len(programs) == 1:
        return redirect("program_home", slug=programs[0].slug)
    context = {"programs": programs, "finish_profile": finish_your_profile(request.user)}
    return render(request, "home/choose_program.html", context)


@program_view
def program_home(request: ProgramRequest) -> HttpResponse:
    """A section for each role the viewer holds here (one person may hold several)."""
    program, user, roles = request.program, request.user, request.roles
    now = timezone.now()
    is_admin = access.is_program_admin(user, program)
    context: dict[str, Any] = {
        "program": program,
        "roles": roles,
        "other_programs": [p for p in queries.programs_list(user) if p.pk != program.pk],
    }
    soonest = None
    if roles & {Role.MENTEE, Role.MENTOR}:
        soonest = dashboard.soonest_sessions(user, program, now)
        context["upcoming_sessions"] = soonest.sessions
    if Role.MENTEE in roles:
        mentorships, _counts = mentee_mentorships_and_items(program, user, local_today(user, now))
        context["mentee"] = {
            "mentorships": mentorships,
            "membership": queries.mentee_membership(program, user),
            "dashboard": dashboard.mentee_dashboard(program, user, now, soonest=soonest),
            # Only a mentee without a mentor is shown the way to find one.
            "requests_waiting": (
                [] if mentorships else request_queries.waiting_for_mentee(program, user, now)
            ),
        }
        overview = health_queries.mentee_overview(
            program, user, only_mentee=roles == frozenset({Role.MENTEE})
        )
        context["mentee_past"] = overview.past
    if Role.MENTOR in roles:
        context["mentor"] = {
            "mentorships": queries.live_mentorships_of_mentor(program, user),
            "rows": dashboard.mentor_dashboard(program, user, now),
            "requests_waiting": request_queries.waiting_for_mentor(program, user, now),
        }
    if Role.SUCCESS_MANAGER in roles:
        context["caseload"] = queries.caseload(program, user)
        context["not_a_fit"] = not_a_fit_signals(program, user)[:10]
        context["open_concerns"] = matching_access.concerns_for_staff(user, program)[:10]
        context["not_a_fit_pulses"] = health_queries.not_a_fit_pulses(program, user)[:10]
        context["caseload_summary"] = insights_queries.caseload_summary(program, user, now)
    if is_admin:
        context["role_counts"] = queries.role_counts(program)
        context["recent_people"] = queries.people_by_role(program).order_by("-joined_at")[:8]
        context["service_levels"] = service_levels.recent_service_levels(
            Scope(program, None), now, weeks=DEFAULT_WEEKS
        )
    # Last: they reuse what the sections above read (live mentorships, a mentee's pulses).
    if roles & {Role.MENTEE, Role.MENTOR}:
        context["pending_pulses"] = health_queries.pending_pulses(program, user)
    context["needs"] = needs_you_now(program, user, roles, now, is_admin=is_admin)
    return render(request, "home/program_home.html", context)


@program_view
def mentor_detail(request: ProgramRequest, user_id: int) -> HttpResponse:
    program, now = request.program, timezone.now()
    page = people.mentor_page(program=program, mentor_id=user_id, viewer=request.user, now=now)
    entry = matching_access.request_entry_for(request.user, program, page.mentor, now)
    context = {
        "program": program,
        "page": page,
        "request_entry": entry,
        "offboarding": matching_access.offboarding_links(request.user, program, page.mentor),
        "erase_link": privacy_access.erase_link_for(request.user, program, page.mentor),
    }
    return render(request, "home/mentor_detail.html", context)


@program_view
def mentee_detail(request: ProgramRequest, user_id: int) -> HttpResponse:
    program = request.program
    page = people.mentee_page(
        program=program, mentee_id=user_id, viewer=request.user, now=timezone.now()
    )
    context = {
        "program": program,
        "page": page,
        "offboarding": matching_access.offboarding_links(request.user, program, page.mentee),
        "erase_link": privacy_access.erase_link_for(request.user, program, page.mentee),
    }
    return render(request, "home/mentee_detail.html", context)
