"""Django admin for matching: requests, pulses, concerns, bulk-match runs and their rows,
proposed regular times. All read-only.

Every write here has rules and consequences a form can't see: accepting a request
starts a mentorship with a weekly time, declining or withdrawing notifies the other
party, a pulse's "not a fit" raises a flag, resolving a concern may end and re-match
a mentorship, publishing a bulk match starts many mentorships at once, confirming a
proposed time sets the cadence and its sessions. Those go through the pages and
their services; the admin shows the records for support and auditing.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mentora.matching.models import (
    BulkMatchRow,
    BulkMatchRun,
    Concern,
    MentorRequest,
    ProposedCadence,
    Pulse,
)
from mentora.worker.admin import ReadOnlyAdmin, ReadOnlyInline, related_column

PARTIES = ("mentor__email", "mentor__name", "mentee__email", "mentee__name")
MENTORSHIP_SEARCH = tuple(f"mentorship__{n}" for n in PARTIES)
MENTORSHIP_PARTIES = ("mentorship__mentor", "mentorship__mentee")


@admin.register(MentorRequest)
class MentorRequestAdmin(ReadOnlyAdmin):
    list_display = ("mentee", "mentor", "program", "status", "created_at", "expires_at")
    list_filter = ("status", "program", "decline_reason", "withdraw_reason")
    search_fields = PARTIES
    list_select_related = ("mentee", "mentor", "program")
    date_hierarchy = "created_at"


@admin.register(Pulse)
class PulseAdmin(ReadOnlyAdmin):
    list_display = ("mentorship", "respondent", "asked_at", "answer", "answered_at")
    list_filter = ("answer", "mentorship__program")
    search_fields = ("respondent__email", "respondent__name", *MENTORSHIP_SEARCH)
    list_select_related = ("respondent", *MENTORSHIP_PARTIES)
    date_hierarchy = "asked_at"


@admin.register(Concern)
class ConcernAdmin(ReadOnlyAdmin):
    list_display = ("mentorship", "raised_by", "reason", "status", "outcome", "created_at")
    list_filter = ("status", "reason", "outcome", "program")
    search_fields = ("raised_by__email", "raised_by__name", *MENTORSHIP_SEARCH)
    list_select_related = ("raised_by", *MENTORSHIP_PARTIES)
    date_hierarchy = "created_at"


class BulkMatchRowInline(ReadOnlyInline):
    model = BulkMatchRow
    fields = ("mentee", "mentor", "score", "pinned", "unmatched_reason", "mentorship")
    readonly_fields = fields


@admin.register(BulkMatchRun)
class BulkMatchRunAdmin(ReadOnlyAdmin):
    """A run is proposed by the bulk-match page, which scores and solves it, and
    published there (which starts its mentorships)."""

    list_display = ("program", "created_at", "created_by", "objective", "status", "total_score")
    list_filter = ("status", "objective", "program")
    search_fields = ("program__name", "program__slug", "created_by__email", "created_by__name")
    list_select_related = ("program", "created_by")
    date_hierarchy = "created_at"
    inlines = (BulkMatchRowInline,)


@admin.register(BulkMatchRow)
class BulkMatchRowAdmin(ReadOnlyAdmin):
    list_display = ("mentee", "mentor", "score", "pinned", "unmatched_reason", "run")
    list_filter = ("pinned", "run__status", "run__program")
    search_fields = PARTIES
    list_select_related = ("mentee", "mentor", "run__program")


@admin.register(ProposedCadence)
class ProposedCadenceAdmin(ReadOnlyAdmin):
    list_display = (
        related_column("mentorship", _("mentorship")),
        "weekday",
        "time_of_day",
        "time_zone",
        "length_minutes",
        "starts_on",
        "created_at",
    )
    list_filter = ("mentorship__program",)
    search_fields = MENTORSHIP_SEARCH
    list_select_related = MENTORSHIP_PARTIES
