"""Matching pages (health), mounted under /p/<slug>/ by mentora.matching.urls."""

from django.urls import URLPattern, path

from mentora.matching.health import views

program_patterns: list[URLPattern] = [
    path("pulses/<id:pulse_id>/", views.pulse_answer, name="pulse_answer"),
    path("mentorships/<id:mentorship_id>/concern/", views.concern_new, name="concern_new"),
    path("concerns/", views.concern_list, name="concern_list"),
    path("concerns/<id:concern_id>/", views.concern_detail, name="concern_detail"),
    path("concerns/<id:concern_id>/resolve/", views.concern_resolve, name="concern_resolve"),
    path(
        "mentorships/<id:mentorship_id>/rematch/",
        views.mentorship_rematch,
        name="mentorship_rematch",
    ),
    path(
        "mentorships/<id:mentorship_id>/resume/",
        views.mentorship_resume,
        name="mentorship_resume",
    ),
    path("mentees/<id:user_id>/history/", views.mentee_history, name="mentee_history"),
]
