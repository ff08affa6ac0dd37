from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "mentora.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"
