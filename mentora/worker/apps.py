from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "mentora.worker"
    label = "worker"
    verbose_name = "Worker: background tasks and periodic jobs"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules
        from django_tasks.signals import task_finished

        from mentora.worker.retry import retry_failed

        # Each app declares its own periodic jobs in its jobs.py (see registry.py).
        autodiscover_modules("jobs")
        # The worker's only hook after a task: bounded retries of tasks safe to rerun.
        task_finished.connect(retry_failed, dispatch_uid="mentora_retry_failed")
