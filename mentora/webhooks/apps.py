from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "mentora.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks: endpoints and deliveries"

    def ready(self) -> None:
        from mentora.webhooks import events

        events.listen()
