"""Django admin for people: accounts (email login), profiles, background answers."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.accounts.models import (
    BackgroundAnswer,
    MenteeProfile,
    MentorProfile,
    Technology,
    User,
)
from mentora.inputs import TextChecksMixin


class UserCreationAdminForm(TextChecksMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name", "time_zone")


class UserChangeAdminForm(TextChecksMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ("email", "name", "time_zone", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("name", "time_zone", "preferred_language")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "name",
                    "time_zone",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


@admin.register(Technology)
class TechnologyAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ("user", "headline", "career_stage", "years_experience", "capacity")
    list_filter = ("career_stage", "education_path")
    search_fields = ("user__email", "user__name", "headline", "company")
    autocomplete_fields = ("user",)
    filter_horizontal = ("stack",)
    list_select_related = ("user",)
    # Links typed without a scheme are web addresses; opt into Django 6's https default now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(MenteeProfile)
class MenteeProfileAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ("user", "learning", "target_roles", "wants_shared_background")
    list_filter = ("education_path", "wants_shared_background")
    search_fields = ("user__email", "user__name", "learning", "target_roles")
    autocomplete_fields = ("user",)
    filter_horizontal = ("stack",)
    list_select_related = ("user",)


@admin.register(BackgroundAnswer)
class BackgroundAnswerAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ("user", "field", "value", "visibility")
    list_filter = ("field", "visibility")
    search_fields = ("user__email", "user__name")
    autocomplete_fields = ("user",)
    list_select_related = ("user",)
