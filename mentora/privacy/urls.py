"""Pages of the privacy app: program_patterns under /p/<slug>/, global_patterns at /."""

from django.urls import URLPattern, path

from mentora.privacy import views

program_patterns: list[URLPattern] = [
    path("people/<id:user_id>/erase/", views.person_erase, name="person_erase"),
]
global_patterns: list[URLPattern] = [
    path("privacy/export/", views.export_own_data, name="privacy_export"),
]
