"""The forms of the welcome steps: the profile page's own forms, cut to a step.

Each step form is a subclass of the accounts form that owns those fields, so
labels, limits and messages are the profile page's (a field left out is
removed by naming it None). The weekly hours step uses scheduling's
WeeklyHoursForm as it is.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms

from mentora.accounts.forms import AccountForm, MenteeProfileForm, MentorProfileForm
from mentora.accounts.models import MenteeProfile, MentorProfile, User
from mentora.accounts.queries import OwnProfiles
from mentora.home.onboarding import steps
from mentora.home.onboarding.steps import Step
from mentora.scheduling.availability.forms import WeeklyHoursForm


class AboutForm(AccountForm):
    """Name, time zone and language: the account form as the profile page has it."""


class MenteeGoalsForm(MenteeProfileForm):
    languages = None  # type: ignore[assignment]
    meets_from = None  # type: ignore[assignment]
    meets_until = None  # type: ignore[assignment]

    class Meta(MenteeProfileForm.Meta):
        fields = ["learning", "target_roles", "interests"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Matching reads these two; the step asks for them, the profile page doesn't.
        for name in ("learning", "target_roles"):
            self.fields[name].required = True


class MenteeDayForm(MenteeProfileForm):
    stack = None  # type: ignore[assignment]
    interests = None  # type: ignore[assignment]
    languages = None  # type: ignore[assignment]

    class Meta(MenteeProfileForm.Meta):
        fields = ["meets_from", "meets_until"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("meets_from", "meets_until"):
            self.fields[name].required = True  # the step asks for them


class MenteeBackgroundForm(MenteeProfileForm):
    stack = None  # type: ignore[assignment]
    interests = None  # type: ignore[assignment]
    languages = None  # type: ignore[assignment]
    meets_from = None  # type: ignore[assignment]
    meets_until = None  # type: ignore[assignment]

    class Meta(MenteeProfileForm.Meta):
        fields = ["wants_shared_background"]


class MentorStrengthsForm(MentorProfileForm):
    languages = None  # type: ignore[assignment]
    years_experience = None  # type: ignore[assignment]
    meeting_link = None  # type: ignore[assignment]
    github_url = None  # type: ignore[assignment]
    linkedin_url = None  # type: ignore[assignment]
    portfolio_url = None  # type: ignore[assignment]

    class Meta(MentorProfileForm.Meta):
        fields = ["headline", "knowledge_areas", "capacity"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["headline"].required = True


class MentorLinkForm(MentorProfileForm):
    stack = None  # type: ignore[assignment]
    knowledge_areas = None  # type: ignore[assignment]
    languages = None  # type: ignore[assignment]
    years_experience = None  # type: ignore[assignment]
    capacity = None  # type: ignore[assignment]
    github_url = None  # type: ignore[assignment]
    linkedin_url = None  # type: ignore[assignment]
    portfolio_url = None  # type: ignore[assignment]

    class Meta(MentorProfileForm.Meta):
        fields = ["meeting_link"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting_link"].required = True


PROFILE_FORMS: dict[str, type[forms.ModelForm[Any]]] = {
    steps.ABOUT.slug: AboutForm,
    steps.MENTEE_GOALS.slug: MenteeGoalsForm,
    steps.MENTEE_DAY.slug: MenteeDayForm,
    steps.MENTEE_BACKGROUND.slug: MenteeBackgroundForm,
    steps.MENTOR_STRENGTHS.slug: MentorStrengthsForm,
    steps.MENTOR_LINK.slug: MentorLinkForm,
}


def step_form(step: Step, *, user: User, saved: OwnProfiles, data: Any = None) -> forms.BaseForm:
    """The step's form, bound to `data` when given, filled from what is saved.

    The instance is a copy: a refused form must not leave the page showing
    values that were never saved.
    """
    if step.part is steps.Part.WEEKLY_HOURS:
        return WeeklyHoursForm(data)
    instance: User | MenteeProfile | MentorProfile
    if step.part is steps.Part.ACCOUNT:
        instance = user
    elif step.part is steps.Part.MENTEE:
        instance = saved.mentee or MenteeProfile(user=user)
    else:
        instance = saved.mentor or MentorProfile(user=user)
    # The profile page's prefixes, so a field has the same name on both pages.
    prefix = str(step.part)
    return PROFILE_FORMS[step.slug](data, instance=copy.copy(instance), prefix=prefix)


def step_data(form: forms.BaseForm) -> dict[str, Any]:
    """The cleaned values of a valid step form, for onboarding_step_save."""
    if isinstance(form, MenteeProfileForm | MentorProfileForm):
        return form.service_data()
    return dict(form.cleaned_data)
