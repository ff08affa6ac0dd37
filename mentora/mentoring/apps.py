from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentora.mentoring"
    label = "mentoring"
    verbose_name = "Mentoring: agendas, questions, notes, reflections, feedback"
