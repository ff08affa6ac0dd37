"""Django admin: the periodic jobs' progress, and the read-only admin every app's admin uses.

`ReadOnlyAdmin` and `ReadOnlyInline` live here, at the lowest app layer, so the
admin of every app above can build on them. They are for records whose writes
go through a service (a session, a request, a concern) or that are a person's
own words (an agenda, a note, a reflection): staff look them up, nobody adds,
edits or deletes one by hand. The change page still opens, as a view; a POST
to it is refused (403) and leaves the row as it was. `SafeDateHierarchyAdmin`
(which ReadOnlyAdmin is) keeps a list's date drill-down from a 500 on a date
that can't exist; every admin with a date_hierarchy builds on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict

from mentora import inputs
from mentora.worker.models import PeriodicRun

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


# The years a changelist's date drill-down may ask for: any real record's, and
# far enough from the calendar's ends that the day, month or year after (which
# Django's drill-down computes) and the shift to UTC all exist.
DRILL_DOWN_YEARS = (1900, 2999)


def date_drill_down_ok(query: QueryDict, field: str) -> bool:
    """Whether the ?<field>__year/__month/__day of a changelist make a real date.

    Django checks only that they are int()-able into a valid date: a 20-digit year
    (OverflowError) or 9999-12-31 (the next day doesn't exist) is a 500, and "٣" is
    year 3. Here each part is ASCII digits in range and the date exists."""
    parts: dict[str, int] = {}
    for part, (low, high) in {
        "year": DRILL_DOWN_YEARS,
        "month": (1, 12),
        "day": (1, 31),
    }.items():
        for raw in query.getlist(f"{field}__{part}"):
            value = inputs.parse_int(raw, minimum=low, maximum=high)
            if value is None:
                return False
            parts[part] = value
    try:
        dt.date(parts.get("year", 2000), parts.get("month", 1), parts.get("day", 1))
    except ValueError:
        return False
    return True


class SafeDateHierarchyAdmin(admin.ModelAdmin):
    """A ModelAdmin whose date drill-down refuses an impossible date as Django refuses
    any other bad filter (the list's ?e=1 page) instead of a 500."""

    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if self.date_hierarchy and not date_drill_down_ok(request.GET, self.date_hierarchy):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)


class ReadOnlyAdmin(SafeDateHierarchyAdmin):
    """Look, never write: no add, no change, no delete (view stays)."""

    # Links typed without a scheme are web addresses; opt into Django 6's https default now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """The rows of a read-only record, shown on its page; never added, changed or deleted."""

    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def related_column(path: str, description: str | _StrPromise) -> Callable[[Any], str]:
    """A changelist column showing a related record by its dotted path ("session.mentee");
    pair it with list_select_related of the same path so the list stays at a flat query count."""

    @admin.display(description=description, ordering=path.replace(".", "__"))
    def column(obj: Any) -> str:
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                return "-"
        return str(value)

    return column


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    """Read-only: the worker claims each window by compare-and-set; a hand edit of
    `covered_until` would skip or repeat a job's window."""

    list_display = ["name", "covered_until", "last_error"]
    search_fields = ["name"]
