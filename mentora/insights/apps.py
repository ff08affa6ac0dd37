from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "mentora.insights"
    label = "insights"
    verbose_name = "Insights: caseload, risk, program numbers"
