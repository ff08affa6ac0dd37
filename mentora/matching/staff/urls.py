"""Matching pages (staff), mounted under /p/<slug>/ by mentora.matching.urls."""

from django.urls import URLPattern, path

from mentora.matching.staff import job_views, views

program_patterns: list[URLPattern] = [
    path("mentees/<id:user_id>/suggestions/", views.mentee_suggestions, name="mentee_suggestions"),
    path("mentees/<id:user_id>/match/", views.mentee_match, name="mentee_match"),
    path("matching/bulk/", views.bulk_match_new, name="bulk_match_new"),
    path("matching/bulk/<id:run_id>/", views.bulk_match_preview, name="bulk_match_preview"),
    path(
        "matching/bulk/<id:run_id>/publish/",
        job_views.bulk_match_publish,
        name="bulk_match_publish",
    ),
    path(
        "matching/bulk/<id:run_id>/progress/",
        job_views.bulk_match_progress,
        name="bulk_match_progress",
    ),
    path("matching/bulk/<id:run_id>/revise/", views.bulk_match_revise, name="bulk_match_revise"),
    path("matching/bulk/<id:run_id>/discard/", views.bulk_match_discard, name="bulk_match_discard"),
]
