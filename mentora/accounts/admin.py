"""Django admin for people: accounts (email login), profiles, background answers.

Editable: technologies (a shared list nothing else owns) and the profiles, for a
staff fix (the form runs the model's validation; what `profile_update` adds, typed
tags turned into technologies, the admin's picker of existing ones doesn't need). The
account's milestones (activated, onboarded, erased) are read-only: the
invitation, onboarding and erasure services set them; so is `is_active`:
deactivating goes through off-boarding (the admin action matching adds). A
background answer is read-only and its value stays out of the list: it is
self-identified, its owner alone chooses it and who sees it. A second-factor
reset is an action on people (asking why first) and its record is read-only. Where
people are signed in (allauth's UserSession) is read-only too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.usersessions.models import UserSession
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mentora import inputs
from mentora.accounts.models import (
    BackgroundAnswer,
    MenteeProfile,
    MentorProfile,
    SecondFactorReset,
    Technology,
    User,
)
from mentora.accounts.second_factor import second_factor_reset
from mentora.inputs import TextChecksMixin
from mentora.worker.admin import ReadOnlyAdmin


class UserCreationAdminForm(TextChecksMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name", "time_zone")


class UserChangeAdminForm(TextChecksMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


# Deactivating an account ends every membership (cancelling future sessions,
# closing requests): matching's off-boarding does it, above accounts in the
# layers, and adds its admin action here from its AppConfig.ready. So
# `is_active` is read-only on the form, and the action is the one way to change it.
AdminAction = Callable[[Any, HttpRequest, QuerySet[Any]], HttpResponse | None]


class SecondFactorResetForm(inputs.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept on record, and told to the person in the email."),
    )


@admin.action(
    description=_("Reset second factor (lost device; emails them, signs them out)"),
    permissions=["change"],
)
def reset_second_factor(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[User]
) -> HttpResponse | None:
    """Asks why on a page of its own, then resets each chosen person (second_factor_reset)."""
    form = SecondFactorResetForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        by = request.user if isinstance(request.user, User) else None
        for user in queryset:
            second_factor_reset(user=user, by=by, reason=form.cleaned_data["reason"])
        count = queryset.count()
        modeladmin.message_user(
            request,
            ngettext(
                "Second factor reset for %(n)d person; they were emailed and signed out.",
                "Second factor reset for %(n)d people; they were emailed and signed out.",
                count,
            )
            % {"n": count},
            messages.SUCCESS,
        )
        return None
    return TemplateResponse(
        request,
        "admin/accounts/user/reset_second_factor.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Reset second factor"),
            "opts": modeladmin.model._meta,
            "people": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


USER_ACTIONS: list[AdminAction] = [reset_second_factor]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ("email", "name", "time_zone", "is_staff", "is_active", "activated_at")
    list_filter = (
        "is_staff",
        "is_superuser",
        "is_active",
        ("activated_at", admin.EmptyFieldListFilter),
        ("onboarded_at", admin.EmptyFieldListFilter),
        ("erased_at", admin.EmptyFieldListFilter),
        "groups",
    )
    search_fields = ("email", "name")
    ordering = ("email",)
    readonly_fields = (
        "is_active",
        "last_login",
        "date_joined",
        "activated_at",
        "onboarded_at",
        "onboarding_skipped_at",
        "erased_at",
    )
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
        (
            _("Dates"),
            {
                "fields": (
                    "last_login",
                    "date_joined",
                    "activated_at",
                    "onboarded_at",
                    "onboarding_skipped_at",
                    "erased_at",
                )
            },
        ),
    )
    actions = USER_ACTIONS  # the same list: matching fills it at start-up

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Deleting a person would take their memberships and history with them
        # (or fail on a protected session): deactivate instead. Nobody who is in a
        # program may be deleted here, and there is no bulk delete.
        if obj is None or obj.memberships.exists():
            return False
        return bool(super().has_delete_permission(request, obj))

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
class BackgroundAnswerAdmin(ReadOnlyAdmin):
    list_display = ("user", "field", "visibility")
    list_filter = ("field", "visibility")
    search_fields = ("user__email", "user__name")
    list_select_related = ("user",)


@admin.register(SecondFactorReset)
class SecondFactorResetAdmin(ReadOnlyAdmin):
    list_display = ("user", "at", "by", "authenticators_removed", "sessions_ended")
    search_fields = ("user__email", "user__name", "reason")
    list_select_related = ("user", "by")
    date_hierarchy = "at"


# allauth.usersessions' own admin searches a username this User doesn't have (a 500)
# and lets a row be edited; here it is read-only, searched by the person or address.
# The session key (what the cookie holds) is never shown: it isn't editable, so no
# form shows it, and no column names it.
admin.site.unregister(UserSession)


@admin.register(UserSession)
class UserSessionAdmin(ReadOnlyAdmin):
    list_display = ("user", "ip", "user_agent", "created_at", "last_seen_at")
    search_fields = ("user__email", "user__name", "ip")
    list_select_related = ("user",)
    date_hierarchy = "last_seen_at"
