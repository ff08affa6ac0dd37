"""Markdown for notes: rendered, then sanitised, so a note can never carry script.

Raw HTML in the source is never passed through: python-markdown's HTML block
and inline HTML handlers are switched off, so `<script>` is shown as text. nh3
then cleans the output against a short allow-list as a second line of defence
(links keep only http, https and mailto; `javascript:` and `data:` go).
"""

from __future__ import annotations

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a",
        "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Content of these is dropped entirely, not shown as text.
DROPPED_WITH_CONTENT = frozenset({"script", "style"})


def _converter() -> md.Markdown:
    converter = md.Markdown(
        extensions=["fenced_code", "tables", "sane_lists", "toc"],
        # "# Title" becomes <h3>: a note's headings sit below the page's own.
        extension_configs={"toc": {"baselevel": 3, "marker": ""}},
    )
    # No raw HTML passthrough: without these, "<b>" stays literal text.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


def render_markdown(text: str) -> SafeString:
    """Markdown source to safe HTML for templates."""
    html = _converter().convert(text or "")
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener nofollow",
    )
    return mark_safe(clean)
