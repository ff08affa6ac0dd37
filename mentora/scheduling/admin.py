"""Django admin for scheduling: availability, cadences, sessions, makeups, calendar feeds.

All read-only. Every write here has rules a form can't see: booking, moving and
cancelling a session lock both people, check the notice period and the no-overlap
rule, count late cancellations and fire the hooks that notify and remind
(booking/); a cadence's change re-syncs its regular sessions (cadence/); the
availability services lock the mentor and refuse overlapping ranges, which the
database alone doesn't (availability/services.py). So staff look things up here
and act in the app, as the person or with support access.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from mentora.scheduling.models import (
    BusyInterval,
    Cadence,
    CalendarConnection,
    CalendarEventCopy,
    CalendarFeed,
    DateOverride,
    MakeupRequest,
    Session,
    SessionChange,
    TimeOff,
    WeeklyHours,
)
from mentora.worker.admin import ReadOnlyAdmin, ReadOnlyInline

MENTOR_SEARCH = ("mentor__email", "mentor__name")
PARTIES_SEARCH = ("mentor__email", "mentor__name", "mentee__email", "mentee__name")


@admin.register(WeeklyHours)
class WeeklyHoursAdmin(ReadOnlyAdmin):
    list_display = ("mentor", "weekday", "start_time", "end_time")
    list_filter = ("weekday",)
    search_fields = MENTOR_SEARCH
    list_select_related = ("mentor",)


@admin.register(DateOverride)
class DateOverrideAdmin(ReadOnlyAdmin):
    list_display = ("mentor", "date", "kind", "start_time", "end_time")
    list_filter = ("kind",)
    search_fields = MENTOR_SEARCH
    list_select_related = ("mentor",)
    date_hierarchy = "date"


@admin.register(TimeOff)
class TimeOffAdmin(ReadOnlyAdmin):
    list_display = ("mentor", "starts_on", "ends_on")
    search_fields = MENTOR_SEARCH
    list_select_related = ("mentor",)
    date_hierarchy = "starts_on"


@admin.register(Cadence)
class CadenceAdmin(ReadOnlyAdmin):
    list_display = (
        "mentorship",
        "frequency",
        "weekday",
        "time_of_day",
        "time_zone",
        "length_minutes",
        "starts_on",
    )
    list_filter = ("frequency", "weekday", "mentorship__program")
    search_fields = tuple(f"mentorship__{name}" for name in PARTIES_SEARCH)
    list_select_related = ("mentorship__mentor", "mentorship__mentee")


class SessionChangeInline(ReadOnlyInline):
    model = SessionChange
    fields = ("at", "kind", "by", "old_starts_at", "new_starts_at", "detail")
    readonly_fields = fields
    show_change_link = False


# What else is kept about a session, by admin list name: the workspace's records
# live in apps above scheduling, so they are linked by URL name, never imported.
SESSION_RECORDS = (
    ("mentoring_agenda", _("Agenda")),
    ("mentoring_note", _("Notes")),
    ("mentoring_reflection", _("Reflections")),
    ("mentoring_feedback", _("Feedback")),
    ("mentoring_actionitem", _("Action items")),
    ("scheduling_makeuprequest", _("Makeup request")),
    ("notifications_scheduledreminder", _("Reminders")),
)


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("starts_at", "mentor", "mentee", "program", "kind", "status", "cancel_reason")
    list_filter = ("status", "kind", "program", "cancellation_kind")
    search_fields = PARTIES_SEARCH
    list_select_related = ("mentor", "mentee", "program")
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)
    inlines = (SessionChangeInline,)
    show_full_result_count = False  # a big table: no count of all rows on a filtered list
    readonly_fields = ("records",)

    @admin.display(description=_("kept about this session"))
    def records(self, obj: Session) -> SafeString:
        links = []
        for name, label in SESSION_RECORDS:
            try:
                changelist = reverse(f"admin:{name}_changelist")
            except NoReverseMatch:
                continue
            links.append((f"{changelist}?session__id__exact={obj.pk}", label))
        return format_html_join(", ", '<a href="{}">{}</a>', links) or format_html("-")


@admin.register(SessionChange)
class SessionChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "session", "by", "old_starts_at", "new_starts_at")
    list_filter = ("kind",)
    search_fields = ("by__email", "by__name", *(f"session__{n}" for n in PARTIES_SEARCH))
    list_select_related = ("session", "by")
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(MakeupRequest)
class MakeupRequestAdmin(ReadOnlyAdmin):
    list_display = ("session", "mentee", "status", "requested_at", "decided_at")
    list_filter = ("status",)
    search_fields = tuple(f"session__{n}" for n in PARTIES_SEARCH)
    list_select_related = ("session__mentee",)
    date_hierarchy = "requested_at"

    @admin.display(description=_("mentee"), ordering="session__mentee__name")
    def mentee(self, obj: MakeupRequest) -> str:
        return str(obj.session.mentee)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    """The token is the feed's only key: never shown here (the person resets it in the app)."""

    list_display = ("user", "reset_at")
    search_fields = ("user__email", "user__name")
    list_select_related = ("user",)
    exclude = ("token",)


@admin.register(CalendarConnection)
class CalendarConnectionAdmin(ReadOnlyAdmin):
    """Support sees whether a person's calendar is read and why not; never its
    address or credentials (sealed, and excluded here)."""

    list_display = ("owner", "kind", "url_host", "last_success_at", "last_error", "disabled_at")
    list_filter = ("kind",)
    search_fields = ("owner__email", "owner__name", "url_host")
    list_select_related = ("owner",)
    exclude = ("sealed_url", "sealed_username", "sealed_password", "sealed_write_calendar_url")


@admin.register(BusyInterval)
class BusyIntervalAdmin(ReadOnlyAdmin):
    list_display = ("connection", "starts_at", "ends_at")
    list_select_related = ("connection__owner",)
    raw_id_fields = ("connection",)


@admin.register(CalendarEventCopy)
class CalendarEventCopyAdmin(ReadOnlyAdmin):
    list_display = ("session", "connection", "written_sequence", "written_at")
    list_select_related = ("connection__owner", "session")
    raw_id_fields = ("connection", "session")
