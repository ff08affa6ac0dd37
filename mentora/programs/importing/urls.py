"""The import page's URLs, under /p/<slug>/."""

from django.urls import URLPattern, path

from mentora.programs.importing import views

program_patterns: list[URLPattern] = [
    path("people/import/", views.people_import, name="people_import"),
    path(
        "people/import/template.csv",
        views.people_import_template,
        name="people_import_template",
    ),
]
