"""Notes in Markdown: formatting works, script never does."""

import pytest
from django.template import Context, Template

from mentora.mentoring.markdown import render_markdown
from mentora.tests import factories as f


def test_markdown_renders_basic_formatting():
    html = render_markdown("**bold** and _em_ and `code`\n\n- one\n- two")

    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<code>code</code>" in html
    assert "<li>one</li>" in html


def test_markdown_script_tag_is_shown_as_text_never_run():
    html = render_markdown("<script>alert('x')</script> hello")

    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_markdown_onerror_attribute_is_neutralised():
    html = render_markdown('<img src="x" onerror="alert(1)"> and <b onclick="x()">b</b>')

    assert "<img" not in html
    assert "<b " not in html
    assert "&lt;img" in html


@pytest.mark.parametrize(
    "source",
    ["[click](javascript:alert(1))", "[click](JaVaScRiPt:alert(1))", "[click](data:text/html,x)"],
)
def test_markdown_dangerous_link_loses_its_href(source):
    html = render_markdown(source)

    assert "href" not in html
    assert "javascript" not in html.lower()
    assert "data:" not in html


def test_markdown_links_get_safe_rel():
    html = render_markdown("[docs](https://docs.djangoproject.com/)")

    assert '<a href="https://docs.djangoproject.com/" rel="noopener nofollow">docs</a>' in html


def test_markdown_fenced_code_and_tables():
    html = render_markdown("```\n<b>x</b>\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |")

    assert "<pre><code>&lt;b&gt;x&lt;/b&gt;" in html
    assert "<td>1</td>" in html


def test_markdown_headings_start_below_the_page_title():
    html = render_markdown("# Big")

    assert "<h3>Big</h3>" in html
    assert "<h1" not in html


def test_markdown_template_filter_is_safe_html():
    out = Template("{% load mentoring_markdown %}{{ body|markdown }}").render(
        Context({"body": "**hi** <script>x</script>"})
    )

    assert "<strong>hi</strong>" in out
    assert "<script>" not in out


@pytest.mark.django_db
def test_dashboard_and_agenda_render_shared_notes_as_safe_markdown(client, program, mentee, mentor):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from mentora.scheduling.models import SessionStatus

    mentorship = mentee.mentorships_as_mentee.get()
    held = f.SessionFactory(
        mentorship=mentorship,
        starts_at=timezone.now() - timedelta(days=2),
        status=SessionStatus.HELD,
    )
    upcoming = f.SessionFactory(mentorship=mentorship, starts_at=timezone.now() + timedelta(days=3))
    f.NoteFactory(session=held, author=mentor, body="Focus on **APIs** <script>alert(1)</script>")
    client.force_login(mentee)

    for url in (
        reverse("program_home", args=[program.slug]),
        reverse("agenda", args=[program.slug, upcoming.pk]),
    ):
        html = client.get(url).text
        assert "<strong>APIs</strong>" in html
        assert "<script>alert(1)" not in html
