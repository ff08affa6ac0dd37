"""The cohorts pages under /p/<slug>/."""

from django.urls import URLPattern, path

from mentora.programs.cohorts import views

program_patterns: list[URLPattern] = [
    path("cohorts/", views.cohort_list, name="program_cohorts"),
    path("cohorts/<id:cohort_id>/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<id:cohort_id>/close/", views.cohort_close, name="cohort_close"),
    path("cohorts/<id:cohort_id>/reopen/", views.cohort_reopen, name="cohort_reopen"),
]
