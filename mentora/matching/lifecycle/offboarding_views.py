"""The off-boarding pages: a confirm page that says what will happen, then POST.

Thin: the membership, person, cohort or mentorship is looked up through
`matching.access` (404 for anyone who may not act on it), the page shows
`offboarding_plan`'s summary, and a POST calls one service. A refusal is a
message on the page, status 409; a bad note is a form error, status 400.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora import errors
from mentora.matching import access
from mentora.matching.errors import MatchingError
from mentora.matching.lifecycle import offboarding
from mentora.matching.lifecycle.forms import ClosingReflectionForm, OffboardNoteForm
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Membership, MembershipStatus, Role
from mentora.scheduling.models import Session, SessionStatus

TEMPLATE = "matching/offboarding_confirm.html"
COHORT_NAMES_SHOWN = 200


def _name(user: Any) -> str:
    return str(user.name or user.email)


def _render(request: ProgramRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, TEMPLATE, {"program": request.program, **context}, status=status)


def _day(moment: datetime | None) -> str:
    """A day in the reader's zone, as the other pages write it ("4 January 2027")."""
    return formats.date_format(timezone.localtime(moment), "j F Y") if moment else ""


def _ended_line(membership: Membership) -> str:
    when = _day(membership.ended_at)
    if membership.status == MembershipStatus.GRADUATED:
        return _("%(name)s graduated on %(when)s.") % {"name": _name(membership.user), "when": when}
    return _("%(name)s left this role on %(when)s.") % {
        "name": _name(membership.user),
        "when": when,
    }


def _membership_page(
    request: ProgramRequest, membership: Membership, *, leaving: bool
) -> HttpResponse:
    program, name = request.program, _name(membership.user)
    form = OffboardNoteForm(request.POST if request.method == "POST" else None) if leaving else None
    role = membership.get_role_display()
    context: dict[str, Any] = {
        "title": (
            _("Mark %(name)s as having left") % {"name": name}
            if leaving
            else _("Graduate %(name)s") % {"name": name}
        ),
        "lead": _("%(role)s in %(program)s") % {"role": role, "program": program.name}
        + (f" · {membership.cohort.name}" if membership.cohort else ""),
        "explanation": (
            _(
                "Their role as %(role)s ends with the status “left”. Their live mentorships "
                "end, their future sessions are cancelled on time (nobody is counted as "
                "cancelling late) and the other person is told. Everything already written "
                "stays."
            )
            % {"role": role.lower()}
            if leaving
            else _(
                "They graduate: their membership is marked “graduated” and their live "
                "mentorships end as completed, so both sides can write closing words. Future "
                "sessions are cancelled on time and the other person is told. Everything "
                "already written stays."
            )
        ),
        "form": form,
        "button": _("Mark as left") if leaving else _("Graduate %(name)s") % {"name": name},
        "done": None if membership.status == MembershipStatus.ACTIVE else _ended_line(membership),
        "plan": offboarding.offboarding_plan(memberships=[membership]).lines(),
    }
    if request.method != "POST":
        return _render(request, context)
    if form is not None and not form.is_valid():
        return _render(request, context, status=400)
    try:
        if leaving:
            assert form is not None
            offboarding.membership_leave(
                membership=membership, by=request.user, note=form.cleaned_data["note"]
            )
        else:
            offboarding.membership_graduate(membership=membership, by=request.user)
    except MatchingError as error:
        if form is not None:
            errors.form_error(form, error)
        else:
            errors.page_error(request, error)
        return _render(request, context, status=409)
    messages.success(
        request,
        (_("%(name)s is marked as having left.") if leaving else _("%(name)s has graduated."))
        % {"name": name},
    )
    return redirect("program_home", slug=program.slug)


@program_view
def membership_graduate(request: ProgramRequest, membership_id: int) -> HttpResponse:
    membership = access.membership_for_offboarding(request.user, request.program, membership_id)
    return _membership_page(request, membership, leaving=False)


@program_view
def membership_leave(request: ProgramRequest, membership_id: int) -> HttpResponse:
    membership = access.membership_for_offboarding(request.user, request.program, membership_id)
    return _membership_page(request, membership, leaving=True)


@program_view
def account_deactivate(request: ProgramRequest, user_id: int) -> HttpResponse:
    program = request.program
    person = access.person_for_deactivation(request.user, program, user_id)
    name = _name(person)
    memberships = list(Membership.objects.filter(user=person, program=program))
    refusal = None
    if person.pk == request.user.pk:
        refusal = _("You can't deactivate your own account.")
    elif not access.deactivates_account(request.user, person):
        refusal = _(
            "%(name)s also takes part in another program, so only a site administrator can "
            "deactivate their account. You can mark them as having left this program."
        ) % {"name": name}
    context: dict[str, Any] = {
        "title": _("Deactivate %(name)s's account") % {"name": name},
        "lead": ", ".join(
            f"{m.get_role_display()} ({m.get_status_display()})" for m in memberships
        ),
        "explanation": _(
            "They can no longer log in. Every role they hold ends with the status “left”, "
            "their live mentorships end, their future sessions are cancelled on time and the "
            "other person is told. Nothing is deleted: their history stays for the people "
            "they worked with."
        ),
        "form": None,
        "button": _("Deactivate the account"),
        "done": None
        if person.is_active
        else _("%(name)s's account is deactivated.") % {"name": name},
        "refusal": refusal,
        "plan": offboarding.offboarding_plan(
            memberships=Membership.objects.active().filter(user=person).select_related("user")
        ).lines(),
    }
    if request.method != "POST":
        return _render(request, context)
    try:
        offboarding.account_deactivate(user=person, by=request.user)
    except MatchingError as error:
        errors.page_error(request, error)
        return _render(request, context, status=409)
    messages.success(request, _("%(name)s's account is deactivated.") % {"name": name})
    return redirect("program_home", slug=program.slug)


