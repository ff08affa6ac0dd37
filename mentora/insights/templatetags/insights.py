"""Template filters of the insights pages: percentages, ratings, trends in words.
Filters only format what the view passed; none runs a query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from mentora.insights.figures import TREND_WEEKS, Trend

register = template.Library()


@register.filter
def options(choices: Iterable[tuple[Any, str]], chosen: Any) -> SafeString:
    """`<option>`s for (value, name) pairs, `chosen` selected: written at once, since a
    program's hundreds of mentors took most of the page as a template loop."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, mark_safe(" selected") if pk == chosen else "", name) for pk, name in choices),
    )


@register.filter
def percent(value: float | None) -> str:
    """0.834 → "83%"; no figure → "—"."""
    return "—" if value is None else f"{value * 100:.0f}%"


@register.filter
def rating(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@register.filter
def week_utilisation(fig: Any, week: Any) -> float | None:
    return fig.week_utilisation(week)


@register.filter
def trend(value: Trend | str | None, kind: str = "percent") -> str:
    """ "▲ up: 86% in the last 4 weeks, 79% before" — words and an arrow, not colour."""
    if not isinstance(value, Trend):
        return ""
    show = percent if kind == "percent" else rating
    arrow = {"up": "▲ up", "down": "▼ down", "steady": "● steady"}[value.direction]
    return (
        f"{arrow}: {show(value.recent)} in the last {TREND_WEEKS} weeks, "
        f"{show(value.before)} before"
    )


@register.filter
def days(value: float | None) -> str:
    """A wait in days, to a tenth: 2.5 → "2.5"; no figure → "—"."""
    return "—" if value is None else f"{value:.1f}"
