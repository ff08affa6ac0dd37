"""Matching pages (health), mounted under /p/<slug>/ by mentora.matching.urls."""

from django.urls import URLPattern

program_patterns: list[URLPattern] = []
