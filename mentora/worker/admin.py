"""Django admin: the periodic jobs' progress, and the read-only admin every app's admin uses.

`ReadOnlyAdmin` and `ReadOnlyInline` live here, at the lowest app layer, so the
admin of every app above can build on them. They are for records whose writes
go through a service (a session, a request, a concern) or that are a person's
own words (an agenda, a note, a reflection): staff look them up, nobody adds,
edits or deletes one by hand. The change page still opens, as a view; a POST
to it is refused (403) and leaves the row as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from mentora import inputs
from mentora.worker.models import PeriodicRun

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never write: no add, no change, no delete (view stays)."""

    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """The rows of a read-only record, shown on its page; never added, changed or deleted."""

    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
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
