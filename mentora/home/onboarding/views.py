"""The welcome steps: /welcome/ (the overview, skip and finish) and /welcome/<step>/.

Every page works on the signed-in person only: no URL names anyone else, so a
step can't edit another person. A step the person's roles don't need is a 404.
Thin views: parse the step's form, call one onboarding service, redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentora import errors
from mentora.accounts import queries as account_queries
from mentora.accounts.forms import TIME_ZONE_LIST_ID
from mentora.accounts.http import AuthedRequest
from mentora.home.onboarding import forms, queries, services, steps
from mentora.home.onboarding.errors import OnboardingError
from mentora.scheduling.availability.forms import RemoveForm, WeeklyHoursForm
from mentora.scheduling.availability.services import weekly_hours_remove
from mentora.scheduling.errors import SchedulingError
from mentora.scheduling.models import WeeklyHours


def step_url(step: steps.Step) -> str:
    return reverse("welcome_step", kwargs={"step": step.slug})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def welcome(request: AuthedRequest) -> HttpResponse:
    """The overview with progress; POST action=skip puts it off, action=finish ends it."""
    user = request.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "skip":
        services.onboarding_skip(user=user)
        messages.info(
            request, _("You can finish your profile any time: the home page keeps the link.")
        )
        return redirect("home")
    progress = queries.progress_of(user)
    status = 200
    if action == "finish":
        try:
            services.onboarding_finish(user=user)
        except OnboardingError as error:
            errors.page_error(request, error)
            status = 400
        else:
            messages.success(request, _("Your profile is ready. Welcome!"))
            return redirect("home")
    elif request.method == "POST":
        status = 400
        messages.error(request, _("This page doesn't know that action. Nothing was changed."))
    # The first time, the walk starts at step 1 (each step shows what is already
    # there: an invitee's name is, their zone needs a look); after a skip, at what is left.
    first = progress.steps[0]
    if user.onboarding_skipped_at is not None:
        first = progress.first_unfinished or first
    context = {"progress": progress, "first": first}
    return render(request, "home/onboarding/welcome.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def welcome_step(request: AuthedRequest, step: str) -> HttpResponse:
    user = request.user
    progress = queries.progress_of(user)
    current = steps.BY_SLUG.get(step)
    if current is None or current not in progress.steps:
        raise Http404
    if current.part is steps.Part.WEEKLY_HOURS:
        return _weekly_hours(request, progress, current)
    saved = account_queries.own_profiles(user)
    data = request.POST if request.method == "POST" else None
    form = forms.step_form(current, user=user, saved=saved, data=data)
    if data is not None and form.is_valid():
        try:
            services.onboarding_step_save(user=user, step=current, data=forms.step_data(form))
        except OnboardingError as error:
            errors.form_error(form, error)
        else:
            return _onward(request, progress, current)
    status = 400 if form.errors else 200
    return render(
        request, "home/onboarding/step.html", _context(progress, current, form), status=status
    )


def _weekly_hours(
    request: AuthedRequest, progress: steps.Progress, current: steps.Step
) -> HttpResponse:
    """One range at a time (action=add), a remove button per range, then continue."""
    user = request.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = WeeklyHoursForm(request.POST if action == "add" else None)
    status = 200
    if action == "continue":
        return _onward(request, progress, current)
    if action == "add":
        if form.is_valid():
            try:
                hours = services.onboarding_step_save(
                    user=user, step=current, data=form.cleaned_data
                )
            except SchedulingError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("Added %(hours)s.") % {"hours": hours})
                return redirect(step_url(current))
        status = 400
    elif action == "remove":
        remove = RemoveForm(request.POST)
        status = 400
        if not remove.is_valid():
            messages.error(request, _("That weekly range couldn't be found. Nothing was changed."))
        else:
            try:
                weekly_hours_remove(mentor=user, weekly_hours_id=remove.cleaned_data["id"])
            except SchedulingError as error:
                errors.page_error(request, error)
            else:
                return redirect(step_url(current))
    elif action:
        messages.error(request, _("This page doesn't know that action. Nothing was changed."))
        status = 400
    context = _context(progress, current, form)
    context["ranges"] = list(
        WeeklyHours.objects.filter(mentor=user).order_by("weekday", "start_time")
    )
    context["zone"] = user.time_zone
    return render(request, "home/onboarding/weekly_hours.html", context, status=status)


def _onward(request: AuthedRequest, progress: steps.Progress, current: steps.Step) -> HttpResponse:
    """To the next step, or, after the last, finish (or say what is left)."""
    following = progress.next_after(current)
    if following is not None:
        return redirect(step_url(following))
    try:
        services.onboarding_finish(user=request.user)
    except OnboardingError as error:
        errors.page_error(request, error)
        return redirect("welcome")
    messages.success(request, _("Your profile is ready. Welcome!"))
    return redirect("home")


def _context(progress: steps.Progress, current: steps.Step, form: object) -> dict[str, object]:
    previous = progress.previous(current)
    following = progress.next_after(current)
    return {
        "progress": progress,
        "step": current,
        "number": progress.number(current),
        "form": form,
        "previous_url": step_url(previous) if previous else "",
        "is_last": following is None,
        "time_zone_list_id": TIME_ZONE_LIST_ID,
    }
