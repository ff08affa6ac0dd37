"""Staff see every message and delivery; failed tasks are in the django-tasks-db
admin ("Task Results", filter by status FAILED), which its app registers."""

from django.contrib import admin

from mentora.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    ScheduledReminder,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__email", "key"]
    raw_id_fields = ["recipient", "program"]
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["key", "recipient", "channel", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["key", "recipient__email"]
    raw_id_fields = ["recipient", "notification", "digest"]
    readonly_fields = ["error"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "choice", "updated_at"]
    list_filter = ["kind", "choice"]
    raw_id_fields = ["user"]


@admin.register(ScheduledReminder)
class ScheduledReminderAdmin(admin.ModelAdmin):
    list_display = ["session", "which", "starts_at", "run_after", "task_id"]
    raw_id_fields = ["session"]
