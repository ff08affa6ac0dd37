from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "mentora.applications"
    label = "applications"
    verbose_name = "Applications: rounds, questions and applicants"
