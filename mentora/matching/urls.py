"""Pages of the matching app: program_patterns under /p/<slug>/, global_patterns at /."""

from django.urls import URLPattern

from mentora.matching.health import urls as health_urls
from mentora.matching.lifecycle import urls as lifecycle_urls
from mentora.matching.mentor_requests import urls as request_urls
from mentora.matching.staff import urls as staff_urls

program_patterns: list[URLPattern] = [
    *request_urls.program_patterns,
    *staff_urls.program_patterns,
    *health_urls.program_patterns,
    *lifecycle_urls.program_patterns,
]
global_patterns: list[URLPattern] = []
