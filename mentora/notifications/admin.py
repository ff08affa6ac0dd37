"""Staff see every message and delivery; failed tasks are in the django-tasks-db
admin ("Task Results", filter by status FAILED), which its app registers.
Deliveries are read-only: they are the record of what was sent, and the
"retried after a stalled send" filter shows the emails a dead worker left
half-sent and that were sent again (or given up, status "failed")."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    ScheduledReminder,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__email", "key"]
    raw_id_fields = ["recipient", "program"]
    date_hierarchy = "created_at"


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
class DeliveryAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
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
    search_fields = ["key", "recipient__email", "message_id"]
    list_select_related = ["recipient"]
    # The kept email is for the resend only; it holds a person's messages.
    exclude = ["composed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ["user", "kind", "choice", "updated_at"]
    list_filter = ["kind", "choice"]
    raw_id_fields = ["user"]


@admin.register(ScheduledReminder)
class ScheduledReminderAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ["session", "which", "starts_at", "run_after", "task_id"]
    raw_id_fields = ["session"]
