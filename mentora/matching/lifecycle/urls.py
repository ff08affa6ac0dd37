"""Matching pages (lifecycle), mounted under /p/<slug>/ by mentora.matching.urls."""

from django.urls import URLPattern, path

from mentora.matching.lifecycle import views

program_patterns: list[URLPattern] = [
    path(
        "mentorships/<id:mentorship_id>/regular-time/",
        views.regular_time,
        name="regular_time",
    ),
]
