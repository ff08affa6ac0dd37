"""Pages of the matching app: program_patterns under /p/<slug>/, global_patterns at /."""

from django.urls import URLPattern

from mentora.matching import health_urls, request_urls, staff_urls

program_patterns: list[URLPattern] = [
    *request_urls.program_patterns,
    *staff_urls.program_patterns,
    *health_urls.program_patterns,
]
global_patterns: list[URLPattern] = []
