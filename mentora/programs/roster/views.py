"""The people page (search, filters, paging), its bulk actions and the
per-person invitation resend. Thin: parse, check access, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from mentora import errors
from mentora.accounts.models import User
from mentora.programs import services as program_services
from mentora.programs.access import require
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.errors import ProgramCode, ProgramError
from mentora.programs.memo import per_request
from mentora.programs.models import Cohort, Membership
from mentora.programs.roster import access, queries, services
from mentora.programs.roster.forms import Action, RosterActionForm, RosterFilterForm

ACTION_LABELS = {
    Action.ASSIGN: gettext_lazy("Assign a success manager"),
    Action.BALANCE: gettext_lazy("Spread evenly across success managers"),
    Action.MOVE: gettext_lazy("Move to a cohort (mentees)"),
    Action.RESEND: gettext_lazy("Resend invitations"),
}


def _actions(request: ProgramRequest) -> list[tuple[str, Any]]:
    if access.may_manage(request.user, request.program):
        names = [Action.ASSIGN, Action.BALANCE, Action.MOVE, Action.RESEND]
    elif access.may_assign_some(request.user, request.program):
        names = [Action.ASSIGN, Action.BALANCE]
    else:
        names = []
    return [(name, ACTION_LABELS[name]) for name in names]


def _cohorts(request: ProgramRequest) -> list[Cohort]:
    """The program's cohorts, read once for the filter and the move (the open ones)."""
    program = request.program
    return per_request(
        request.user, ("roster_cohorts", program.pk), lambda: list(queries.cohorts(program))
    )


def _action_form(request: ProgramRequest, data: Any = None) -> RosterActionForm:
    program = request.program
    return RosterActionForm(
        data,
        actions=_actions(request),
        managers=queries.success_managers_by_caseload(program),
        cohorts=[c for c in _cohorts(request) if c.closed_at is None],
    )


@program_view(allow=access.may_view)
def program_people(request: ProgramRequest) -> HttpResponse:
    """GET: the page. POST: a bulk action on the selection, then back to the page."""
    if request.method == "POST":
        return _act(request)
    return _page(request, _action_form(request))


def _page(
    request: ProgramRequest, action_form: RosterActionForm, status: int = 200
) -> HttpResponse:
    program = request.program
    form = RosterFilterForm(request.GET, cohorts=_cohorts(request))
    form.is_valid()  # bad filters are shown next to their field and left out
    roster = queries.roster_page(
        program, form.filters(), request.GET.get("page"), now=timezone.now()
    )
    context = {
        "program": program,
        "form": form,
        "roster": roster,
        "page": roster.page,
        "rows": roster.rows,
        "action_form": action_form,
        "may_act": bool(action_form.fields["action"].choices),  # type: ignore[attr-defined]
        "may_resend": access.may_manage(request.user, program),
        "is_admin": access.may_manage(request.user, program),
        "viewer_id": request.user.pk,
        "next": _people_url(request),
        # Words every row repeats, translated once per page.
        "labels": {
            "none": _("None"),
            "onboarding": _("Onboarding not finished"),
            "send": _("Send invitation"),
            "resend": _("Resend invitation"),
        },
    }
    if status == 200 and form.errors:
        status = 400
    return render(request, "programs/roster/people.html", context, status=status)


def _selected(program: Any, ids: list[int]) -> list[User]:
    """The selected people who are in this program (any status); refuses ids from elsewhere."""
    members = Membership.objects.filter(program=program).values("user_id")
    people = list(User.objects.filter(pk__in=ids).filter(pk__in=members))
    if len(people) != len(ids):
        raise ProgramError(
            ProgramCode.NOT_IN_PROGRAM,
            _(
                "Some of the selected people are not in %(program)s. "
                "Reload the page and select again."
            )
            % {"program": program.name},
            field="people",
        )
    order = {pk: i for i, pk in enumerate(ids)}
    return sorted(people, key=lambda u: order[u.pk])


def _people_url(request: ProgramRequest) -> str:
    """The people page with the filters and page now shown (also from a POST's
    re-render, whose own path is the action's)."""
    url = reverse("program_people", args=[request.program.slug])
    return f"{url}?{request.GET.urlencode()}" if request.GET else url


def _back(request: ProgramRequest) -> HttpResponse:
    """Back to the page the person acted from: the people page, with its filters."""
    target = request.POST.get("next", "")
    page = reverse("program_people", args=[request.program.slug])
    if (target == page or target.startswith(page + "?")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return redirect(target)
    return redirect(page)


def _act(request: ProgramRequest) -> HttpResponse:
    program, user = request.program, request.user
    form = _action_form(request, request.POST)
    if not form.fields["action"].choices:  # type: ignore[attr-defined]
        # A success manager without a caseload: the page offers no action at all.
        return _refused(
            request,
            form,
            ProgramError(
                ProgramCode.NOT_YOUR_COHORT,
                _("You can't act on these people: you look after no mentees in this program."),
                field="people",
            ),
            status=403,
        )
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    try:
        people = _selected(program, data["people"])
        action = data["action"]
        if action == Action.ASSIGN:
            manager = data["success_manager"]
            changed = services.success_manager_assign(
                program=program, mentees=people, success_manager=manager, by=user
            )
            text = ngettext(
                "%(manager)s now looks after %(count)d more mentee.",
                "%(manager)s now looks after %(count)d more mentees.",
                changed,
            ) % {"manager": manager.name, "count": changed}
        elif action == Action.BALANCE:
            received = services.success_managers_balance(program=program, mentees=people, by=user)
            text = _("Spread across success managers: %(split)s.") % {
                "split": ", ".join(f"{m.name} +{n}" for m, n in received.items())
            }
        elif action == Action.MOVE:
            cohort = data["cohort"]
            moved = services.cohort_move(program=program, mentees=people, cohort=cohort, by=user)
            text = ngettext(
                "Moved %(count)d mentee to %(cohort)s.",
                "Moved %(count)d mentees to %(cohort)s.",
                moved,
            ) % {"count": moved, "cohort": cohort.name}
        else:
            sent = program_services.invitations_resend(program=program, users=people, by=user)
            text = ngettext(
                "Sent the invitation again to %(count)d person.",
                "Sent the invitation again to %(count)d people.",
                sent,
            ) % {"count": sent}
    except ProgramError as error:
        return _refused(request, form, error, status=409)
    messages.success(request, text)
    return _back(request)


def _refused(
    request: ProgramRequest, form: RosterActionForm, error: ProgramError, *, status: int
) -> HttpResponse:
    errors.form_error(form, error)
    return _page(request, form, status=status)


@program_view(allow=access.may_manage)
@require_POST
def person_resend(request: ProgramRequest, user_id: int) -> HttpResponse:
    program = request.program
    people = list(User.objects.filter(pk=user_id, memberships__program=program).distinct())
    require(bool(people), "No such person in this program.")
    try:
        program_services.invitations_resend(program=program, users=people, by=request.user)
    except ProgramError as error:
        errors.page_error(request, error)
        return _back(request)
    person = people[0]
    messages.success(
        request,
        _("Sent the invitation again to %(name)s (%(email)s).")
        % {"name": person.name, "email": person.email},
    )
    return _back(request)
