"""Django admin: each program's risk rules (thresholds and weights).

Editable: a settings-like record with no rule beyond its own limits. The program
admin's risk-rules page writes through `risk_policy_update`, which sets the fields
and runs `full_clean()`; the admin form runs the same model validation.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.insights.models import RiskPolicy


@admin.register(RiskPolicy)
class RiskPolicyAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ("program", "window_weeks", "missed_threshold", "no_session_weeks")
    search_fields = ("program__name", "program__slug")
    list_select_related = ("program",)
    fieldsets = (
        (None, {"fields": ("program", "window_weeks")}),
        (_("Open concern"), {"fields": ("concern_weight",)}),
        (_("“Not a fit”"), {"fields": ("not_a_fit_weight",)}),
        (_("Missed sessions"), {"fields": ("missed_threshold", "missed_weight")}),
        (_("No recent session"), {"fields": ("no_session_weeks", "no_session_weight")}),
        (_("Held without a goal"), {"fields": ("no_goal_threshold", "no_goal_weight")}),
        (_("Low feedback"), {"fields": ("low_rating_max", "low_feedback_weight")}),
        (_("Overdue action items"), {"fields": ("overdue_threshold", "overdue_weight")}),
        (_("Attendance not recorded"), {"fields": ("unmarked_weight",)}),
        (_("Waiting for a mentor"), {"fields": ("no_mentor_weight",)}),
        (_("No success manager"), {"fields": ("no_success_manager_weight",)}),
    )
