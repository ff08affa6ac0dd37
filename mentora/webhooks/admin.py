"""Django admin: webhook endpoints and deliveries, read-only (program admins
manage endpoints on their settings page; the worker writes deliveries)."""

from django.contrib import admin

from mentora.webhooks.models import WebhookDelivery, WebhookEndpoint
from mentora.worker.admin import ReadOnlyAdmin


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ("url", "program", "created_at", "disabled_at", "consecutive_failures")
    search_fields = ("url", "program__slug")
    exclude = ("secret_sealed",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("event_type", "event_id", "endpoint", "status", "attempts", "response_code")
    list_filter = ("status", "event_type")
    search_fields = ("=event_id",)
