"""Pages of the insights app: program_patterns under /p/<slug>/, global_patterns at /."""

from django.urls import URLPattern, path

from mentora.insights import views

program_patterns: list[URLPattern] = [
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/<id:user_id>/", views.caseload_mentee, name="caseload_mentee"),
    path("staff/mentors/", views.staff_mentors, name="staff_mentors"),
    path("insights/", views.insights, name="insights"),
    path("insights.csv", views.insights_csv, name="insights_csv"),
    path("caseload/risk-rules/", views.risk_policy_edit, name="risk_policy_edit"),
]
global_patterns: list[URLPattern] = []
