"""Server-rendered SVG charts (pygal), inlined into the page: no JavaScript, no CDN.

Charts read without colour alone: bar series after the first are filled with
hatching patterns (defined once per page in insights/_patterns.html, applied by
mentora.css to `.chart-bars` series and legend boxes), line series differ by
dash, the series names say which is which, small charts print their values, and
every chart has its numbers in a table beside it.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass

import pygal
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

from mentora.insights.figures import Figures

PALETTE = ("#1b6b5c", "#6e7781", "#b7791f", "#a4262c", "#3b5b92")
STYLE = Style(
    background="transparent",
    plot_background="#ffffff",
    foreground="#1f2328",
    foreground_strong="#1f2328",
    foreground_subtle="#57606a",
    colors=PALETTE,
    opacity="1",
    opacity_hover="0.85",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
    value_font_size=12,
    value_colors=("#ffffff",),
    tooltip_font_size=12,
    stroke_width="3",
)
DASHES = (None, "8,5", "2,4", "12,4,2,4")
PRINT_VALUES_UP_TO_WEEKS = 16
CHARTS_VERSION = 1  # bump when a chart's look changes, so cached SVG is drawn again
CACHE_SECONDS = 24 * 3600
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: SafeString
    kind: str  # "bars" or "lines": which patterns apply


def _base(
    kind: type[pygal.graph.graph.Graph], title: str, **config: object
) -> pygal.graph.graph.Graph:
    return kind(
        title=title,
        style=STYLE,
        js=[],  # pygal's tooltips script would load from a CDN
        disable_xml_declaration=True,
        explicit_size=False,
        width=720,
        height=340,
        legend_at_bottom=True,
        show_x_guides=False,
        truncate_legend=-1,
        x_label_rotation=0,
        print_zeroes=False,
        margin=12,
        **config,
    )


def _render(chart: pygal.graph.graph.Graph) -> SafeString:
    svg = chart.render(is_unicode=True)
    # The config script pygal always embeds only drives tooltips; pages run no scripts.
    # pygal escapes every label and title it writes.
    return mark_safe(_SCRIPT.sub("", svg))


def _integer_ticks(top: float) -> list[int]:
    if top <= 0:
        return [0, 1]
    step = max(1, math.ceil(top / 5))
    return list(range(0, int(top) + step + 1, step))


def _labels(fig: Figures) -> list[str]:
    many = len(fig.weeks) > PRINT_VALUES_UP_TO_WEEKS
    labels = []
    for i, w in enumerate(fig.weeks):
        day = w.starts_on
        assert day is not None
        # Every fourth week on long ranges, so labels don't overlap.
        labels.append(f"{day:%-d %b}" if not many or i % 4 == 0 else "")
    return labels


def _bars(
    fig: Figures,
    title: str,
    series: Sequence[tuple[str, Callable[..., int]]],
    *,
    stacked: bool,
    columns: int = 3,
) -> pygal.graph.graph.Graph:
    """Weekly bars. Only the first (solid) series prints its values, in white: text on
    hatching doesn't read; every number is in the table beside the chart."""
    kind = pygal.StackedBar if stacked else pygal.Bar
    values = {name: [get(w) for w in fig.weeks] for name, get in series}
    if stacked:
        top = max((sum(col) for col in zip(*values.values(), strict=True)), default=0)
    else:
        top = max((max(v, default=0) for v in values.values()), default=0)
    chart = _base(
        kind,
        title,
        columns=columns,
        print_values=len(fig.weeks) <= PRINT_VALUES_UP_TO_WEEKS,
        print_values_position="center",
        y_labels=_integer_ticks(top),
    )
    chart.x_labels = _labels(fig)
    for i, (name, data) in enumerate(values.items()):
        if i == 0:
            chart.add(name, data)
        else:
            chart.add(name, data, formatter=_silent)
    return chart


def _silent(value: object) -> str:
    return ""


