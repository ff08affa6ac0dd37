"""The mentorship's goals page: its goals with their progress, and the working
agreement ("How we'll work together").

One page, several small forms. A POST names its `action`; the view parses the
matching form, calls one service in mentoring.goals, and redirects back
(post/redirect/get) with a message. A refusal re-renders the page with status
400 and the message next to its field (`errors.form_error`); nothing is
saved. Who opens the page, and in which part, is
mentoring.access.mentorship_for_viewer: program staff who may view the mentee
read it; only the two parties change it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mentora import errors
from mentora.accounts.models import User
from mentora.mentoring.access import Viewer, mentorship_for_viewer
from mentora.mentoring.errors import MentoringError
from mentora.mentoring.goals import services
from mentora.mentoring.goals.forms import (
    AgreementForm,
    GoalCommentForm,
    GoalForm,
    GoalRefForm,
    GoalStatusForm,
)
from mentora.mentoring.models import GoalStatus, MentorshipGoal
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Mentorship, Program

UNKNOWN_ACTION = gettext_lazy(
    "This page doesn't know that action. Nothing was changed; please try again."
)
GOAL_NOT_FOUND = gettext_lazy("That goal couldn't be found. Nothing was changed.")
READ_ONLY = gettext_lazy("You can read this page; only the mentee and the mentor change it.")
STATUS_DONE = {
    GoalStatus.ACHIEVED: gettext_lazy("Marked achieved. Well done!"),
    GoalStatus.DROPPED: gettext_lazy("Set aside. You can take it up again any time."),
    GoalStatus.ACTIVE: gettext_lazy("You're working on it again."),
}


@program_view
@require_http_methods(["GET", "HEAD", "POST"])
def goals(request: ProgramRequest, mentorship_id: int) -> HttpResponse:
    program = request.program
    mentorship, viewer = mentorship_for_viewer(request.user, program, mentorship_id)
    if request.method != "POST":
        return _render(request, program, mentorship, viewer)
    if viewer == Viewer.STAFF:
        return _render(request, program, mentorship, viewer, Outcome(error=str(READ_ONLY)), 403)
    handler = ACTIONS.get(request.POST.get("action", ""))
    if handler is None:
        outcome = Outcome(error=str(UNKNOWN_ACTION))
        return _render(request, program, mentorship, viewer, outcome, 400)
    outcome = handler(request.user, mentorship, request.POST)
    if outcome.refused:
        return _render(request, program, mentorship, viewer, outcome, 400)
    messages.success(request, outcome.message)
    return redirect("mentorship_goals", slug=program.slug, mentorship_id=mentorship.pk)


# --- Actions: parse one form, call one service ----------------------------------


@dataclass(frozen=True)
class Outcome:
    message: str = ""  # what was done, when it was
    error: str = ""  # a refusal that belongs above the forms
    form: forms.Form | None = None  # a bound form carrying its field errors
    key: str = ""  # which form on the page it is: "add", "agreement", "edit-<id>", ...

    @property
    def refused(self) -> bool:
        return not self.message


def _nothing_changed(error: MentoringError) -> Outcome:
    return Outcome(error=_("%(refusal)s Nothing was changed.") % {"refusal": error.message})


def _submit(form: forms.Form, key: str, call: Callable[[], str]) -> Outcome:
    if form.is_valid():
        try:
            return Outcome(message=call())
        except MentoringError as error:
            if error.field not in form.fields:
                # Not about one field (who may do what, the five-goal limit): above the forms.
                return _nothing_changed(error)
            errors.form_error(form, error)
    return Outcome(form=form, key=key)


def _goal_of(mentorship: Mentorship, data: QueryDict) -> MentorshipGoal | None:
    ref = GoalRefForm(data)
    if not ref.is_valid():
        return None
    goal = MentorshipGoal.objects.filter(pk=ref.cleaned_data["goal"], mentorship=mentorship).first()
    if goal is not None:
        goal.mentorship = mentorship
    return goal


def _add(user: User, mentorship: Mentorship, data: QueryDict) -> Outcome:
    form = GoalForm(data, prefix="add")

    def call() -> str:
        services.goal_add(
            mentorship=mentorship, by=user, today=timezone.localdate(), **form.cleaned_data
        )
        return _("Goal added.")

    return _submit(form, "add", call)


def _edit(user: User, mentorship: Mentorship, data: QueryDict) -> Outcome:
    goal = _goal_of(mentorship, data)
    if goal is None:
        return Outcome(error=str(GOAL_NOT_FOUND))
    form = GoalForm(data, prefix=f"goal-{goal.pk}")

    def call() -> str:
        services.goal_update(goal=goal, by=user, today=timezone.localdate(), **form.cleaned_data)
        return _("Goal updated.")

    return _submit(form, f"edit-{goal.pk}", call)


def _status(user: User, mentorship: Mentorship, data: QueryDict) -> Outcome:
    goal = _goal_of(mentorship, data)
    form = GoalStatusForm(data)
    if goal is None or not form.is_valid():
        return Outcome(
            error=str(GOAL_NOT_FOUND) if goal is None else _("Choose a status for the goal.")
        )
    status = form.cleaned_data["status"]
    try:
        services.goal_set_status(goal=goal, by=user, status=status)
    except MentoringError as error:
        return _nothing_changed(error)
    return Outcome(message=str(STATUS_DONE[GoalStatus(status)]))


def _comment(user: User, mentorship: Mentorship, data: QueryDict) -> Outcome:
    goal = _goal_of(mentorship, data)
    if goal is None:
        return Outcome(error=str(GOAL_NOT_FOUND))
    form = GoalCommentForm(data, prefix=f"comment-{goal.pk}")

    def call() -> str:
        services.goal_comment(goal=goal, by=user, comment=form.cleaned_data["comment"])
        return _("Comment saved.") if form.cleaned_data["comment"] else _("Comment removed.")

    return _submit(form, f"comment-{goal.pk}", call)


def _agreement(user: User, mentorship: Mentorship, data: QueryDict) -> Outcome:
    form = AgreementForm(data, prefix="agreement", is_mentee=user.pk == mentorship.mentee_id)

    def call() -> str:
        services.agreement_update(mentorship=mentorship, by=user, **form.cleaned_data)
        return _("Working agreement saved. Revisit it whenever it stops fitting.")

    return _submit(form, "agreement", call)


ACTIONS: dict[str, Callable[[User, Mentorship, QueryDict], Outcome]] = {
    "add": _add,
    "edit": _edit,
    "status": _status,
    "comment": _comment,
    "agreement": _agreement,
}


# --- Page --------------------------------------------------------------------------


@dataclass
class GoalRow:
    goal: MentorshipGoal
    edit_form: forms.Form | None = None  # the mentee's
    comment_form: forms.Form | None = None  # the mentor's
    open: bool = False  # a refused form is shown unfolded


def _rows(
    goals: list[MentorshipGoal], viewer: Viewer, live: bool, outcome: Outcome
) -> list[GoalRow]:
    rows = []
    for goal in goals:
        row = GoalRow(goal)
        edit_key, comment_key = f"edit-{goal.pk}", f"comment-{goal.pk}"
        if live and viewer == Viewer.MENTEE:
            initial = {"text": goal.text, "target_date": goal.target_date}
            row.edit_form = _bound(outcome, edit_key) or GoalForm(
                prefix=f"goal-{goal.pk}", initial=initial
            )
        if live and viewer == Viewer.MENTOR:
            row.comment_form = _bound(outcome, comment_key) or GoalCommentForm(
                prefix=f"comment-{goal.pk}", initial={"comment": goal.mentor_comment}
            )
        row.open = outcome.key in (edit_key, comment_key)
        rows.append(row)
    return rows


def _bound(outcome: Outcome, key: str) -> forms.Form | None:
    """The refused form, if it is the one at `key`."""
    return outcome.form if outcome.key == key else None


def _render(
    request: ProgramRequest,
    program: Program,
    mentorship: Mentorship,
    viewer: Viewer,
    outcome: Outcome | None = None,
    status: int = 200,
) -> HttpResponse:
    outcome = outcome or Outcome()
    live = mentorship.is_live
    groups = services.grouped_goals(mentorship)
    agreement = services.agreement_of(mentorship)
    context: dict[str, Any] = {
        "program": program,
        "mentorship": mentorship,
        "viewer": viewer.value,
        "read_only": viewer == Viewer.STAFF or not live,
        "live": live,
        "active_rows": _rows(groups.active, viewer, live, outcome),
        "achieved_rows": _rows(groups.achieved, viewer, live, outcome),
        "dropped_rows": _rows(groups.dropped, viewer, live, outcome),
        "can_add": groups.can_add,
        "max_active": services.MAX_ACTIVE_GOALS,
        "agreement": agreement,
        "error": outcome.error,
    }
    if live and viewer == Viewer.MENTEE:
        context["add_form"] = _bound(outcome, "add") or GoalForm(prefix="add")
        context["add_open"] = outcome.key == "add"
    if live and viewer in (Viewer.MENTEE, Viewer.MENTOR):
        initial = {
            name: getattr(agreement, name, "")
            for name in (
                "how_often",
                "contact_between_sessions",
                "mentee_expects",
                "mentor_expects",
            )
        }
        context["agreement_form"] = _bound(outcome, "agreement") or AgreementForm(
            prefix="agreement", initial=initial, is_mentee=viewer == Viewer.MENTEE
        )
    return render(request, "mentoring/goals.html", context, status=status)
