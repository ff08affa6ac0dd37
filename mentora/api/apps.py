from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mentora.api"
    label = "api"
    verbose_name = "JSON API: tokens and idempotency keys"

    def ready(self) -> None:
        from mentora.api.privacy import api_export_part, forget_erased_person
        from mentora.privacy import hooks as privacy_hooks

        privacy_hooks.add_export_part(api_export_part)
        privacy_hooks.person_erased.connect(forget_erased_person)
