"""Django's {# #} comment ends at the line's end: one left open across lines is
printed to the page as text (it happened on the mentee's home). Multi-line
comments use {% comment %}."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1]


def test_no_template_opens_a_one_line_comment_it_doesnt_close():
    open_comments = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("templates/**/*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]

    assert open_comments == []
