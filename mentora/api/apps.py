from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mentora.api"
    label = "api"
    verbose_name = "JSON API: tokens and idempotency keys"
