"""Staff see every message and delivery; failed tasks are in the django-tasks-db
admin ("Task Results", filter by status FAILED), which its app registers.
Everything here is read-only. Messages and deliveries are the record of what was
sent (the "retried after a stalled send" filter shows the emails a dead worker
left half-sent and that were sent again, or given up, status "failed"); a
preference is the person's own choice, set on their settings page under
access.py's rule of which kinds may be turned off; a scheduled reminder is
enqueued and dropped by reminders.py as sessions are booked, moved and cancelled."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mentora.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    ScheduledReminder,
)
from mentora.worker.admin import ReadOnlyAdmin


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "program", "kind", "created_at", "read_at"]
    list_filter = ["kind", "program"]
    search_fields = ["title", "recipient__email", "recipient__name", "key"]
    list_select_related = ["recipient", "program"]
    date_hierarchy = "created_at"
    show_full_result_count = False  # a big table: no count of all rows on a filtered list


class RetriedAfterStall(admin.SimpleListFilter):
    title = _("retried after a stalled send")
    parameter_name = "stalled"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> QuerySet[Delivery]:
        if self.value() == "yes":
            return queryset.filter(stalled_retries__gt=0)
        if self.value() == "no":
            return queryset.filter(stalled_retries=0)
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "key",
        "recipient",
        "channel",
        "status",
        "attempts",
        "stalled_retries",
        "message_id",
        "claimed_at",
        "sent_at",
    ]
    list_filter = [RetriedAfterStall, "status", "channel", "kind"]
    search_fields = ["key", "recipient__email", "recipient__name", "message_id"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    # The kept email is for the resend only; it holds a person's messages.
    exclude = ["composed"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "choice", "updated_at"]
    list_filter = ["kind", "choice"]
    search_fields = ["user__email", "user__name"]
    list_select_related = ["user"]


@admin.register(ScheduledReminder)
class ScheduledReminderAdmin(ReadOnlyAdmin):
    list_display = ["session", "which", "starts_at", "run_after", "task_id"]
    list_filter = ["which"]
    search_fields = [
        "session__mentor__email",
        "session__mentor__name",
        "session__mentee__email",
        "session__mentee__name",
    ]
    list_select_related = ["session"]
    date_hierarchy = "run_after"
