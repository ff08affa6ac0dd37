from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "mentora.home"
    label = "home"
    verbose_name = "Home pages: each role's day, composed from every app"
