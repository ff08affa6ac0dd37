"""The people page's URLs, under /p/<slug>/."""

from django.urls import URLPattern, path

from mentora.programs.roster import views

program_patterns: list[URLPattern] = [
    path("people/", views.program_people, name="program_people"),
    path("people/<id:user_id>/resend/", views.person_resend, name="person_resend"),
]
