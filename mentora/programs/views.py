"""Home pages: one per program, with a section for each role the viewer holds."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mentora.accounts.http import AuthedRequest
from mentora.matching.health import queries as health_queries
from mentora.mentoring.dashboard import queries as dashboard
from mentora.mentoring.workspace.queries import not_a_fit_signals
from mentora.programs import access as program_access
from mentora.programs import queries
from mentora.programs.models import Role
from mentora.scheduling import queries as scheduling_queries


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    programs = list(queries.programs_of(request.user))
    if len(programs) == 1:
        return redirect("program_home", slug=programs[0].slug)
    return render(request, "programs/choose_program.html", {"programs": programs})


@login_required
def program_home(request: AuthedRequest, slug: str) -> HttpResponse:
    program = queries.program_for_member(request.user, slug)
    roles = program_access.roles_in(request.user, program)
    context = {
        "program": program,
        "roles": roles,
        "other_programs": queries.programs_of(request.user).exclude(pk=program.pk),
    }
    now = timezone.now()
    if roles & {Role.MENTEE, Role.MENTOR}:
        context["upcoming_sessions"] = scheduling_queries.upcoming_sessions(
            request.user, program, now
        )[:5]
        context["pending_pulses"] = health_queries.pending_pulses(program, request.user)
    if Role.MENTEE in roles:
        context["mentee"] = {
            "mentorships": queries.live_mentorships_of_mentee(program, request.user),
            "membership": queries.mentee_membership(program, request.user),
            "dashboard": dashboard.mentee_dashboard(program, request.user, now),
        }
        context["mentee_history"] = health_queries.mentorship_history(
            program, request.user, for_staff=False
        )
    if Role.MENTOR in roles:
        context["mentor"] = {
            "mentorships": queries.live_mentorships_of_mentor(program, request.user),
            "rows": dashboard.mentor_dashboard(program, request.user, now),
        }
    if Role.SUCCESS_MANAGER in roles:
        context["caseload"] = queries.caseload(program, request.user)
        context["not_a_fit"] = not_a_fit_signals(program, request.user)[:10]
        context["open_concerns"] = health_queries.concerns_for_staff(program, request.user)[:10]
        context["not_a_fit_pulses"] = health_queries.not_a_fit_pulses(program, request.user)[:10]
    if Role.ADMIN in roles or request.user.is_staff:
        context["role_counts"] = queries.role_counts(program)
        context["recent_people"] = queries.people_by_role(program).order_by("-joined_at")[:8]
    return render(request, "programs/program_home.html", context)


@login_required
def program_people(request: AuthedRequest, slug: str) -> HttpResponse:
    program = queries.program_for_member(request.user, slug)
    if not program_access.is_program_staff(request.user, program):
        raise Http404("Only program staff see the list of people.")
    role = request.GET.get("role", "")
    people = queries.people_by_role(program)
    if role in Role.values:
        people = people.filter(role=role)
    return render(
        request,
        "programs/people.html",
        {"program": program, "people": people, "roles": Role.choices, "selected_role": role},
    )
