"""Writes of onboarding: save one step, skip for now, finish.

A step writes through the service that owns its data (accounts'
`profile_update`, scheduling's `weekly_hours_add`), so onboarding has no rules
of its own about a profile; it only records, on the user, that the person
finished (`onboarded_at`) or put it off (`onboarding_skipped_at`). Both stop
the first-login redirect; only finishing takes "Finish your profile" off the home.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mentora.accounts import services as account_services
from mentora.accounts.models import User
from mentora.clock import now_or_current
from mentora.home.onboarding import queries
from mentora.home.onboarding.errors import OnboardingCode, OnboardingError
from mentora.home.onboarding.steps import Part, Step
from mentora.scheduling.availability import services as availability_services
from mentora.scheduling.models import WeeklyHours


def onboarding_step_save(*, user: User, step: Step, data: Mapping[str, Any]) -> WeeklyHours | None:
    """Save one step's cleaned data for `user` (always the signed-in person).

    Only the step's own fields are passed on: whatever else a form held is
    dropped here, so a step can't write a field it doesn't show. For the weekly
    hours step `data` is one range (weekday, start_time, end_time), added with
    scheduling's own service (its SchedulingError, a DomainError, goes to the form).
    """
    if step.part is Part.WEEKLY_HOURS:
        return availability_services.weekly_hours_add(
            mentor=user,
            weekday=data["weekday"],
            start_time=data["start_time"],
            end_time=data["end_time"],
        )
    own = {name: data[name] for name in step.fields if name in data}
    try:
        account_services.profile_update(
            user=user,
            account_data=own if step.part is Part.ACCOUNT else {},
            mentee_data=own if step.part is Part.MENTEE else None,
            mentor_data=own if step.part is Part.MENTOR else None,
        )
    except ValidationError as error:
        field = next(iter(error.error_dict), None) if hasattr(error, "error_dict") else None
        raise OnboardingError(
            OnboardingCode.INVALID,
            " ".join(error.messages),
            field=field if field != "__all__" else None,
        ) from error
    return None


def onboarding_skip(*, user: User, now: datetime | None = None) -> None:
    """Put onboarding off: no more redirect, but the home keeps asking."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk, onboarding_skipped_at__isnull=True).update(
            onboarding_skipped_at=now_or_current(now)
        )
    user.refresh_from_db(fields=["onboarding_skipped_at"])


def onboarding_finish(*, user: User, now: datetime | None = None) -> None:
    """Mark onboarding done, once every step the person needs is complete.

    Raises OnboardingError (NOT_FINISHED, naming the steps left) otherwise.
    Finishing twice keeps the first moment.
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        left = queries.progress_of(locked).unfinished()
        if left:
            raise OnboardingError(
                OnboardingCode.NOT_FINISHED,
                _("Still to do: %(steps)s.") % {"steps": ", ".join(str(s.title) for s in left)},
            )
        if locked.onboarded_at is None:
            locked.onboarded_at = now_or_current(now)
            locked.save(update_fields=["onboarded_at"])
    user.refresh_from_db(fields=["onboarded_at"])
