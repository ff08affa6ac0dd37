from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mentora.notifications"
    label = "notifications"
    verbose_name = "Notifications: email, inbox, reminders, preferences"

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from mentora.notifications.worker import retry_failed

        # The worker's only hook after a task: bounded retries of our failed tasks.
        task_finished.connect(retry_failed, dispatch_uid="mentora_retry_failed")
