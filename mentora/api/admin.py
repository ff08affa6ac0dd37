"""Django admin: tokens and idempotency keys, read-only (made and revoked by their owners)."""

from django.contrib import admin

from mentora.api.models import IdempotencyKey, PersonalAccessToken
from mentora.worker.admin import ReadOnlyAdmin


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "prefix", "owner", "scope", "program", "expires_at", "revoked_at")
    list_filter = ("scope",)
    search_fields = ("=prefix", "owner__email", "name")
    exclude = ("secret_hash",)


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    list_display = ("operation", "key", "owner", "status_code", "created_at")
    search_fields = ("=key", "owner__email")
