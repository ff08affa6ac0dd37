from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "mentora.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        # Registers the system check that production has MENTORA_SECRETS_KEY
        # (connected calendars are the secrets it seals).
        from mentora import sealed  # noqa: F401
