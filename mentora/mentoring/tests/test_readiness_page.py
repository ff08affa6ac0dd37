"""The mentor's readiness page: the next 14 days by default (every upcoming session on
request), and badges whose colour reads right (prepared green, not prepared amber)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from mentora.mentoring.dashboard.queries import READINESS_DAYS, mentor_readiness
from mentora.mentoring.models import Agenda
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _prepared(session):
    Agenda.objects.update_or_create(
        session=session,
        defaults={"goal": "Mock interview", "setup_checked": True, "previous_notes_reviewed": True},
    )


def _sessions(mentorship, *days):
    return [
        f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=d)) for d in days
    ]


def test_the_page_shows_the_next_14_days_and_counts_the_rest(program, mentor, mentorship):
    _sessions(mentorship, 1, 13, 14, 15, 40)

    page = mentor_readiness(program, mentor, NOW)

    assert READINESS_DAYS == 14 and page.days == 14
    assert [r.session.starts_at - NOW for r in page.rows] == [timedelta(days=1), timedelta(days=13)]
    assert page.later == 3  # 14 days ahead to the second is outside "the next 14 days"
    everything = mentor_readiness(program, mentor, NOW, days=None)
    assert len(everything.rows) == 5 and everything.later == 0


def test_readiness_page_offers_the_later_sessions(client, program, mentor, mentorship):
    soon, later = _sessions(mentorship, 2, 30)
    client.force_login(mentor)
    url = reverse("readiness", args=[program.slug])

    html = client.get(url).content.decode()
    assert reverse("agenda", args=[program.slug, soon.pk]) in html
    assert reverse("agenda", args=[program.slug, later.pk]) not in html
    assert "next 14 days" in html and 'href="?show=all"' in html

    everything = client.get(url, {"show": "all"}).content.decode()
    assert reverse("agenda", args=[program.slug, later.pk]) in everything


def test_prepared_is_green_and_not_prepared_amber(client, program, mentor, mentorship):
    ready, _unready = _sessions(mentorship, 1, 2)
    _prepared(ready)
    client.force_login(mentor)

    html = client.get(reverse("readiness", args=[program.slug])).content.decode()

    assert 'class="badge badge-ok" data-readiness="prepared">Prepared<' in html
    assert 'class="badge badge-warn" data-readiness="not_yet">Not prepared yet<' in html


def test_an_empty_window_says_so(client, program, mentor, mentorship):
    _sessions(mentorship, 20)
    client.force_login(mentor)
    html = client.get(reverse("readiness", args=[program.slug])).content.decode()
    assert "No sessions in the next 14 days." in html
    assert "Show 1 later session too" in html