@program_view
def cohort_graduate(request: ProgramRequest, cohort_id: int) -> HttpResponse:
    program = request.program
    cohort = access.cohort_for_graduation(request.user, program, cohort_id)
    active = list(
        Membership.objects.active()
        .filter(cohort=cohort, role=Role.MENTEE)
        .select_related("user")
        .order_by("user__name", "user_id")
    )
    context: dict[str, Any] = {
        "title": _("Graduate %(cohort)s") % {"cohort": cohort.name},
        "lead": ngettext(
            "%(count)s active mentee in this cohort",
            "%(count)s active mentees in this cohort",
            len(active),
        )
        % {"count": len(active)},
        "explanation": _(
            "Every active mentee of the cohort graduates at once (or, if anything stops one of "
            "them, nobody does: try again). Their live mentorships end as completed, future "
            "sessions are cancelled on time and each mentor is told. Mentees who already "
            "graduated or left are not touched."
        ),
        "people": [_name(m.user) for m in active[:COHORT_NAMES_SHOWN]],
        "more_people": max(0, len(active) - COHORT_NAMES_SHOWN),
        "form": None,
        "button": _("Graduate the cohort"),
        "done": None if active else _("Nobody in %(cohort)s is active.") % {"cohort": cohort.name},
        "plan": offboarding.offboarding_plan(memberships=active).lines(),
    }
    if request.method != "POST":
        return _render(request, context)
    try:
        result = offboarding.cohort_graduate(cohort=cohort, by=request.user)
    except MatchingError as error:
        errors.page_error(request, error)
        return _render(request, context, status=409)
    messages.success(
        request,
        ngettext(
            "%(count)s mentee of %(cohort)s has graduated.",
            "%(count)s mentees of %(cohort)s have graduated.",
            len(result.graduated),
        )
        % {"count": len(result.graduated), "cohort": cohort.name},
    )
    return redirect("program_home", slug=program.slug)


@program_view
def mentorship_complete(request: ProgramRequest, mentorship_id: int) -> HttpResponse:
    program = request.program
    mentorship = access.mentorship_for_manager(request.user, program, mentorship_id)
    form = OffboardNoteForm(request.POST if request.method == "POST" else None)
    future = Session.objects.filter(
        mentorship=mentorship, status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now()
    ).count()
    pair = {"mentee": _name(mentorship.mentee), "mentor": _name(mentorship.mentor)}
    context: dict[str, Any] = {
        "title": _("Complete %(mentee)s's mentorship with %(mentor)s") % pair,
        "lead": _("Since %(when)s") % {"when": _day(mentorship.started_at)},
        "explanation": _(
            "The mentorship ends as completed. Both of them can then write closing words, "
            "shown with its history. Future sessions are cancelled on time and both are "
            "told. Both stay in the program."
        ),
        "form": form,
        "button": _("Complete the mentorship"),
        "done": None
        if mentorship.is_live
        else _("This mentorship has already ended (%(reason)s).")
        % {"reason": mentorship.get_end_reason_display()},
        "plan": (
            offboarding.Plan(sessions=future).lines()
            if future
            else [_("No future session to cancel.")]
        ),
    }
    if request.method != "POST":
        return _render(request, context)
    if not form.is_valid():
        return _render(request, context, status=400)
    try:
        offboarding.mentorship_complete(
            mentorship=mentorship, by=request.user, note=form.cleaned_data["note"]
        )
    except MatchingError as error:
        errors.form_error(form, error)
        return _render(request, context, status=409)
    messages.success(request, _("The mentorship is completed."))
    return redirect("mentee_history", slug=program.slug, user_id=mentorship.mentee_id)


@program_view
def closing_reflection(request: ProgramRequest, mentorship_id: int) -> HttpResponse:
    program = request.program
    mentorship = access.mentorship_for_closing(request.user, program, mentorship_id)
    is_mentor = request.user.pk == mentorship.mentor_id
    mine = (
        mentorship.mentor_closing_reflection if is_mentor else mentorship.mentee_closing_reflection
    )
    form = ClosingReflectionForm(
        request.POST if request.method == "POST" else None, initial={"text": mine}
    )
    context = {
        "program": program,
        "mentorship": mentorship,
        "other": mentorship.mentee if is_mentor else mentorship.mentor,
        "theirs": (
            mentorship.mentee_closing_reflection
            if is_mentor
            else mentorship.mentor_closing_reflection
        ),
        "form": form,
    }
    template = "matching/closing_reflection.html"
    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        offboarding.closing_reflection_save(
            mentorship=mentorship, by=request.user, text=form.cleaned_data["text"]
        )
    except MatchingError as error:
        errors.form_error(form, error)
        return render(request, template, context, status=409)
    messages.success(request, _("Your closing words are saved."))
    return redirect("closing_reflection", slug=program.slug, mentorship_id=mentorship.pk)
