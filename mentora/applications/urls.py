from django.urls import URLPattern, path

from mentora.applications import views

program_patterns: list[URLPattern] = [
    path("applications/", views.application_queue, name="application_queue"),
    path("applications/rounds/", views.application_rounds, name="application_rounds"),
    path("applications/rounds/<id:round_id>/", views.application_round, name="application_round"),
    path("applications/<id:application_id>/", views.application_detail, name="application_detail"),
]

# Public: no login (an applicant has no account).
global_patterns: list[URLPattern] = [
    path("apply/<slug:slug>/", views.apply_program, name="apply_program"),
    path("apply/<slug:slug>/<id:round_id>/", views.apply_form, name="apply_form"),
    path("apply/<slug:slug>/<id:round_id>/sent/", views.apply_sent, name="apply_sent"),
    path("apply/<slug:slug>/a/<token:link>/", views.application_link, name="application_link"),
    path("apply/<slug:slug>/a/<token:link>/edit/", views.application_edit, name="application_edit"),
]
