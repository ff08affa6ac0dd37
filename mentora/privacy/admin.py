"""Django admin: the record of erasures, read-only (an erasure is never undone or edited)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mentora import inputs
from mentora.privacy.models import PersonErasure


@admin.register(PersonErasure)
class PersonErasureAdmin(admin.ModelAdmin):
    form = inputs.ModelForm
    list_display = ("erased_user_id", "program", "by", "at")
    list_filter = ("program",)
    search_fields = ("=erased_user_id", "program__name", "program__slug")
    readonly_fields = ("program", "erased_user_id", "by", "at", "summary")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
