""" "Finish your profile" on the home: the person's own item, and staff's count."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora.accounts.models import User
from mentora.home.onboarding import queries
from mentora.programs.models import Program
from mentora.programs.needs import Need


def finish_your_profile(user: User) -> Need | None:
    """For anyone who hasn't finished: a link to their first unfinished step
    (or to the welcome page, which offers "Finish" when every step is complete)."""
    if user.onboarded_at is not None:
        return None
    first = queries.progress_of(user).first_unfinished
    url = reverse("welcome_step", kwargs={"step": first.slug}) if first else reverse("welcome")
    return Need(title=_("Finish your profile"), url=url)


def needs_you_now_for_staff(user: User, program: Program, now: datetime) -> list[Need]:
    """Program admins and success managers: how many members haven't finished (one query)."""
    count = queries.unfinished_count(program)
    if not count:
        return []
    url = reverse("program_people", kwargs={"slug": program.slug})
    title = ngettext(
        "%(count)d person hasn't finished their profile",
        "%(count)d people haven't finished their profile",
        count,
    ) % {"count": count}
    return [Need(title=title, url=f"{url}?{urlencode({'onboarding': 'unfinished'})}")]
