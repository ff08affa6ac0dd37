from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "mentora.programs"
    label = "programs"
    verbose_name = "Programs, cohorts and mentorships"

    def ready(self) -> None:
        from django.urls import register_converter

        from mentora.converters import IdConverter, TokenConverter

        # Before any URLconf is read: every app's patterns use <id:...>.
        register_converter(IdConverter, "id")
        register_converter(TokenConverter, "token")