def _percent_lines(
    fig: Figures, title: str, series: Sequence[tuple[str, Callable[..., float | None]]]
) -> pygal.graph.graph.Graph:
    chart = _base(
        pygal.Line,
        title,
        columns=1,
        range=(0, 100),
        y_labels=[0, 25, 50, 75, 100],
        value_formatter=lambda v: f"{v:.0f}%",
        dots_size=4,
        allow_interruptions=True,
    )
    chart.x_labels = _labels(fig)
    for i, (name, get) in enumerate(series):
        data = [None if (v := get(w)) is None else round(v * 100, 1) for w in fig.weeks]
        style = {"width": 3, "dasharray": DASHES[i]} if DASHES[i] else {"width": 3}
        chart.add(name, data, stroke_style=style)
    return chart


def sessions_chart(fig: Figures) -> Chart:
    chart = _bars(
        fig,
        "Sessions by week, by what happened",
        [
            ("Held", lambda w: w.held),
            ("Cancelled on time", lambda w: w.cancelled_on_time),
            ("Cancelled late", lambda w: w.cancelled_late),
            ("No-show", lambda w: w.no_shows),
            ("Upcoming or not marked", lambda w: w.not_marked),
        ],
        stacked=True,
        columns=2,
    )
    return Chart("sessions", "Sessions", _render(chart), "bars")


def quality_chart(fig: Figures) -> Chart:
    chart = _percent_lines(
        fig,
        "Prepared sessions and goals met (%)",
        [
            ("Prepared: goal written (solid)", lambda w: w.prepared_share),
            ("Goal met, mentee says yes (dashed)", lambda w: w.goal_met_share),
            ("Attended, of marked sessions (dotted)", lambda w: w.attendance_share),
        ],
    )
    return Chart("quality", "Preparation, goals and attendance", _render(chart), "lines")


def goals_chart(fig: Figures) -> Chart:
    chart = _bars(
        fig,
        "Was the session's goal met? (mentee's reflection)",
        [
            ("Yes", lambda w: w.goal_yes),
            ("Partly", lambda w: w.goal_partly),
            ("No", lambda w: w.goal_no),
        ],
        stacked=True,
    )
    return Chart("goals", "Goals met", _render(chart), "bars")


def feedback_chart(fig: Figures) -> Chart:
    chart = _bars(
        fig,
        "Feedback ratings by week",
        [
            ("4–5 stars", lambda w: w.feedback_high),
            ("3 stars", lambda w: w.feedback_mid),
            ("1–2 stars", lambda w: w.feedback_low),
        ],
        stacked=True,
    )
    return Chart("feedback", "Feedback", _render(chart), "bars")


def actions_chart(fig: Figures) -> Chart:
    chart = _bars(
        fig,
        "Action items created and completed",
        [("Created", lambda w: w.actions_created), ("Completed", lambda w: w.actions_done)],
        stacked=False,
    )
    return Chart("actions", "Action items", _render(chart), "bars")


def mentorships_chart(fig: Figures) -> Chart:
    chart = _bars(
        fig,
        "Mentorships: active at week end, ended, re-matched",
        [
            ("Active", lambda w: w.active_mentorships),
            ("Ended", lambda w: w.ended),
            ("Re-matched", lambda w: w.rematches),
        ],
        stacked=False,
    )
    return Chart("mentorships", "Mentorships", _render(chart), "bars")


def _render_all(fig: Figures) -> list[Chart]:
    return [
        sessions_chart(fig),
        quality_chart(fig),
        goals_chart(fig),
        feedback_chart(fig),
        actions_chart(fig),
        mentorships_chart(fig),
    ]


def all_charts(fig: Figures) -> dict[str, Chart]:
    """Every chart of the insights page. pygal takes tens of milliseconds a chart, so
    the SVG is kept in the cache under a digest of the numbers it draws: the same
    numbers never render twice, and different numbers can never get a stale chart."""
    numbers = (CHARTS_VERSION, [astuple(w) for w in fig.weeks])
    key = "insights:charts:" + hashlib.sha256(repr(numbers).encode()).hexdigest()
    stored: dict[str, tuple[str, str, str]] | None = cache.get(key)
    if stored is None:
        stored = {c.key: (c.title, str(c.svg), c.kind) for c in _render_all(fig)}
        cache.set(key, stored, CACHE_SECONDS)
    # The stored text is pygal's own output, escaped by pygal when it was drawn.
    return {k: Chart(k, title, mark_safe(svg), kind) for k, (title, svg, kind) in stored.items()}
