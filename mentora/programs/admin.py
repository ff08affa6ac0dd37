"""Django admin for programs, cohorts, memberships and mentorships, with a CSV import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentora import inputs
from mentora.accounts.models import User
from mentora.inputs import parse_id
from mentora.programs import services
from mentora.programs.csv_import import COLUMNS, LineError, parse_people_csv
from mentora.programs.errors import ProgramError
from mentora.programs.forms import PeopleImportForm
from mentora.programs.models import (
    AccessAuditEntry,
    Cohort,
    Membership,
    Mentorship,
    Program,
    ProgramSettingChange,
)
from mentora.programs.settings import fields as setting_fields
from mentora.programs.settings import services as setting_services
from mentora.programs.settings.forms import ProgramAdminForm
from mentora.worker.admin import ReadOnlyAdmin, SafeDateHierarchyAdmin

IMPORT_URL_NAME = "programs_program_import_people"


class CohortInline(admin.TabularInline):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    model = Cohort
    extra = 0
    fields = ("name", "starts_on", "ends_on")


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    # An inputs.ModelForm (text refuses control characters, numbers are ASCII) with
    # the settings page's rules between settings.
    form = ProgramAdminForm
    list_display = ("name", "slug", "time_zone", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (CohortInline,)
    actions = ("import_people",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "time_zone")}),
        (
            "Sessions and cancellations",
            {
                "fields": (
                    "default_session_minutes",
                    "notice_hours",
                    "late_move_counts_as_late_cancel",
                    "makeup_gap_hours",
                    "unmarked_flag_hours",
                )
            },
        ),
        (
            "Booking",
            {
                "fields": (
                    "min_booking_notice_hours",
                    "max_sessions_per_mentee_per_week",
                    "buffer_before_minutes",
                    "buffer_after_minutes",
                    "booking_window_weeks",
                    "slot_grid_minutes",
                )
            },
        ),
        ("Reminders", {"fields": ("first_reminder_hours", "second_reminder_hours")}),
        (
            "Matching",
            {"fields": ("self_requests_enabled", "max_open_requests", "request_expiry_days")},
        ),
        ("After a session", {"fields": ("reflection_window_days",)}),
    )

    def save_model(self, request: HttpRequest, obj: Program, form: Any, change: bool) -> None:
        """A change of settings goes through the settings page's service, so it
        is recorded (who, when, old -> new) like one made on the page."""
        if change:
            changes = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in setting_fields.SETTING_FIELDS
            }
            if changes:
                setting_services.program_settings_update(
                    program=obj,
                    changes=changes,
                    changed_by=request.user,  # type: ignore[arg-type]
                )
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_people_view)
        return [path("import-people/", view, name=IMPORT_URL_NAME), *super().get_urls()]

    def has_import_permission(self, request: HttpRequest) -> bool:
        # Importing writes memberships, so it needs the right to change them.
        return request.user.has_perm("programs.change_membership")

    @admin.action(description=gettext_lazy("Import people from CSV"), permissions=["import"])
    def import_people(
        self, request: HttpRequest, queryset: QuerySet[Program]
    ) -> HttpResponseRedirect:
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        url = reverse(f"admin:{IMPORT_URL_NAME}")
        return HttpResponseRedirect(f"{url}?{urlencode({'programs': ids})}")

    def import_people_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        programs = _chosen_programs(request.GET.get("programs", ""))
        form = PeopleImportForm(request.POST or None, request.FILES or None)
        errors: list[LineError | str] = []
        if request.method == "POST" and form.is_valid():
            allowed = [p.pk for p in programs] if programs else None
            parsed = parse_people_csv(form.cleaned_data["file"], allowed_program_ids=allowed)
            errors = list(parsed.errors)
            if parsed.ok:
                try:
                    result = services.people_import(
                        rows=parsed.rows,
                        invited_by=request.user if isinstance(request.user, User) else None,
                        send_invitations=not form.cleaned_data["hold_invitations"],
                    )
                except ProgramError as error:
                    errors = [_("%(message)s Nothing was imported.") % {"message": error.message}]
                else:
                    self.message_user(request, result.summary(), messages.SUCCESS)
                    return redirect(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import people from CSV"),
            "opts": self.opts,
            "form": form,
            "line_errors": errors,
            "programs": programs,
            "columns": COLUMNS,
        }
        return TemplateResponse(request, "programs/admin/import_people.html", context)


MAX_CHOSEN_PROGRAMS = 1000


def _chosen_programs(raw: str) -> list[Program]:
    """The programs picked in the changelist; none means the file may name any program.

    The query string is hand-editable: only ASCII-digit ids within the database's
    range count ("²" passes str.isdigit, a 5,000-digit number passes int's
    patience), and the list is bounded before any parsing.
    """
    parts = raw.split(",", MAX_CHOSEN_PROGRAMS)[:MAX_CHOSEN_PROGRAMS]
    ids = {pk for part in parts if (pk := parse_id(part)) is not None}
    return list(Program.objects.filter(pk__in=ids)) if ids else []


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ("name", "program", "starts_on", "ends_on")
    list_filter = ("program",)
    search_fields = ("name", "program__name")
    list_select_related = ("program",)


# Off-boarding (graduating, leaving, completing) lives in matching: it ends
# mentorships and cancels sessions, above programs in the layers. Matching adds
# its admin actions to these lists from its AppConfig.ready, as it adds its
# section to the cadence page, so the admin acts only through those services.
AdminAction = Callable[[Any, HttpRequest, QuerySet[Any]], HttpResponse | None]
MEMBERSHIP_ACTIONS: list[AdminAction] = []
MENTORSHIP_ACTIONS: list[AdminAction] = []


class NoAddOrDelete:
    """Rows written only by the app's services: the admin looks them up and acts on
    them through its actions, but never adds or deletes one by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(NoAddOrDelete, admin.ModelAdmin):
    """Who, where, in what role and where they stand are read-only: a membership
    starts by invitation or import and ends through off-boarding (the actions),
    which cancels future sessions and closes requests. Cohort and success manager
    stay editable here."""

    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = (
        "user",
        "program",
        "role",
        "status",
        "cohort",
        "success_manager",
        "joined_at",
        "ended_at",
    )
    list_filter = ("program", "role", "status", "cohort")
    search_fields = ("user__email", "user__name")
    autocomplete_fields = ("success_manager", "cohort")
    # A cohort is named with its program ("Spring (Bootcamp)"): selected with it.
    list_select_related = ("user", "program", "cohort__program", "success_manager")
    readonly_fields = (
        "user",
        "program",
        "role",
        "status",
        "is_active",
        "ended_at",
        "ended_by",
        "end_note",
        "joined_at",
        "invitation_sent_at",
    )
    fields = (*readonly_fields[:3], "cohort", "success_manager", *readonly_fields[3:])
    actions = MEMBERSHIP_ACTIONS  # the same list: matching fills it at start-up


