"""Django admin: each program's risk rules (thresholds and weights)."""

from django.contrib import admin

from mentora import inputs
from mentora.insights.models import RiskPolicy


@admin.register(RiskPolicy)
class RiskPolicyAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ("program", "window_weeks", "missed_threshold", "no_session_weeks")
    search_fields = ("program__name", "program__slug")
    fieldsets = (
        (None, {"fields": ("program", "window_weeks")}),
        ("Open concern", {"fields": ("concern_weight",)}),
        ("“Not a fit”", {"fields": ("not_a_fit_weight",)}),
        ("Missed sessions", {"fields": ("missed_threshold", "missed_weight")}),
        ("No recent session", {"fields": ("no_session_weeks", "no_session_weight")}),
        ("Held without a goal", {"fields": ("no_goal_threshold", "no_goal_weight")}),
        ("Low feedback", {"fields": ("low_rating_max", "low_feedback_weight")}),
        ("Overdue action items", {"fields": ("overdue_threshold", "overdue_weight")}),
        ("Attendance not recorded", {"fields": ("unmarked_weight",)}),
    )
