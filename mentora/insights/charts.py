"""Server-rendered SVG charts (pygal), inlined into the page: no JavaScript, no CDN.

The Content-Security-Policy allows no inline script or style, so the SVG goes out
as bare shapes with pygal's class names: `_render` drops the <script> and <style>
pygal embeds and every style="" attribute, and mentora.css ("charts") gives the
classes their look (colours, fonts, dashes). pygal still needs the font sizes in
STYLE: it lays out titles, labels and legends with them.

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
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pygal.style import Style

from mentora.insights.figures import Figures

# Layout only: the same sizes are in mentora.css, which draws the text.
STYLE = Style(
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
    value_font_size=12,
    tooltip_font_size=12,
)
PRINT_VALUES_UP_TO_WEEKS = 16
CHARTS_VERSION = 2  # bump when a chart's look changes, so cached SVG is drawn again
CACHE_SECONDS = 24 * 3600
# What the policy would block: pygal's embedded <script> and <style> elements and
# its style="" attributes (only the hidden tooltip has one).
_INLINE = re.compile(r"<(script|style)\b.*?</\1>|\sstyle=\"[^\"]*\"", re.DOTALL)


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


_SELF_CLOSED_TEXT = re.compile(r"<(desc|title|text|tspan)(\b[^<>]*?)\s*/>")


def _render(chart: pygal.graph.graph.Graph) -> SafeString:
    svg = chart.render(is_unicode=True)
    # The script pygal always embeds only drives tooltips, and its stylesheet is
    # replaced by ours; pygal escapes every label and title it writes.
    svg = _INLINE.sub("", svg)
    # pygal writes empty text elements as XML does (<desc />); in HTML only void
    # elements close themselves, so a validator (and an HTML parser that isn't a
    # browser's) reads everything after one as inside it.
    return mark_safe(_SELF_CLOSED_TEXT.sub(r"<\1\2></\1>", svg))


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
    # Each series' dash is in mentora.css (`.chart-lines .serie-N`).
    for name, get in series:
        data = [None if (v := get(w)) is None else round(v * 100, 1) for w in fig.weeks]
        chart.add(name, data)
    return chart


def sessions_chart(fig: Figures) -> Chart:
    chart = _bars(
        fig,
        _("Sessions by week, by what happened"),
        [
            (_("Held"), lambda w: w.held),
            (_("Cancelled on time"), lambda w: w.cancelled_on_time),
            (_("Cancelled late"), lambda w: w.cancelled_late),
            (_("No-show"), lambda w: w.no_shows),
            (_("Upcoming or not marked"), lambda w: w.not_marked),
        ],
        stacked=True,
        columns=2,
    )
    return Chart("sessions", _("Sessions"), _render(chart), "bars")


def quality_chart(fig: Figures) -> Chart:
    chart = _percent_lines(
        fig,
        _("Prepared sessions and goals met (%)"),
        [
            (_("Prepared: goal written (solid)"), lambda w: w.prepared_share),
            (_("Goal met, mentee says yes (dashed)"), lambda w: w.goal_met_share),
            (_("Attended, of marked sessions (dotted)"), lambda w: w.attendance_share),
        ],
    )
    return Chart("quality", _("Preparation, goals and attendance"), _render(chart), "lines")


def goals_chart(fig: Figures) -> Chart:
    chart = _bars(
        fig,
        _("Was the session's goal met? (mentee's reflection)"),
        [
            (_("Yes"), lambda w: w.goal_yes),
            (_("Partly"), lambda w: w.goal_partly),
            (_("No"), lambda w: w.goal_no),
        ],
        stacked=True,
    )
    return Chart("goals", _("Goals met"), _render(chart), "bars")


def feedback_chart(fig: Figures) -> Chart:
    chart = _bars(
        fig,
        _("Feedback ratings by week"),
        [
            (_("4–5 stars"), lambda w: w.feedback_high),
            (_("3 stars"), lambda w: w.feedback_mid),
            (_("1–2 stars"), lambda w: w.feedback_low),
        ],
        stacked=True,
    )
    return Chart("feedback", _("Feedback"), _render(chart), "bars")


def actions_chart(fig: Figures) -> Chart:
    chart = _bars(
        fig,
        _("Action items created and completed"),
        [(_("Created"), lambda w: w.actions_created), (_("Completed"), lambda w: w.actions_done)],
        stacked=False,
    )
    return Chart("actions", _("Action items"), _render(chart), "bars")


def mentorships_chart(fig: Figures) -> Chart:
    chart = _bars(
        fig,
        _("Mentorships: active at week end, ended, re-matched"),
        [
            (_("Active"), lambda w: w.active_mentorships),
            (_("Ended"), lambda w: w.ended),
            (_("Re-matched"), lambda w: w.rematches),
        ],
        stacked=False,
    )
    return Chart("mentorships", _("Mentorships"), _render(chart), "bars")


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
    # The language is part of the key: titles and series names are translated.
    numbers = (CHARTS_VERSION, get_language(), [astuple(w) for w in fig.weeks])
    key = "insights:charts:" + hashlib.sha256(repr(numbers).encode()).hexdigest()
    stored: dict[str, tuple[str, str, str]] | None = cache.get(key)
    if stored is None:
        stored = {c.key: (c.title, str(c.svg), c.kind) for c in _render_all(fig)}
        cache.set(key, stored, CACHE_SECONDS)
    # The stored text is pygal's own output, escaped by pygal when it was drawn.
    return {k: Chart(k, title, mark_safe(svg), kind) for k, (title, svg, kind) in stored.items()}
