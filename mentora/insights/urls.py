"""Pages of the insights app: program_patterns under /p/<slug>/, global_patterns at /."""

from django.urls import URLPattern

program_patterns: list[URLPattern] = []
global_patterns: list[URLPattern] = []
