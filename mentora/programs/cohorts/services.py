"""Writes on cohorts: create, rename and date, close and reopen.

A closed cohort keeps its members and history; it only drops out of the pickers
(invitations, imports, the people page's "move to a cohort"). Each function owns
its transaction and raises ProgramError naming the field it refuses.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mentora.clock import now_or_current
from mentora.programs.errors import ProgramCode, ProgramError
from mentora.programs.models import Cohort, Program

NAME_MAX = Cohort._meta.get_field("name").max_length or 80


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ProgramError(ProgramCode.INVALID, _("Name: give the cohort a name."), field="name")
    if len(name) > NAME_MAX:
        raise ProgramError(
            ProgramCode.INVALID,
            _("Name: at most %(max)d characters.") % {"max": NAME_MAX},
            field="name",
        )
    return name


def _check(
    *,
    program: Program,
    name: str,
    starts_on: date | None,
    ends_on: date | None,
    exclude_pk: int | None = None,
) -> None:
    if starts_on is not None and ends_on is not None and ends_on <= starts_on:
        raise ProgramError(
            ProgramCode.COHORT_DATES,
            _("End date: the cohort must end after it starts (%(start)s).")
            % {"start": starts_on.isoformat()},
            field="ends_on",
        )
    taken = Cohort.objects.filter(program=program, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise _name_taken(program, name)


def _name_taken(program: Program, name: str) -> ProgramError:
    return ProgramError(
        ProgramCode.COHORT_NAME_TAKEN,
        _("Name: %(program)s already has a cohort called “%(name)s”.")
        % {"program": program.name, "name": name},
        field="name",
    )


def cohort_create(
    *, program: Program, name: str, starts_on: date | None = None, ends_on: date | None = None
) -> Cohort:
    """A new open cohort in `program`; its name is unique in the program (any case)."""
    name = _clean_name(name)
    _check(program=program, name=name, starts_on=starts_on, ends_on=ends_on)
    try:
        with transaction.atomic():
            return Cohort.objects.create(
                program=program, name=name, starts_on=starts_on, ends_on=ends_on
            )
    except IntegrityError as error:  # the same name added at the same moment
        raise _name_taken(program, name) from error


def cohort_update(
    *, cohort: Cohort, name: str, starts_on: date | None, ends_on: date | None
) -> Cohort:
    """Rename the cohort and set its dates (either may be left empty)."""
    name = _clean_name(name)
    try:
        with transaction.atomic():
            locked = Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)
            _check(
                program=locked.program,
                name=name,
                starts_on=starts_on,
                ends_on=ends_on,
                exclude_pk=locked.pk,
            )
            locked.name, locked.starts_on, locked.ends_on = name, starts_on, ends_on
            locked.save(update_fields=["name", "starts_on", "ends_on"])
    except IntegrityError as error:
        raise _name_taken(cohort.program, name) from error
    cohort.name, cohort.starts_on, cohort.ends_on = name, starts_on, ends_on
    return locked


def cohort_close(*, cohort: Cohort, now: datetime | None = None) -> Cohort:
    """Close the cohort: no new members, out of the pickers; members and history stay.
    Closing a closed cohort changes nothing (it keeps the first closing time)."""
    with transaction.atomic():
        locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if locked.closed_at is None:
            locked.closed_at = now_or_current(now)
            locked.save(update_fields=["closed_at"])
    cohort.closed_at = locked.closed_at
    return locked


def cohort_reopen(*, cohort: Cohort) -> Cohort:
    """Open a closed cohort again (it is offered in the pickers again)."""
    with transaction.atomic():
        locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if locked.closed_at is not None:
            locked.closed_at = None
            locked.save(update_fields=["closed_at"])
    cohort.closed_at = None
    return locked
