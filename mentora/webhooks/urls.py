from django.urls import URLPattern, path

from mentora.webhooks import views

program_patterns: list[URLPattern] = [
    path("settings/webhooks/", views.webhook_settings, name="webhook_settings"),
]
