"""Program pages for staff: the list of people."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from mentora.accounts.http import AuthedRequest
from mentora.programs import access as program_access
from mentora.programs import queries
from mentora.programs.models import Role


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
