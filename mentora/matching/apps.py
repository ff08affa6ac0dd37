from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "mentora.matching"
    label = "matching"
    verbose_name = "Matching: directory, requests, suggestions, concerns"

    def ready(self) -> None:
        from mentora.matching.engine import cache
        from mentora.matching.lifecycle import admin_actions, rhythm
        from mentora.scheduling.cadence import sections

        # The cadence page shows the regular time matching proposed, to confirm.
        sections.register(rhythm.cadence_page_section)
        # Django admin off-boards through these services, never by editing a status.
        admin_actions.register()
        # The directory's cached mentors are forgotten when the services say they changed.
        cache.connect_listeners()
