"""Django admin shows every applications record and changes none of them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentora.applications.models import (
    Answer,
    Application,
    ApplicationRound,
    Question,
    StatusChange,
)
from mentora.applications.tests.factories import (
    QuestionFactory,
    RoundFactory,
    answer,
    application_with_token,
    change,
)
from mentora.tests import factories as f

pytestmark = pytest.mark.django_db

MODELS = [ApplicationRound, Question, Application, Answer, StatusChange]


@pytest.fixture
def root(client):
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def rows(program, admin_user):
    round_ = RoundFactory(program=program)
    question = QuestionFactory(round=round_)
    application, _token = application_with_token(round=round_, name="Ava Applicant")
    answer(application, question, "An answer")
    change(application, by=admin_user)
    return application


def url(model, view, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS)
def test_every_record_opens_and_none_can_be_added_changed_or_deleted(root, rows, model):
    row = model._default_manager.first()

    assert root.get(url(model, "changelist")).status_code == 200
    page = root.get(url(model, "change", row.pk))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert root.get(url(model, "add")).status_code == 403
    assert root.post(url(model, "change", row.pk), {}).status_code == 403
    assert root.post(url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert model._default_manager.filter(pk=row.pk).exists()


def test_applications_are_found_by_name_and_email_and_the_link_hash_is_never_shown(root, rows):
    found = root.get(url(Application, "changelist"), {"q": "ava applicant"}).content.decode()
    page = root.get(url(Application, "change", rows.pk)).content.decode()

    assert "Ava Applicant" in found
    assert rows.link_hash not in page
