"""Template helpers of the insights pages, and the caseload summary on the success
manager's home (an inclusion tag, so the home view needs no change)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from mentora.insights import access, queries
from mentora.insights.figures import TREND_WEEKS, Trend
from mentora.programs.models import Program

register = template.Library()
HOME_ROWS = 3


@register.filter
def percent(value: float | None) -> str:
    """0.834 → "83%"; no figure → "—"."""
    return "—" if value is None else f"{value * 100:.0f}%"


@register.filter
def rating(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@register.inclusion_tag("insights/_home_summary.html", takes_context=True)
def caseload_summary(context: dict[str, Any], program: Program) -> dict[str, Any]:
    """The most at-risk mentees of the signed-in success manager, with their reasons."""
    user = context["request"].user
    scope = access.Scope(program, user)
    page = queries.caseload(scope, timezone.now())
    return {
        "program": program,
        "rows": [r for r in page.rows[:HOME_ROWS] if r.score],
        "at_risk": page.at_risk,
        "total": page.total,
    }


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
