from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "mentora.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        # Registers the system check that production has MENTORA_SECRETS_KEY
        # (connected calendars are the secrets it seals).
        from mentora import sealed  # noqa: F401

        # Sessions booked, moved or cancelled are copied into the parties'
        # CalDAV calendars by the worker (calendars/listeners.py).
        from mentora.scheduling.calendars import listeners

        listeners.listen()
