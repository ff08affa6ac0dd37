from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mentora.notifications"
    label = "notifications"
    verbose_name = "Notifications: email, inbox, reminders, preferences"

    def ready(self) -> None:
        from mentora.notifications import events

        events.listen()
