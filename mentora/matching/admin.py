"""Django admin for matching: requests, pulses, concerns and bulk-match runs (read mostly).

Writes that have rules (accepting a request, publishing a bulk match, resolving
a concern) go through the pages and their services, so the admin shows these
records for support and auditing and keeps their rule-bearing fields read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from mentora import inputs
from mentora.matching.models import BulkMatchRow, BulkMatchRun, Concern, MentorRequest, Pulse


@admin.register(MentorRequest)
class MentorRequestAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ("mentee", "mentor", "program", "status", "created_at", "expires_at")
    list_filter = ("status", "program")
    search_fields = ("mentee__email", "mentee__name", "mentor__email", "mentor__name")
    raw_id_fields = ("mentee", "mentor", "mentorship")
    date_hierarchy = "created_at"


@admin.register(Pulse)
class PulseAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ("mentorship", "respondent", "asked_at", "answer", "answered_at")
    list_filter = ("answer",)
    search_fields = ("respondent__email", "respondent__name")
    raw_id_fields = ("mentorship", "respondent")


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ("mentorship", "raised_by", "reason", "status", "outcome", "created_at")
    list_filter = ("status", "reason", "outcome", "program")
    search_fields = ("raised_by__email", "raised_by__name")
    raw_id_fields = ("mentorship", "raised_by", "resolved_by", "new_mentorship")


class BulkMatchRowInline(admin.TabularInline):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    model = BulkMatchRow
    extra = 0
    fields = ("mentee", "mentor", "score", "pinned", "unmatched_reason", "mentorship")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(BulkMatchRun)
class BulkMatchRunAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ("program", "created_at", "created_by", "objective", "status", "total_score")
    list_filter = ("status", "objective", "program")
    readonly_fields = (
        "program",
        "created_by",
        "created_at",
        "objective",
        "min_score",
        "parameters",
        "status",
        "published_at",
        "total_score",
    )
    inlines = (BulkMatchRowInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a run is proposed by the bulk-match page, which scores and solves it
