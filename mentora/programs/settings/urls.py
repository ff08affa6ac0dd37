"""The settings pages under /p/<slug>/, and creating a program (a global page)."""

from django.urls import URLPattern, path

from mentora.programs.settings import views

program_patterns: list[URLPattern] = [
    path("settings/", views.program_settings, name="program_settings"),
    path("settings/changes/", views.program_settings_changes, name="program_settings_changes"),
]
global_patterns: list[URLPattern] = [
    path("programs/new/", views.program_new, name="program_new"),
]