@admin.register(Mentorship)
class MentorshipAdmin(NoAddOrDelete, SafeDateHierarchyAdmin):
    """Read-only: a mentorship starts by matching and ends through its services
    (the actions here, the pages), which cancel its future sessions."""

    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ("mentor", "mentee", "program", "status", "started_at", "ended_at", "end_reason")
    list_filter = ("status", "program", "end_reason")
    search_fields = ("mentor__email", "mentor__name", "mentee__email", "mentee__name")
    list_select_related = ("mentor", "mentee", "program")
    date_hierarchy = "started_at"
    readonly_fields = (
        "program",
        "mentor",
        "mentee",
        "status",
        "started_at",
        "ended_at",
        "end_reason",
        "end_note",
        "mentor_closing_reflection",
        "mentee_closing_reflection",
    )
    fields = readonly_fields
    actions = MENTORSHIP_ACTIONS


@admin.register(AccessAuditEntry)
class AccessAuditEntryAdmin(SafeDateHierarchyAdmin):
    """The support-access log, read-only: nobody adds, edits or deletes an entry by hand."""

    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII

    list_display = ("at", "program", "user", "kind", "method", "path")
    list_filter = ("program", "kind")
    search_fields = ("user__email", "path")
    list_select_related = ("program", "user")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ProgramSettingChange)
class ProgramSettingChangeAdmin(ReadOnlyAdmin):
    """The settings page's change log, read-only: program_settings_update writes it."""

    list_display = ("changed_at", "program", "field", "old_value", "new_value", "changed_by")
    list_filter = ("program", "field")
    search_fields = ("field", "changed_by__email", "changed_by__name", "program__name")
    list_select_related = ("program", "changed_by")
    date_hierarchy = "changed_at"
