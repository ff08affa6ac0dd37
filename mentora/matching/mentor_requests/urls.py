"""Matching pages (request), mounted under /p/<slug>/ by mentora.matching.urls."""

from django.urls import URLPattern, path

from mentora.matching.mentor_requests import views

program_patterns: list[URLPattern] = [
    path("mentors/", views.mentor_directory, name="mentor_directory"),
    path("mentors/<id:user_id>/request/", views.mentor_request, name="mentor_request"),
    path("requests/", views.requests_list, name="requests_list"),
    path("requests/<id:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<id:request_id>/accept/", views.request_accept, name="request_accept"),
    path("requests/<id:request_id>/decline/", views.request_decline, name="request_decline"),
    path("requests/<id:request_id>/withdraw/", views.request_withdraw, name="request_withdraw"),
]
