"""The demo's workspace history: prepared agendas, notes, reflections, practice."""

import pytest
from django.core.management import call_command

from mentora.mentoring.models import ActionItem, Agenda, Feedback, MentorshipGoal, Note, Reflection

pytestmark = pytest.mark.django_db


def counts():
    return [
        m.objects.count() for m in (MentorshipGoal, Agenda, Note, Reflection, Feedback, ActionItem)
    ]


def test_demo_fills_the_workspace_once(db):
    call_command("load_demo", skip_checks=True)
    first = counts()

    call_command("load_demo", skip_checks=True)

    assert all(n > 0 for n in first)
    assert counts() == first
    assert not Note.objects.filter(shared=False).exists()


def test_demo_action_items_are_dated_at_their_sessions(db):
    call_command("load_demo", skip_checks=True)

    for item in ActionItem.objects.exclude(session=None).select_related("session")[:50]:
        assert item.created_at == item.session.ends_at
