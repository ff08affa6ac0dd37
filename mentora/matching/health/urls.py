"""Matching pages (health), mounted under /p/<slug>/ by mentora.matching.urls."""

from django.urls import URLPattern, path

from mentora.matching.health import views

program_patterns: list[URLPattern] = [
    path("pulses/<int:pulse_id>/", views.pulse_answer, name="pulse_answer"),
    path("mentorships/<int:mentorship_id>/concern/", views.concern_new, name="concern_new"),
    path("concerns/", views.concern_list, name="concern_list"),
    path("concerns/<int:concern_id>/", views.concern_detail, name="concern_detail"),
    path("concerns/<int:concern_id>/resolve/", views.concern_resolve, name="concern_resolve"),
    path(
        "mentorships/<int:mentorship_id>/rematch/",
        views.mentorship_rematch,
        name="mentorship_rematch",
    ),
    path(
        "mentorships/<int:mentorship_id>/resume/",
        views.mentorship_resume,
        name="mentorship_resume",
    ),
    path("mentees/<int:user_id>/history/", views.mentee_history, name="mentee_history"),
]
