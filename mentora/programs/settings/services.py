"""Writes on a program's settings, and creating a program.

`program_settings_update` is the one way the app changes a program's settings:
it checks the same rules as the form (settings/rules.py) on the values under
lock and records one `ProgramSettingChange` per changed field, old -> new as
the page words them, in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mentora.accounts.models import User
from mentora.clock import now_or_current
from mentora.programs.errors import ProgramCode, ProgramError
from mentora.programs.models import Program, ProgramSettingChange, Role
from mentora.programs.services import membership_add
from mentora.programs.settings import fields, rules


def _refusal(error: ValidationError) -> ProgramError:
    """A model validation error as a ProgramError on its (first) field, worded with its label."""
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.error_dict.items()))
        message = " ".join(errors[0].messages)
        if name == "__all__":
            return ProgramError(ProgramCode.INVALID, message)
        return ProgramError(
            ProgramCode.INVALID,
            _("%(field)s: %(message)s") % {"field": fields.label(name), "message": message},
            field=name,
        )
    return ProgramError(ProgramCode.INVALID, " ".join(error.messages))


def _check_rules(program: Program) -> None:
    values = {name: getattr(program, name) for name in fields.POLICY_FIELDS}
    found = rules.contradictions(values)
    if found:
        raise ProgramError(
            ProgramCode.SETTINGS_CONTRADICT, found[0].message, field=found[0].fields[0]
        )


def program_settings_update(
    *,
    program: Program,
    changes: Mapping[str, Any],
    changed_by: User,
    now: datetime | None = None,
) -> list[ProgramSettingChange]:
    """Set the settings in `changes` (field name -> value); only those that differ
    from the saved program are written and recorded. Returns the records.

    Steps: refuse a field that isn't a setting, lock the program row, compare with
    the values under lock (a concurrent save is neither lost from the log nor
    recorded twice), validate the fields and the rules between them, save the
    changed fields, add one change record per field.
    """
    unknown = sorted(set(changes) - set(fields.SETTING_FIELDS))
    if unknown:
        raise ProgramError(
            ProgramCode.INVALID,
            _("“%(field)s” is not a setting of a program.") % {"field": unknown[0]},
            field=unknown[0],
        )
    now = now_or_current(now)
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        changed = {name: value for name, value in changes.items() if getattr(locked, name) != value}
        if not changed:
            return []
        records = [
            ProgramSettingChange(
                program=locked,
                changed_by=changed_by,
                changed_at=now,
                field=name,
                old_value=fields.display(getattr(locked, name)),
                new_value=fields.display(value),
            )
            for name, value in changed.items()
        ]
        for name, value in changed.items():
            setattr(locked, name, value)
        try:
            locked.full_clean(validate_unique=False, validate_constraints=True)
        except ValidationError as error:
            raise _refusal(error) from error
        _check_rules(locked)
        locked.save(update_fields=list(changed))
        ProgramSettingChange.objects.bulk_create(records)
    for name, value in changed.items():
        setattr(program, name, value)
    return records


def program_create(
    *,
    name: str,
    slug: str,
    time_zone: str,
    created_by: User,
    copy_from: Program | None = None,
) -> Program:
    """A new program, with every policy copied from `copy_from` if given (else the
    defaults); its creator becomes its program admin.

    Steps: build and validate the program, check the copied rules still hold,
    save it (a slug taken at the same moment is a refusal on the slug), add the
    creator's admin membership.
    """
    program = Program(name=name.strip(), slug=slug.strip().lower(), time_zone=time_zone)
    if copy_from is not None:
        for field_name in fields.POLICY_FIELDS:
            setattr(program, field_name, getattr(copy_from, field_name))
    try:
        program.full_clean()
    except ValidationError as error:
        raise _refusal(error) from error
    _check_rules(program)
    try:
        with transaction.atomic():
            program.save()
            membership_add(user=created_by, program=program, role=Role.ADMIN)
    except IntegrityError as error:
        raise ProgramError(
            ProgramCode.CONFLICT,
            _("Short name in addresses: “%(slug)s” was taken at the same moment. Choose another.")
            % {"slug": program.slug},
            field="slug",
        ) from error
    return program
