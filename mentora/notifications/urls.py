"""Pages of the notifications app: program_patterns under /p/<slug>/, global_patterns at /."""

from django.urls import URLPattern, path

from mentora.notifications import views

program_patterns: list[URLPattern] = []
global_patterns: list[URLPattern] = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.mark_all_read, name="inbox_mark_all_read"),
    path("inbox/<id:notification_id>/read/", views.mark_read, name="inbox_mark_read"),
    path("accounts/notifications/", views.preferences, name="notification_preferences"),
]
